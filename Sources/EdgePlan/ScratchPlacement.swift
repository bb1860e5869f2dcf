/// Working memory one kernel call gets from the arena: bytes that are free
/// during that op's step only (no tensor alive then occupies them).
public struct PlannedScratch: Hashable, Sendable {
  public var opIndex: Int
  public var step: Int
  public var offset: Int
  /// What the call gets; the kernel takes a slower path with less.
  public var bytes: Int
  /// What the kernel's fastest path would use.
  public var requestedBytes: Int

  public init(opIndex: Int, step: Int, offset: Int, bytes: Int, requestedBytes: Int) {
    self.opIndex = opIndex
    self.step = step
    self.offset = offset
    self.bytes = bytes
    self.requestedBytes = requestedBytes
  }
}

extension MemoryPlan {
  /// Grants kernel scratch (`requests`: op index → bytes wanted) out of the
  /// arena bytes free during each op's step, never growing the arena: SRAM
  /// first, so a kernel at the peak step runs its scratch-free path, and one
  /// elsewhere gets the largest free block, up to what it asked for, aligned
  /// to the plan's alignment. Scratch of different steps may share bytes.
  ///
  /// With `growingUpTo` (an SRAM budget the user gave), kernels still short
  /// of their request share one extra block at the end of the arena, as
  /// large as the largest shortfall the budget allows: speed bought with
  /// SRAM the user said is there.
  public mutating func grantScratch(_ requests: [Int: Int], growingUpTo budget: Int? = nil) {
    var stepOf: [Int: Int] = [:]
    for (step, op) in order.enumerated() { stepOf[op] = step }
    var granted: [PlannedScratch] = []
    for (opIndex, wanted) in requests.sorted(by: { $0.key < $1.key }) where wanted > 0 {
      guard let step = stepOf[opIndex] else { continue }
      let (offset, free) = largestFreeBlock(at: step)
      let bytes = min(wanted, free) / alignment * alignment
      granted.append(
        PlannedScratch(opIndex: opIndex, step: step, offset: bytes > 0 ? offset : 0, bytes: bytes, requestedBytes: wanted))
    }
    scratch = granted
    guard let budget else { return }
    let room = budget - arenaBytes
    let tail = min(scratch.filter { $0.bytes < $0.requestedBytes }.map(\.requestedBytes).max() ?? 0, room)
      / alignment * alignment
    guard tail > 0 else { return }
    for index in scratch.indices where scratch[index].bytes < min(scratch[index].requestedBytes, tail) {
      scratch[index].offset = arenaBytes
      scratch[index].bytes = min(scratch[index].requestedBytes, tail)
    }
    arenaBytes += tail
    scratchTailBytes = tail
  }

  /// The largest run of arena bytes no tensor occupies at `step`, starting
  /// at an aligned offset.
  func largestFreeBlock(at step: Int) -> (offset: Int, bytes: Int) {
    let busy = tensors.filter { $0.firstOp <= step && step <= $0.lastOp }
      .map { (start: $0.offset, end: $0.offset + alignUp($0.bytes, to: alignment)) }
      .sorted { $0.start < $1.start }
    var best = (offset: 0, bytes: 0)
    var cursor = 0
    for interval in busy + [(start: arenaBytes, end: arenaBytes)] {
      let start = alignUp(cursor, to: alignment)
      if interval.start - start > best.bytes { best = (start, interval.start - start) }
      cursor = max(cursor, interval.end)
    }
    return best
  }

  /// The scratch granted to `opIndex`, if any.
  public func scratch(for opIndex: Int) -> PlannedScratch? {
    scratch.first { $0.opIndex == opIndex && $0.bytes > 0 }
  }
}
