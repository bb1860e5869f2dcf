import EdgeCore

/// Pairs of distinct buffers that are alive at a common step and share at
/// least one byte — a correct plan has none. Alias members of one buffer
/// share bytes by design and are not reported. Each pair is (smaller id,
/// larger id), sorted. Quadratic; meant for tests and as the compiler's
/// post-condition, not for the planner's inner loop.
public func overlaps(in plan: MemoryPlan) -> [(TensorID, TensorID)] {
  let entries = plan.tensors
  var result: [(TensorID, TensorID)] = []
  for i in entries.indices {
    for j in entries.indices where j > i {
      let a = entries[i]
      let b = entries[j]
      guard a.buffer != b.buffer, a.firstOp <= b.lastOp, b.firstOp <= a.lastOp else { continue }
      let aEnd = a.offset + alignUp(a.bytes, to: plan.alignment)
      let bEnd = b.offset + alignUp(b.bytes, to: plan.alignment)
      if a.offset < bEnd && b.offset < aEnd {
        result.append((min(a.tensor, b.tensor), max(a.tensor, b.tensor)))
      }
    }
  }
  return result.sorted { $0 < $1 }
}

/// The same check on a raw layout, for request sets that come from no graph:
/// pairs of request ids alive at a common step whose byte ranges intersect.
public func overlaps(in layout: ArenaLayout) -> [(Int, Int)] {
  let placements = layout.placements
  var result: [(Int, Int)] = []
  for i in placements.indices {
    for j in placements.indices where j > i {
      let a = placements[i]
      let b = placements[j]
      if a.request.isLive(atSameTimeAs: b.request), a.offset < b.end, b.offset < a.end {
        result.append((min(a.request.id, b.request.id), max(a.request.id, b.request.id)))
      }
    }
  }
  return result.sorted { $0 < $1 }
}
