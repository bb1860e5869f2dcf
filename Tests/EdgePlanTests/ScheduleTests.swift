import EdgeCore
import Testing

@testable import EdgePlan

/// The execution order chosen for the least peak: exact against brute force,
/// always a topological order, never worse than the stored one, stable.
struct ScheduleTests {
  /// The peak of `order` as planMemory sees it, computed without the
  /// scheduler's model: the lower bound of the buffer requests.
  func plannedPeak(_ c: RandomCase, _ order: [Int], alignment: Int) throws -> Int {
    let requests = try bufferRequests(
      for: c.graph, order: order, aliases: c.aliases, alignment: alignment)
    return lowerBound(of: requests, alignment: alignment)
  }

  /// For each op, the ops that write what it reads.
  func dependencies(_ graph: Graph) -> [[Int]] {
    let producers = graph.producers
    return graph.operators.map { op in
      op.inputs.compactMap { $0 }.compactMap { producers[$0] }
    }
  }

  /// Every topological order of `graph`, depth first.
  func allOrders(_ graph: Graph) -> [[Int]] {
    let needs = dependencies(graph)
    var result: [[Int]] = []
    var order: [Int] = []
    var done = [Bool](repeating: false, count: graph.operators.count)
    func extend() {
      if order.count == done.count {
        result.append(order)
        return
      }
      for op in done.indices where !done[op] && needs[op].allSatisfy({ done[$0] }) {
        done[op] = true
        order.append(op)
        extend()
        order.removeLast()
        done[op] = false
      }
    }
    extend()
    return result
  }

  func isTopological(_ order: [Int], _ graph: Graph) -> Bool {
    guard order.sorted() == Array(graph.operators.indices) else { return false }
    var step = [Int](repeating: 0, count: order.count)
    for (index, op) in order.enumerated() { step[op] = index }
    let needs = dependencies(graph)
    return order.allSatisfy { op in needs[op].allSatisfy { step[$0] < step[op] } }
  }

  /// x(10) feeds two branches, each a 100-byte tensor then a 10-byte one,
  /// joined by an add. Stored order a1 b1 a2 b2 c keeps both 100-byte
  /// tensors alive at step 1: x + a1 + b1 = 210. Finishing one branch first
  /// (a1 a2 b1 b2 c) never holds more than x + a1 + a2 = x + a2 + b1 = 120.
  @Test func finishingOneBranchFirstHalvesThePeak() throws {
    var g = GraphBuilder()
    let x = g.input("x", bytes: 10)
    let a1 = g.op(.conv2D, [x], "a1", bytes: 100)
    let b1 = g.op(.conv2D, [x], "b1", bytes: 100)
    let a2 = g.op(.conv2D, [a1], "a2", bytes: 10)
    let b2 = g.op(.conv2D, [b1], "b2", bytes: 10)
    let c = g.op(.add, [a2, b2], "c", bytes: 10)
    g.outputs = [c]
    let schedule = try scheduleForMemory(g.graph, alignment: 1)
    #expect(schedule.order == [0, 2, 1, 3, 4])
    #expect(schedule.method == .exact)
    #expect(schedule.peakBytes == 120)
    #expect(schedule.storedPeakBytes == 210)
    // ∅; {a1} {b1}; {a1 a2} {b1 b2} ({a1 b1} reaches 210, the bound); 2; 1; 1
    #expect(schedule.states == 9)
    let plan = try planMemory(g.graph, schedule: schedule, alignment: 1)
    #expect(plan.order == [0, 2, 1, 3, 4])
    #expect(plan.schedule == .exact)
    #expect(plan.lowerBoundBytes == 120)
    #expect(plan.arenaBytes == 120)
    #expect(try planMemory(g.graph, alignment: 1).lowerBoundBytes == 210)
  }

  /// x(100) is read by op0 (r, 100 bytes, kept to the end) and overwritten
  /// in place by op1 (m = logistic(x)), whose branch holds 300 bytes (p) before
  /// shrinking to q. Were m a view, running op1's branch before op0 would
  /// keep r out of it: peak x + p + q = 405 instead of x + r + p = 500. But
  /// op1 destroys x, so op0 must read it first, and the stored order stays.
  @Test func inPlaceWritesWaitForTheOtherReaders() throws {
    var g = GraphBuilder()
    let x = g.input("x", bytes: 100)
    let r = g.op(.conv2D, [x], "r", bytes: 100)
    let m = g.op(.logistic, [x], "m", bytes: 100)
    let p = g.op(.conv2D, [m], "p", bytes: 300)
    let q = g.op(.averagePool2D, [p], "q", bytes: 5)
    g.outputs = [g.op(.add, [r, q], "out", bytes: 5)]
    let asView = try scheduleForMemory(g.graph, aliases: [m: x], alignment: 1)
    #expect(asView.order == [1, 2, 3, 0, 4])
    #expect(asView.peakBytes == 405)
    let inPlace = try scheduleForMemory(g.graph, aliases: [m: x], inPlace: [m], alignment: 1)
    #expect(inPlace.order == [0, 1, 2, 3, 4])
    #expect(inPlace.peakBytes == 500)
    #expect(inPlace.method == .exact)

    // A stored order that reads x after op1 has overwritten it is an error.
    var swapped = g
    swapped.operators.swapAt(0, 1)
    #expect {
      try scheduleForMemory(swapped.graph, aliases: [m: x], inPlace: [m], alignment: 1)
    } throws: { error in
      (error as? EdgeError)?.message
        == "is overwritten in place by op 0 (LOGISTIC) before op 1 (CONV_2D) reads it;"
        + " write in place only over an input that no later op reads"
    }
  }

  /// Brute force over every topological order of small random DAGs (up to
  /// nine ops; aliases, unread outputs and graph outputs in the middle
  /// included): the search finds the least peak, and its order has it.
  @Test func exactSearchMatchesBruteForce() throws {
    var improved = 0
    var orders = 0
    for seed in UInt64(30_001)...30_300 {
      var rng = SplitMix64(seed: seed)
      let c = RandomCase(&rng, chain: false, maxOps: 9)
      let alignment = [1, 4, 16][Int(seed % 3)]
      let context = Comment(rawValue: "seed \(seed)")
      let all = allOrders(c.graph)
      orders += all.count
      let best = try all.map { try plannedPeak(c, $0, alignment: alignment) }.min()
      let schedule = try scheduleForMemory(c.graph, aliases: c.aliases, alignment: alignment)
      #expect(schedule.method == .exact, context)
      #expect(schedule.peakBytes == best, context)
      #expect(try plannedPeak(c, schedule.order, alignment: alignment) == best, context)
      #expect(isTopological(schedule.order, c.graph), context)
      if schedule.order != Array(c.graph.operators.indices) { improved += 1 }
    }
    print("EdgePlan: 300 small DAGs, \(orders) orders tried by brute force, \(improved) reordered")
    #expect(orders == 9511)
    #expect(improved == 58)
  }

  /// The scheduler's step model agrees with planMemory's lifetimes on every
  /// step of random topological orders, not only at the optimum.
  @Test func peakModelAgreesWithThePlanner() throws {
    for seed in UInt64(40_001)...40_300 {
      var rng = SplitMix64(seed: seed)
      let c = RandomCase(&rng, chain: false)
      let problem = try ScheduleProblem(c.graph, aliases: c.aliases, alignment: 16)
      var order: [Int] = []
      var executed = OpSet(capacity: problem.opCount)
      while order.count < problem.opCount {
        let ready = (0..<problem.opCount).filter { problem.isReady($0, after: executed) }
        let op = ready[rng.int(in: 0...(ready.count - 1))]
        order.append(op)
        executed.insert(op)
      }
      #expect(isTopological(order, c.graph), "seed \(seed)")
      #expect(problem.peak(of: order) == (try plannedPeak(c, order, alignment: 16)), "seed \(seed)")
    }
  }

  /// On 600 random DAGs of up to 40 ops, with the default budget and with
  /// one so small that the search must drop sets: a topological order, never
  /// a higher peak than the stored order, the peak it claims, and (every
  /// tenth case) the same answer twice.
  @Test func schedulesAreValidNeverWorseAndDeterministic() throws {
    var methods: [ScheduleMethod: Int] = [:]
    var saved = 0
    var beamGap = 0.0
    for seed in UInt64(1)...600 {
      var rng = SplitMix64(seed: seed)
      let c = RandomCase(&rng, chain: false)
      let context = Comment(rawValue: "seed \(seed)")
      let schedule = try scheduleForMemory(c.graph, aliases: c.aliases, alignment: 16)
      let beam = try scheduleForMemory(
        c.graph, aliases: c.aliases, alignment: 16, stateBudget: 4 * c.graph.operators.count)
      for s in [schedule, beam] {
        #expect(isTopological(s.order, c.graph), context)
        #expect(s.peakBytes <= s.storedPeakBytes, context)
        #expect(try plannedPeak(c, s.order, alignment: 16) == s.peakBytes, context)
      }
      #expect(beam.peakBytes >= schedule.peakBytes || schedule.method == .heuristic, context)
      if seed % 10 == 0 {
        #expect(
          try scheduleForMemory(c.graph, aliases: c.aliases, alignment: 16) == schedule, context)
      }
      methods[schedule.method, default: 0] += 1
      saved += schedule.storedPeakBytes - schedule.peakBytes
      beamGap += Double(beam.peakBytes) / Double(max(schedule.peakBytes, 1))
    }
    print(
      "EdgePlan: 600 random DAGs scheduled: \(methods[.exact] ?? 0) exact,"
        + " \(methods[.heuristic] ?? 0) heuristic, \(saved) bytes saved in all;"
        + " a beam of 4 sets per step: mean peak / default = \(beamGap / 600)")
    #expect(methods[.exact] == 594)
  }

  /// A chain has one order: the stored one, found exactly.
  @Test func chainsKeepTheStoredOrder() throws {
    for seed in UInt64(10_001)...10_100 {
      var rng = SplitMix64(seed: seed)
      var g = GraphBuilder()
      var last = g.input("x", bytes: rng.int(in: 1...100_000))
      for i in 0..<rng.int(in: 1...60) {
        last = g.op(.conv2D, [last], "t\(i)", bytes: rng.int(in: 1...100_000))
      }
      g.outputs = [last]
      let schedule = try scheduleForMemory(g.graph)
      #expect(schedule.order == Array(g.graph.operators.indices), "seed \(seed)")
      #expect(schedule.method == .exact)
      #expect(schedule.states == 0)  // the static bound proves it: no search
      #expect(schedule.peakBytes == (try planMemory(g.graph).lowerBoundBytes))
    }
  }

  @Test func badInputsAreErrorsAsInPlanMemory() throws {
    var g = GraphBuilder()
    let a = g.input("a", bytes: 8)
    let b = g.op(.conv2D, [a], "b", bytes: 16)
    g.outputs = [b]
    #expect(throws: EdgeError.self) { try scheduleForMemory(g.graph, alignment: 3) }
    #expect(throws: EdgeError.self) { try scheduleForMemory(g.graph, aliases: [b: a]) }
    let empty = Graph(name: "empty", tensors: [], operators: [], inputs: [], outputs: [])
    #expect(try scheduleForMemory(empty).order == [])
  }
}
