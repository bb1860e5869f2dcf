import EdgeCore

/// How a plan's execution order was chosen.
public enum ScheduleMethod: String, CaseIterable, Hashable, Sendable {
  /// The graph's stored order, not searched (`planMemory` without a schedule).
  case stored
  /// An order the caller passed to `planMemory(order:)`.
  case given
  /// A search over every topological order: no order has a lower peak.
  case exact
  /// The search ran out of its state budget and kept only the most promising
  /// partial orders: never worse than the stored order, but not proven best.
  case heuristic
}

/// An execution order chosen to minimise the most bytes alive at once.
public struct MemorySchedule: Hashable, Sendable {
  /// Operator indices in execution order: a topological order of the graph.
  public var order: [Int]
  public var method: ScheduleMethod
  /// The most aligned bytes alive at once under `order`: the lower bound
  /// `planMemory` reports for it, and what the search minimised.
  public var peakBytes: Int
  /// The same for the graph's stored order, for reports.
  public var storedPeakBytes: Int
  /// Partial orders the search kept (its work, for reports and tuning).
  public var states: Int

  public init(
    order: [Int], method: ScheduleMethod, peakBytes: Int, storedPeakBytes: Int, states: Int
  ) {
    self.order = order
    self.method = method
    self.peakBytes = peakBytes
    self.storedPeakBytes = storedPeakBytes
    self.states = states
  }
}

/// The default number of partial orders `scheduleForMemory` may keep.
public let defaultScheduleStateBudget = 100_000

/// Chooses the topological order of `graph` whose peak of simultaneously live
/// bytes is lowest, under the lifetime rules and alias groups of `planMemory`
/// (pass the same `aliases` and `alignment`). `inPlace` names the alias
/// members whose producer writes over the bytes it reads (an element-wise op
/// reusing a dying input) rather than viewing them: the other readers of
/// those bytes are kept before it.
///
/// The search runs the ops one step at a time over sets of executed ops: the
/// bytes alive at a step depend only on which ops ran before and which runs
/// now (see `ScheduleProblem`), so the best peak to reach a set is the least,
/// over its last op, of the larger of the best peak to reach the set without
/// that op and the bytes alive while it runs. Every topological order is a
/// path through these sets, and there are few of them for real networks —
/// mostly chains with short residual or concatenation branches.
///
///  1. The stored order's peak is the first bound to beat.
///  2. A narrow pass (8 sets per step, ranked by peak so far, then resident
///     bytes) usually finds a good order fast and lowers the bound.
///  3. The full pass keeps only sets whose peak is below the bound, at most
///     `stateBudget / opCount` per step. If no step had more, nothing was
///     dropped and the best order is proven (`.exact`); otherwise the best
///     found is kept (`.heuristic`). Either pass stops early when it meets
///     the static bound: no order can hold less than any one op's inputs and
///     outputs, or the graph inputs.
///
/// The stored order wins ties, so scheduling never costs memory and reorders
/// nothing without a reason. Deterministic: sets are visited in the order
/// they were first reached, ops by index.
public func scheduleForMemory(
  _ graph: Graph, aliases: [TensorID: TensorID] = [:], aliasOffsets: [TensorID: Int] = [:],
  inPlace: Set<TensorID> = [], alignment: Int = 16, stateBudget: Int = defaultScheduleStateBudget
) throws -> MemorySchedule {
  guard alignment > 0, alignment & (alignment - 1) == 0 else {
    throw EdgeError(.invalidInput, "alignment \(alignment) is not a positive power of two")
  }
  let problem = try ScheduleProblem(
    graph, aliases: aliases, aliasOffsets: aliasOffsets, inPlace: inPlace, alignment: alignment)
  let count = problem.opCount
  let stored = Array(0..<count)
  let storedPeak = problem.peak(of: stored)
  var best = (order: stored, peak: storedPeak)
  var states = 0
  let floor = problem.staticLowerBound
  let passes = [min(8, max(1, stateBudget / max(count, 1))), max(1, stateBudget / max(count, 1))]
  var proven = best.peak <= floor
  for width in passes where !proven {
    let pass = searchOrders(problem, width: width, below: best.peak)
    states += pass.states
    if let found = pass.found { best = found }
    proven = !pass.pruned || best.peak <= floor
  }
  return MemorySchedule(
    order: best.order, method: proven ? .exact : .heuristic, peakBytes: best.peak,
    storedPeakBytes: storedPeak, states: states)
}

/// One set of executed ops, reached by running `op` after the set at index
/// `parent` of the previous step.
private struct SearchNode {
  var executed: OpSet
  /// The least peak over the orders found that reach this set.
  var peak: Int
  /// Bytes alive after the set has run (determined by the set).
  var resident: Int
  var parent: Int
  var op: Int
}

/// One pass of the search: the best order whose peak is below `threshold`
/// (nil if none was found), and whether any set had to be dropped.
private func searchOrders(_ problem: ScheduleProblem, width: Int, below threshold: Int)
  -> (found: (order: [Int], peak: Int)?, pruned: Bool, states: Int)
{
  let count = problem.opCount
  var steps: [[SearchNode]] = [
    [
      SearchNode(
        executed: OpSet(capacity: count), peak: 0, resident: problem.initialBytes, parent: -1,
        op: -1)
    ]
  ]
  var pruned = false
  var states = 1
  for _ in 0..<count {
    var next: [SearchNode] = []
    var index: [OpSet: Int] = [:]
    for (parent, node) in (steps.last ?? []).enumerated() {
      for op in 0..<count where problem.isReady(op, after: node.executed) {
        let (during, after) = problem.step(op, after: node.executed, resident: node.resident)
        let peak = max(node.peak, during)
        guard peak < threshold else { continue }
        let executed = node.executed.inserting(op)
        if let known = index[executed] {
          if peak < next[known].peak {
            next[known].peak = peak
            next[known].parent = parent
            next[known].op = op
          }
        } else {
          index[executed] = next.count
          next.append(
            SearchNode(executed: executed, peak: peak, resident: after, parent: parent, op: op))
        }
      }
    }
    if next.count > width {
      pruned = true
      let kept = next.indices.sorted {
        (next[$0].peak, next[$0].resident, $0) < (next[$1].peak, next[$1].resident, $1)
      }.prefix(width)
      next = kept.map { next[$0] }
    }
    states += next.count
    if next.isEmpty { return (nil, pruned, states) }
    steps.append(next)
  }
  guard count > 0, let final = steps.last?.first else { return (nil, pruned, states) }
  var order: [Int] = []
  var node = final
  for step in stride(from: count, to: 0, by: -1) {
    order.append(node.op)
    node = steps[step - 1][node.parent]
  }
  return ((order.reversed(), final.peak), pruned, states)
}
