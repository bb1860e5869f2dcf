import EdgeCore
import EdgePasses
import EdgePlan
import EdgeReference
import EdgeTargets

/// Plans the arena for a lowered program: RESHAPE-style views share bytes;
/// kernels that can write over a dying input do (`chooseInPlaceWrites`); the
/// ops run in the order with the least peak (`planScheduledMemory`); and
/// kernels that want scratch get it from bytes free at their step.
func planProgramMemory(graph: Graph, program: [LoweredOp], target: Target, schedule: Bool = true) throws -> MemoryPlan {
  let sharing = try ByteSharing(graph: graph, program: program, alignment: target.tensorAlignment)
  var plan =
    schedule
    ? try planScheduledMemory(
      graph, aliases: sharing.aliases, aliasOffsets: sharing.offsets, inPlace: sharing.inPlace,
      alignment: target.tensorAlignment)
    : try planMemory(graph, aliases: sharing.aliases, aliasOffsets: sharing.offsets, alignment: target.tensorAlignment)
  plan.grantScratch(scratchRequests(graph: graph, program: program, flavour: target.kernels))
  return plan
}

/// Which tensors share bytes in a lowered program, as the planner takes it:
/// views (RESHAPE; CONCATENATION inputs and SLICE outputs at their byte
/// offsets) and in-place writes.
struct ByteSharing {
  var aliases: [TensorID: TensorID]
  var offsets: [TensorID: Int]
  var inPlace: Set<TensorID>

  init(graph: Graph, program: [LoweredOp], alignment: Int) throws {
    var views = StorageMap.aliases(of: program, in: graph)
    let slices = concatenationSlices(graph: graph, program: program, views: views, alignment: alignment)
    for (input, slice) in slices { views[input] = slice.output }
    var offsets = slices.mapValues(\.offset)
    for (output, view) in sliceViews(graph: graph, program: program, views: views, alignment: alignment) {
      views[output] = view.input
      offsets[output] = view.offset
    }
    // The in-place kernel's output is its first; further outputs (the in-place
    // depthwise convolution's plane) are working memory of their own.
    let candidates = program.compactMap { step -> InPlaceCandidate? in
      guard case .kernel(let opIndex, let kernel, let inputs, let outputs) = step, let output = outputs.first,
        !kernel.inPlaceInputs.isEmpty
      else { return nil }
      let overwritable = kernel.inPlaceInputs.compactMap { $0 < inputs.count ? inputs[$0] : nil }
      return InPlaceCandidate(
        opIndex: opIndex, output: output, inputs: overwritable, outputMayBeSmaller: kernel.inPlaceOutputMayBeSmaller)
    }
    let writes = try chooseInPlaceWrites(graph, views: views, candidates: candidates)
    // A smaller output takes the overwritten input's first bytes: an alias at
    // offset 0, which `aliasRoots` accepts for a member smaller than its target.
    let smaller = Set(candidates.filter(\.outputMayBeSmaller).map(\.output))
    for output in writes.keys where smaller.contains(output) { offsets[output] = 0 }
    self.aliases = views.merging(writes) { view, _ in view }
    self.offsets = offsets
    self.inPlace = Set(writes.keys)
  }
}

/// The memory side of a compilation, for `edgec plan`: the graph after the
/// passes (and patches), its program and plan, and the same program's plan
/// in stored order and the schedule search, to compare with.
public struct MemoryPlanning: Sendable {
  public var graph: Graph
  public var program: [LoweredOp]
  public var plan: MemoryPlan
  public var passes: [PassRecord]
  public var patches: PatchChoice?
  public var tokens: TokenMemoryChoice?
  public var stored: MemoryPlan
  public var schedule: MemorySchedule
}

/// Runs the passes, lowers and plans `imported` exactly as `compile` does.
public func planModelMemory(_ imported: Graph, for target: Target, options: CompileOptions = CompileOptions())
  throws -> MemoryPlanning
{
  let lowering = LoweringOptions(rounding: options.rounding)
  let (passed, passes) = try options.passes.run(imported)
  let program = try lower(passed, options: lowering)
  let fit = try fitToBudget(
    passed, program: program, plan: try planProgramMemory(graph: passed, program: program, target: target),
    budget: options.sramBudget ?? target.sramBudgetBytes, explicitBudget: options.sramBudget, target: target,
    lowering: lowering, splitTokens: options.splitTokens)
  let sharing = try ByteSharing(graph: fit.graph, program: fit.program, alignment: target.tensorAlignment)
  let schedule = try scheduleForMemory(
    fit.graph, aliases: sharing.aliases, aliasOffsets: sharing.offsets, inPlace: sharing.inPlace,
    alignment: target.tensorAlignment)
  let stored = try planProgramMemory(graph: fit.graph, program: fit.program, target: target, schedule: false)
  return MemoryPlanning(
    graph: fit.graph, program: fit.program, plan: fit.plan, passes: passes, patches: fit.patches, tokens: fit.tokens, stored: stored,
    schedule: schedule)
}

/// CONCATENATION inputs the planner places in their slice of the output, so
/// their producers write there and the copy disappears (input → output and
/// byte offset). Only where it is safe and simple: every input of the op is
/// a distinct arena tensor that takes part in no other view, and every slice
/// starts at an aligned offset (kernels may store words).
func concatenationSlices(
  graph: Graph, program: [LoweredOp], views: [TensorID: TensorID], alignment: Int
) -> [TensorID: (output: TensorID, offset: Int)] {
  var viewed = Set(views.keys).union(views.values)
  var result: [TensorID: (output: TensorID, offset: Int)] = [:]
  for case .kernel(_, let kernel, let inputs, let outputs) in program {
    guard let offsets = kernel.inputSlicesOfOutput, outputs.count == 1, offsets.count == inputs.count else { continue }
    let ids = inputs.compactMap { $0 }
    let output = outputs[0]
    guard ids.count == inputs.count, Set(ids).count == ids.count, !ids.contains(output),
      !viewed.contains(output), offsets.allSatisfy({ $0 % alignment == 0 }),
      ids.allSatisfy({ !graph.tensors[$0].isConstant && !graph.tensors[$0].isVariable && !viewed.contains($0) }),
      !graph.tensors[output].isVariable
    else { continue }
    for (id, offset) in zip(ids, offsets) { result[id] = (output, offset) }
    viewed.formUnion(ids + [output])
  }
  return result
}

/// SLICE outputs the planner places inside their input (output → input and
/// byte offset): a band of rows is read where it already is.
func sliceViews(
  graph: Graph, program: [LoweredOp], views: [TensorID: TensorID], alignment: Int
) -> [TensorID: (input: TensorID, offset: Int)] {
  var result: [TensorID: (input: TensorID, offset: Int)] = [:]
  let viewed = Set(views.keys).union(views.values)
  for case .kernel(_, let kernel, let inputs, let outputs) in program {
    guard let offset = kernel.outputSliceOfInput, offset % alignment == 0, outputs.count == 1,
      let input = inputs.first ?? nil, !graph.tensors[input].isConstant, !graph.tensors[input].isVariable,
      !viewed.contains(outputs[0]), !graph.outputs.contains(outputs[0])
    else { continue }
    result[outputs[0]] = (input, offset)
  }
  return result
}

/// Bytes of scratch each kernel's fastest path uses on this target's kernel
/// flavour (the portable kernels need none).
func scratchRequests(graph: Graph, program: [LoweredOp], flavour: String) -> [Int: Int] {
  guard flavour == "cortex-m" else { return [:] }
  var requests: [Int: Int] = [:]
  for case .kernel(let index, let kernel, let inputs, _) in program where kernel.takesScratch {
    guard inputs.count > 1, let input = inputs[0], let filter = inputs[1] else { continue }
    let bytes = cortexMScratchBytes(
      kernel: kernel.cFunction, filter: graph.tensors[filter].shape, input: graph.tensors[input].shape)
    if bytes > 0 { requests[index] = bytes }
  }
  return requests
}
