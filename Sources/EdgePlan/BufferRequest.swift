/// One block of arena memory the planner must place: `bytes` that must stay
/// untouched by any other buffer over the inclusive op-step interval
/// [firstStep, lastStep]. Deliberately knows nothing of graphs or tensors so
/// the offset assigner can be tested on arbitrary interval sets.
public struct BufferRequest: Hashable, Sendable {
  /// The caller's name for the buffer (EdgePlan uses the root tensor's id);
  /// also the last tie-breaker when sorting, which keeps plans deterministic.
  public var id: Int
  public var name: String
  public var bytes: Int
  public var firstStep: Int
  public var lastStep: Int

  public init(id: Int, name: String, bytes: Int, firstStep: Int, lastStep: Int) {
    self.id = id
    self.name = name
    self.bytes = bytes
    self.firstStep = firstStep
    self.lastStep = lastStep
  }

  /// Whether the two buffers are alive at some common step.
  public func isLive(atSameTimeAs other: BufferRequest) -> Bool {
    firstStep <= other.lastStep && other.firstStep <= lastStep
  }

  public func isLive(at step: Int) -> Bool { (firstStep...lastStep).contains(step) }
}

/// `value` rounded up to a multiple of `alignment` (which is at least 1).
public func alignUp(_ value: Int, to alignment: Int) -> Int {
  let remainder = value % alignment
  return remainder == 0 ? value : value + (alignment - remainder)
}

/// The most aligned bytes simultaneously alive at any one step: no placement
/// of these buffers can use a smaller arena, so `arena / lowerBound` measures
/// how much the offset assigner wastes.
public func lowerBound(of requests: [BufferRequest], alignment: Int) -> Int {
  // A sweep over interval ends: +bytes when a buffer starts, -bytes one step
  // after it ends. At equal steps the removals go first, because a buffer
  // ending at step s-1 is no longer alive at s.
  var events: [(step: Int, delta: Int)] = []
  events.reserveCapacity(requests.count * 2)
  for request in requests {
    let bytes = alignUp(request.bytes, to: alignment)
    events.append((request.firstStep, bytes))
    events.append((request.lastStep + 1, -bytes))
  }
  events.sort { ($0.step, $0.delta) < ($1.step, $1.delta) }
  var live = 0
  var peak = 0
  for event in events {
    live += event.delta
    peak = max(peak, live)
  }
  return peak
}
