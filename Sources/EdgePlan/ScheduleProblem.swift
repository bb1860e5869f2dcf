import EdgeCore

/// A set of operator indices as a bit vector: the state of the scheduler's
/// search is the set of operators already executed. The first 128 ops live
/// inline, so that sets of typical graphs cost no allocation to copy or hash.
struct OpSet: Hashable {
  private var low: UInt64 = 0
  private var high: UInt64 = 0
  private var rest: [UInt64]

  init(capacity: Int) {
    rest = [UInt64](repeating: 0, count: max(0, (capacity - 128 + 63) / 64))
  }

  func contains(_ op: Int) -> Bool {
    let bit: UInt64 = 1 << UInt64(op & 63)
    switch op >> 6 {
    case 0: return low & bit != 0
    case 1: return high & bit != 0
    case let word: return rest[word - 2] & bit != 0
    }
  }

  mutating func insert(_ op: Int) {
    let bit: UInt64 = 1 << UInt64(op & 63)
    switch op >> 6 {
    case 0: low |= bit
    case 1: high |= bit
    case let word: rest[word - 2] |= bit
    }
  }

  func inserting(_ op: Int) -> OpSet {
    var copy = self
    copy.insert(op)
    return copy
  }

  var isEmpty: Bool { low == 0 && high == 0 && rest.allSatisfy { $0 == 0 } }

  func isSubset(of other: OpSet) -> Bool {
    low & ~other.low == 0 && high & ~other.high == 0
      && (rest.isEmpty || zip(rest, other.rest).allSatisfy { $0 & ~$1 == 0 })
  }

  func intersects(_ other: OpSet) -> Bool {
    low & other.low != 0 || high & other.high != 0
      || (!rest.isEmpty && zip(rest, other.rest).contains { $0 & $1 != 0 })
  }
}

/// The memory side of scheduling, distilled from a graph: which buffers each
/// operator starts and which it may finish, and which operators must run
/// before which. Buffers follow `planMemory` exactly (one per tensor or alias
/// group, sizes rounded up to the alignment, constants in flash), so the
/// peak the scheduler minimises is the lower bound `planMemory` reports.
///
/// A buffer is alive at the step that runs op `o` after the set `S` of ops
/// when it has started — it holds a graph input or a variable, or one of its
/// producers is in S ∪ {o} — and has not finished — it holds a graph output
/// or a variable, or some op that writes or reads it is not in S. Both
/// depend only on S and o, which is what makes a search over sets exact.
struct ScheduleProblem {
  struct Buffer {
    var bytes: Int
    /// Ops that write one of its tensors.
    var producers: OpSet
    /// Ops that write or read one of its tensors.
    var users: OpSet
    /// Alive from before the first op (graph inputs and variables).
    var startsAlive: Bool
    /// Alive after the last op (graph outputs and variables).
    var staysAlive: Bool
  }

  let opCount: Int
  var buffers: [Buffer] = []
  /// Per op: the ops that must run before it (they write what it reads).
  var predecessors: [OpSet]
  /// Per op: the buffers it writes (it starts those not started yet).
  var starts: [[Int]]
  /// Per op: the buffers it writes or reads (it may finish them).
  var touches: [[Int]]
  /// Bytes alive before the first op: graph inputs and variables.
  var initialBytes = 0
  /// Graph inputs no op reads and the graph does not return: alive at step 0
  /// only (planMemory gives them the lifetime [0, 0]).
  var stepZeroOnlyBytes = 0

  /// Throws the errors `planMemory` throws for the same graph and aliases,
  /// and one for an in-place write the stored order runs too early.
  init(
    _ graph: Graph, aliases: [TensorID: TensorID], aliasOffsets: [TensorID: Int] = [:],
    inPlace: Set<TensorID> = [], alignment: Int
  ) throws {
    _ = try tensorLifetimes(in: graph)  // validates tensors and the stored order
    let roots = try aliasRoots(aliases, offsets: aliasOffsets, in: graph)
    opCount = graph.operators.count
    predecessors = [OpSet](repeating: OpSet(capacity: opCount), count: opCount)
    starts = [[Int]](repeating: [], count: opCount)
    touches = [[Int]](repeating: [], count: opCount)

    let producer = graph.producers
    let consumers = graph.consumers
    let isInput = Set(graph.inputs)
    let isOutput = Set(graph.outputs)
    var bufferOf: [TensorID: Int] = [:]
    func buffer(for id: TensorID) throws -> Int {
      let root = roots[id] ?? id
      if let known = bufferOf[root] { return known }
      buffers.append(
        Buffer(
          bytes: alignUp(try byteCount(of: root, in: graph), to: alignment),
          producers: OpSet(capacity: opCount), users: OpSet(capacity: opCount),
          startsAlive: false, staysAlive: false))
      bufferOf[root] = buffers.count - 1
      return buffers.count - 1
    }
    // Tensors in id order, so buffer numbering is deterministic.
    var lastVariableUser: [TensorID: Int] = [:]
    for (opIndex, op) in graph.operators.enumerated() {
      for id in op.inputs.compactMap({ $0 }) + op.outputs {
        let tensor = graph.tensors[id]
        if tensor.isConstant { continue }
        if tensor.isVariable {
          // State read and written across ops keeps its stored order.
          if let previous = lastVariableUser[id], previous != opIndex {
            predecessors[opIndex].insert(previous)
          }
          lastVariableUser[id] = opIndex
          continue
        }
        if let writer = producer[id], writer != opIndex { predecessors[opIndex].insert(writer) }
      }
    }
    try orderInPlaceWrites(
      inPlace, graph, aliases: aliases, producer: producer, consumers: consumers)
    // Variables live in the state buffer, outside the arena (Lifetimes.swift);
    // they only order the ops that touch them (above).
    for (id, tensor) in graph.tensors.enumerated() where !tensor.isConstant && !tensor.isVariable {
      let written = producer[id]
      let readers = consumers[id]
      let pinnedStart = isInput.contains(id)
      let pinnedEnd = isOutput.contains(id)
      guard written != nil || !readers.isEmpty || pinnedStart || pinnedEnd else { continue }
      let index = try buffer(for: id)
      if let written {
        buffers[index].producers.insert(written)
        buffers[index].users.insert(written)
      }
      for reader in readers { buffers[index].users.insert(reader) }
      buffers[index].startsAlive = buffers[index].startsAlive || pinnedStart
      buffers[index].staysAlive = buffers[index].staysAlive || pinnedEnd
    }
    for (index, buffer) in buffers.enumerated() {
      for op in 0..<opCount {
        if buffer.producers.contains(op) { starts[op].append(index) }
        if buffer.users.contains(op) { touches[op].append(index) }
      }
      if buffer.startsAlive {
        initialBytes += buffer.bytes
        if buffer.users.isEmpty && !buffer.staysAlive { stepZeroOnlyBytes += buffer.bytes }
      }
    }
  }

  /// A view (RESHAPE) leaves its bytes as they are, so its tensor's other
  /// readers may run before or after it. An op that writes its output over
  /// an input instead (`inPlace` holds such outputs, each an alias of the
  /// input it overwrites) destroys the input and every tensor that views the
  /// same bytes (`sameBytes`): all their other readers must run first.
  private mutating func orderInPlaceWrites(
    _ inPlace: Set<TensorID>, _ graph: Graph, aliases: [TensorID: TensorID], producer: [Int?],
    consumers: [[Int]]
  ) throws {
    for member in inPlace.sorted() {
      guard graph.tensors.indices.contains(member), let writer = producer[member],
        let overwritten = aliases[member]
      else {
        throw EdgeError(
          .invalidGraph,
          "is marked as written in place, but no op writes it or it is not an alias of an input",
          at: location(of: member, in: graph))
      }
      for viewer in sameBytes(as: overwritten, aliases: aliases, inPlace: inPlace) {
        for reader in consumers[viewer] where reader != writer {
          // The stored order must already be safe: it is what runs when
          // nothing is reordered.
          guard reader < writer else {
            throw EdgeError(
              .invalidGraph,
              "is overwritten in place by \(graph.describe(op: writer)) before"
                + " \(graph.describe(op: reader)) reads it; write in place only over an input"
                + " that no later op reads",
              at: location(of: viewer, in: graph))
          }
          predecessors[writer].insert(reader)
        }
      }
    }
  }

  func isReady(_ op: Int, after executed: OpSet) -> Bool {
    !executed.contains(op) && predecessors[op].isSubset(of: executed)
  }

  func hasStarted(_ buffer: Int, after executed: OpSet) -> Bool {
    buffers[buffer].startsAlive || buffers[buffer].producers.intersects(executed)
  }

  /// Running `op` after `executed`, which leaves `resident` bytes alive:
  /// the bytes alive during the op's step, and those alive after it.
  func step(_ op: Int, after executed: OpSet, resident: Int) -> (during: Int, after: Int) {
    var during = resident
    for buffer in starts[op] where !hasStarted(buffer, after: executed) {
      during += buffers[buffer].bytes
    }
    let next = executed.inserting(op)
    var after = during
    for buffer in touches[op]
    where !buffers[buffer].staysAlive && buffers[buffer].users.isSubset(of: next) {
      after -= buffers[buffer].bytes
    }
    if executed.isEmpty { after -= stepZeroOnlyBytes }
    return (during, after)
  }

  /// No order holds less at its peak: each op's step holds every buffer the
  /// op reads or writes, plus the buffers alive throughout; the first step
  /// also holds the graph inputs.
  var staticLowerBound: Int {
    let always = buffers.filter { $0.startsAlive && $0.staysAlive }.map(\.bytes).reduce(0, +)
    var bound = initialBytes
    for op in 0..<opCount {
      let own = touches[op].filter { !(buffers[$0].startsAlive && buffers[$0].staysAlive) }
      bound = max(bound, always + own.map { buffers[$0].bytes }.reduce(0, +))
    }
    return bound
  }

  /// The most bytes alive at any step of `order` (equal to
  /// `lowerBound(of: bufferRequests(for: graph, order: order, …))`).
  func peak(of order: [Int]) -> Int {
    var executed = OpSet(capacity: opCount)
    var resident = initialBytes
    var peak = 0
    for op in order {
      let (during, after) = step(op, after: executed, resident: resident)
      peak = max(peak, during)
      resident = after
      executed.insert(op)
    }
    return peak
  }
}
