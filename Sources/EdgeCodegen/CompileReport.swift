import EdgeCore
import EdgePasses
import EdgePlan
import EdgeReference
import EdgeTargets

public struct CodeSize: Hashable, Sendable {
  public var bytes: Int
  /// Stack the invoke call needs (kernel frames, including any scratch kept
  /// on the stack), when measured with the target's compiler.
  public var stackBytes: Int?
  public var method: String
}

/// report.json: the figures an engineer checks before flashing, and that CI
/// compares across commits.
public struct CompileReport: Sendable {
  public let model: String
  public let target: String
  public let arenaBytes: Int
  /// The RAM the model's data needs: the arena, which holds the inputs,
  /// outputs, activations and every kernel's scratch — what compares with
  /// TFLM's arena (which holds CMSIS-NN's scratch the same way). The kernels'
  /// call frames live on the application's stack like TFLM's do; they are
  /// measured and reported apart (kernel_stack_bytes, checked against the
  /// target's stack reserve).
  public let peakSRAMBytes: Int
  /// A stateful model's variables (`<model>_state`, beside the arena and
  /// counted in peak SRAM); 0 for a stateless model.
  public let stateBytes: Int
  public let lowerBoundBytes: Int
  public let weightsBytes: Int
  public let code: CodeSize
  public let macs: Int
  public let ops: Int
  public let kernels: [String]
  public let stackReserveBytes: Int
  public let inputs: [JSON]
  public let outputs: [JSON]
  public let rounding: Rounding
  /// The region of the arena, stack, weights and code (set by `compile`).
  public var placement: MemoryPlacement?
  public let passes: [PassRecord]
  public let patches: PatchChoice?
  /// Attention by head / MLP row chunks, when they lowered the arena.
  public var tokenMemory: TokenMemoryChoice? = nil
  public let scratch: [PlannedScratch]
  public let schedule: ScheduleMethod
  /// DEPTHWISE_CONV_2D ops computed in place to meet the budget, by their
  /// index in the imported model.
  public let depthwiseInPlace: [Int]
  public let compression: JSON?

  init(
    graph: Graph, passes: [PassRecord], patches: PatchChoice? = nil, program: [LoweredOp], plan: MemoryPlan, target: Target, weightsBytes: Int,
    code: CodeSize, options: CompileOptions
  ) {
    model = graph.name
    self.target = target.name
    arenaBytes = plan.arenaBytes
    stateBytes = StateLayout(graph).bytes
    peakSRAMBytes = plan.arenaBytes + stateBytes
    self.passes = passes
    self.patches = patches
    scratch = plan.scratch
    schedule = plan.schedule
    depthwiseInPlace = graph.operators.enumerated().compactMap { index, op in
      guard case .depthwiseConv2D(let o) = op.options, o.inPlace else { return nil }
      return op.origin ?? index
    }
    lowerBoundBytes = plan.lowerBoundBytes
    compression = options.compression
    self.weightsBytes = weightsBytes
    self.code = code
    macs = GraphStatistics(graph).totalMACs
    ops = graph.operators.count
    kernels = Array(Set(program.compactMap { step -> String? in
      if case .kernel(_, let k, _, _) = step { return k.cFunction }
      return nil
    })).sorted()
    stackReserveBytes = target.stackReserveBytes
    inputs = graph.inputs.map { CompileReport.describe(graph.tensors[$0]) }
    outputs = graph.outputs.map { CompileReport.describe(graph.tensors[$0]) }
    rounding = options.rounding
  }

  static func describe(_ tensor: Tensor) -> JSON {
    var fields: [(String, JSON)] = [
      ("name", .string(tensor.name)),
      ("type", .string(tensor.type.rawValue)),
      ("shape", .array(tensor.shape.dims.map { .int($0) })),
      ("bytes", .int(tensor.byteSize)),
    ]
    if let q = tensor.quantization, !q.isPerAxis {
      fields.append(("scale", .double(Double(q.scale))))
      fields.append(("zero_point", .int(Int(q.zeroPoint))))
    }
    return .object(fields)
  }

  /// The patch-based first stage, if the budget needed one.
  var patchesJSON: JSON {
    guard let p = patches else { return .null }
    let percent = Double(p.extraMACs) * 100 / Double(max(p.baseMACs, 1))
    return .object([
      ("layers", .int(p.layers)), ("bands", .int(p.bands)), ("extra_macs", .int(p.extraMACs)),
      ("extra_macs_percent", .double(percent)),
    ])
  }

  public var json: JSON {
    let stack: JSON = code.stackBytes.map { .int($0) } ?? .null
    let stackAndArena: JSON = code.stackBytes.map { .int(peakSRAMBytes + $0) } ?? .null
    let fullSpeed = scratch.filter { $0.bytes >= $0.requestedBytes }.count
    let passList: [JSON] = passes.map { .object([("name", .string($0.name)), ("rewrites", .int($0.rewrites))]) }
    var fields: [(String, JSON)] = [
      ("model", .string(model)),
      ("target", .string(target)),
      ("peak_sram_bytes", .int(peakSRAMBytes)),
      ("arena_bytes", .int(arenaBytes)),
      ("state_bytes", .int(stateBytes)),
      ("lower_bound_bytes", .int(lowerBoundBytes)),
      ("kernel_stack_bytes", stack),
      ("sram_with_kernel_stack_bytes", stackAndArena),
      ("scratch_granted_bytes", .int(scratch.map(\.bytes).max() ?? 0)),
      ("scratch_kernels_at_full_speed", .int(fullSpeed)),
      ("scratch_kernels", .int(scratch.count)),
      ("schedule", .string(schedule.rawValue)),
      ("passes", .array(passList)),
      ("patches", patchesJSON),
      ("token_memory", tokenMemory?.json ?? .null),
      ("depthwise_in_place", .array(depthwiseInPlace.map { .int($0) })),
    ]
    fields += [
      ("persistent_bytes", .int(0)),
      ("stack_reserve_bytes", .int(stackReserveBytes)),
      ("weights_bytes", .int(weightsBytes)),
      ("code_bytes_estimate", .int(code.bytes)),
      ("code_bytes_method", .string(code.method)),
      ("flash_bytes", .int(weightsBytes + code.bytes)),
      ("macs", .int(macs)),
      ("ops", .int(ops)),
      ("rounding", .string(rounding.rawValue)),
      ("kernels", .array(kernels.map { .string($0) })),
      ("inputs", .array(inputs)),
      ("outputs", .array(outputs)),
    ]
    if let placement { fields.append(("placement", placement.json)) }
    if let compression { fields.append(("compression", compression)) }
    return .object(fields)
  }
}
