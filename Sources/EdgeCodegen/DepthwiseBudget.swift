import EdgeCore
import EdgePasses
import EdgePlan
import EdgeReference
import EdgeTargets

/// Converts depthwise convolutions at the plan's peak to in-place ones
/// (`DepthwiseInPlace`) while that lowers the arena and the arena is over
/// `budget`: each round takes the qualifying DEPTHWISE_CONV_2D ops whose
/// step's live bytes equal the plan's lower bound, converts them all, and
/// keeps the result if the arena dropped; failing that, the first one that
/// lowers the arena alone. A conversion that does not lower the arena is
/// undone (the in-place kernel is slower and needs a plane). Returns `fit`
/// itself when nothing helps; `fit`'s patches, if any, are kept.
func depthwiseInPlace(_ fit: BudgetFit, budget: Int, target: Target, lowering: LoweringOptions) throws -> BudgetFit {
  var best = fit
  var converted: Set<Int> = []
  // Each round converts at least one more op, so this ends.
  while best.plan.arenaBytes > budget {
    let consumers = fit.graph.consumers
    let peak = peakOperators(best.plan).filter {
      !converted.contains($0) && DepthwiseInPlace.qualifies(fit.graph, $0, consumers)
    }
    guard !peak.isEmpty else { break }
    var improved: (fit: BudgetFit, ops: Set<Int>)?
    for trial in [Set(peak)] + (peak.count > 1 ? peak.map { Set([$0]) } : []) {
      var candidate = try converting(fit.graph, converted.union(trial), target: target, lowering: lowering)
      candidate.patches = fit.patches.map { patches in
        var patches = patches
        patches.arenaBytes = candidate.plan.arenaBytes
        return patches
      }
      if candidate.plan.arenaBytes < best.plan.arenaBytes {
        improved = (candidate, trial)
        break
      }
    }
    guard let improved else { break }
    best = improved.fit
    converted.formUnion(improved.ops)
  }
  return best
}

/// The graph with the depthwise ops at `operators` in place, lowered and planned.
private func converting(_ graph: Graph, _ operators: Set<Int>, target: Target, lowering: LoweringOptions) throws
  -> BudgetFit
{
  let (converted, _) = try DepthwiseInPlace(operators: operators).run(on: graph)
  try verify(converted)
  let program = try lower(converted, options: lowering)
  let plan = try planProgramMemory(graph: converted, program: program, target: target)
  return BudgetFit(graph: converted, program: program, plan: plan, patches: nil)
}

/// The operators run at a step whose live bytes (aligned buffers, scratch
/// aside) equal the plan's lower bound, in step order.
func peakOperators(_ plan: MemoryPlan) -> [Int] {
  // One buffer per alias root: its bytes, over the union of its members' lifetimes.
  var buffers: [TensorID: (bytes: Int, first: Int, last: Int)] = [:]
  for entry in plan.tensors {
    let bytes = alignUp(entry.bytes, to: plan.alignment)
    if let known = buffers[entry.buffer] {
      buffers[entry.buffer] = (max(known.bytes, bytes), min(known.first, entry.firstOp), max(known.last, entry.lastOp))
    } else {
      buffers[entry.buffer] = (bytes, entry.firstOp, entry.lastOp)
    }
  }
  var live = [Int](repeating: 0, count: plan.order.count)
  for buffer in buffers.values {
    for step in buffer.first...buffer.last where live.indices.contains(step) { live[step] += buffer.bytes }
  }
  return live.indices.filter { live[$0] == plan.lowerBoundBytes }.map { plan.order[$0] }
}
