import EdgeCore
import EdgePlan
import EdgeReference
import EdgeTargets

/// Plans the arena for a lowered program: RESHAPE-style views share bytes;
/// kernels that can write over a dying input do (`chooseInPlaceWrites`); the
/// ops run in the order with the least peak (`planScheduledMemory`); and
/// kernels that want scratch get it from bytes free at their step.
func planProgramMemory(graph: Graph, program: [LoweredOp], target: Target) throws -> MemoryPlan {
  let views = StorageMap.aliases(of: program, in: graph)
  let candidates = program.compactMap { step -> InPlaceCandidate? in
    guard case .kernel(let opIndex, let kernel, let inputs, let outputs) = step, outputs.count == 1,
      !kernel.inPlaceInputs.isEmpty
    else { return nil }
    let overwritable = kernel.inPlaceInputs.compactMap { $0 < inputs.count ? inputs[$0] : nil }
    return InPlaceCandidate(opIndex: opIndex, output: outputs[0], inputs: overwritable)
  }
  let writes = try chooseInPlaceWrites(graph, views: views, candidates: candidates)
  let aliases = views.merging(writes) { view, _ in view }
  var plan = try planScheduledMemory(
    graph, aliases: aliases, inPlace: Set(writes.keys), alignment: target.tensorAlignment)
  plan.grantScratch(scratchRequests(graph: graph, program: program, flavour: target.kernels))
  return plan
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
