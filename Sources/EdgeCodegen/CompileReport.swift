import EdgeCore
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
  /// Every byte of RAM the model needs: the arena (with inputs and outputs),
  /// scratch and persistent state — what compares with TFLM's arena.
  public let peakSRAMBytes: Int
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

  init(graph: Graph, program: [LoweredOp], plan: MemoryPlan, target: Target, weightsBytes: Int, code: CodeSize, options: CompileOptions) {
    model = graph.name
    self.target = target.name
    arenaBytes = plan.arenaBytes
    // Kernel scratch on the stack is RAM the model needs like the arena is;
    // counting it keeps the comparison with TFLM (whose scratch lives in its
    // arena) fair. The stack reserve itself is reported apart.
    peakSRAMBytes = plan.arenaBytes + (code.stackBytes ?? 0)
    lowerBoundBytes = plan.lowerBoundBytes
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

  public var json: JSON {
    .object([
      ("model", .string(model)),
      ("target", .string(target)),
      ("peak_sram_bytes", .int(peakSRAMBytes)),
      ("arena_bytes", .int(arenaBytes)),
      ("lower_bound_bytes", .int(lowerBoundBytes)),
      ("kernel_stack_bytes", code.stackBytes.map { .int($0) } ?? .null),
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
    ] + (placement.map { [("placement", $0.json)] } ?? []))
  }
}
