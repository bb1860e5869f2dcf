import EdgeCore
import Testing

@testable import EdgePlan

/// Plans for seeded random DAGs, checked against properties computed here
/// independently of the planner: lifetimes, collisions, bounds, alignment,
/// aliases, the lower bound, and determinism.
struct RandomDAGTests {
  struct Case {
    var graph: Graph
    var aliases: [TensorID: TensorID]
  }

  /// 1-2 graph inputs, 1-40 ops reading up to 3 earlier activations (half
  /// the time the newest one, as in real networks) plus sometimes a weight;
  /// some ops are RESHAPE views (aliases), some write a second output nobody
  /// reads, and some tensors in the middle are graph outputs.
  func randomCase(_ rng: inout SplitMix64, chain: Bool) -> Case {
    var g = GraphBuilder()
    var activations: [TensorID] = []
    var aliases: [TensorID: TensorID] = [:]
    for i in 0..<(chain ? 1 : rng.int(in: 1...2)) {
      activations.append(g.input("in\(i)", bytes: rng.int(in: 1...100_000)))
    }
    for i in 0..<rng.int(in: 1...40) {
      var reads: [TensorID] = []
      for _ in 0..<(chain ? 1 : rng.int(in: 1...3)) {
        let pick = rng.chance(50) ? activations.count - 1 : rng.int(in: 0...(activations.count - 1))
        if !reads.contains(activations[pick]) { reads.append(activations[pick]) }
      }
      if !chain, rng.chance(15) {
        let source = reads[0]
        let view = g.op(.reshape, [source], "view\(i)", bytes: g.tensors[source].shape[0])
        aliases[view] = source
        activations.append(view)
        continue
      }
      if rng.chance(30) {
        reads.append(g.tensor("w\(i)", bytes: rng.int(in: 1...1000), constant: true))
      }
      let out = g.op(.conv2D, reads, "t\(i)", bytes: rng.int(in: 1...100_000))
      if !chain, rng.chance(10) {
        g.operators[g.operators.count - 1].outputs.append(
          g.tensor("aux\(i)", bytes: rng.int(in: 1...5000)))
      }
      if !chain, rng.chance(10) { g.outputs.append(out) }
      activations.append(out)
    }
    if let last = activations.last, !g.outputs.contains(last) { g.outputs.append(last) }
    return Case(graph: g.graph, aliases: aliases)
  }

  /// Lifetimes recomputed from first principles, by brute force over steps.
  func expectedLifetimes(_ graph: Graph) -> [TensorID: ClosedRange<Int>] {
    let lastStep = max(graph.operators.count - 1, 0)
    var result: [TensorID: ClosedRange<Int>] = [:]
    for (id, tensor) in graph.tensors.enumerated() where !tensor.isConstant {
      let producer = graph.operators.firstIndex { $0.outputs.contains(id) }
      let readers = graph.operators.indices.filter { graph.operators[$0].inputs.contains(id) }
      let first = graph.inputs.contains(id) ? 0 : producer ?? 0
      let last = graph.outputs.contains(id) ? lastStep : max(readers.max() ?? first, first)
      result[id] = first...last
    }
    return result
  }

  /// Checks every property of one plan; returns arena / lower bound.
  func check(_ c: Case, alignment: Int, seed: UInt64) throws -> Double {
    let plan = try planMemory(c.graph, aliases: c.aliases, alignment: alignment)
    let context = Comment(rawValue: "seed \(seed), alignment \(alignment)")

    let lifetimes = expectedLifetimes(c.graph)
    #expect(plan.tensors.map(\.tensor) == lifetimes.keys.sorted(), context)
    for entry in plan.tensors {
      #expect(entry.firstOp...entry.lastOp == lifetimes[entry.tensor], context)
      #expect(entry.bytes == c.graph.tensors[entry.tensor].byteSize, context)
      #expect(entry.offset % alignment == 0, context)
      #expect(entry.offset >= 0 && entry.offset + entry.bytes <= plan.arenaBytes, context)
      var root = entry.tensor
      while let next = c.aliases[root] { root = next }
      #expect(entry.buffer == root, context)
      #expect(entry.offset == plan.entry(for: root)?.offset, context)
    }

    // Per step: the live buffers, sorted by offset, must not touch; their
    // aligned sizes summed give the lower bound.
    var lowerBound = 0
    for step in 0..<max(c.graph.operators.count, 1) {
      var live: [TensorID: (offset: Int, end: Int)] = [:]
      for entry in plan.tensors where entry.firstOp <= step && step <= entry.lastOp {
        live[entry.buffer] = (entry.offset, entry.offset + alignUp(entry.bytes, to: alignment))
      }
      let spans = live.values.sorted { $0.offset < $1.offset }
      for (lower, upper) in zip(spans, spans.dropFirst()) {
        #expect(lower.end <= upper.offset, context)
      }
      lowerBound = max(lowerBound, spans.reduce(0) { $0 + $1.end - $1.offset })
    }
    #expect(plan.lowerBoundBytes >= lowerBound, context)  // groups also cover alias gaps
    #expect(plan.arenaBytes >= plan.lowerBoundBytes, context)
    #expect(overlaps(in: plan).isEmpty, context)

    let again = try planMemory(c.graph, aliases: c.aliases, alignment: alignment)
    #expect(again == plan, context)
    #expect(again.json(model: "m") == plan.json(model: "m"), context)
    return Double(plan.arenaBytes) / Double(max(plan.lowerBoundBytes, 1))
  }

  @Test func randomDAGsPlanWithoutCollisions() throws {
    var ratios: [Double] = []
    for seed in UInt64(1)...600 {
      var rng = SplitMix64(seed: seed)
      let c = randomCase(&rng, chain: false)
      ratios.append(try check(c, alignment: [1, 4, 16][Int(seed % 3)], seed: seed))
    }
    let mean = ratios.reduce(0, +) / Double(ratios.count)
    print(
      "EdgePlan: 600 random DAGs, mean arena / lower bound = \(mean), worst = \(ratios.max() ?? 0)")
    #expect(ratios.count == 600)
    #expect(mean < 1.25)
  }

  @Test func randomChainsPlanNearTheLowerBound() throws {
    var ratios: [Double] = []
    for seed in UInt64(10_001)...10_200 {
      var rng = SplitMix64(seed: seed)
      ratios.append(try check(randomCase(&rng, chain: true), alignment: 16, seed: seed))
    }
    let mean = ratios.reduce(0, +) / Double(ratios.count)
    let worst = ratios.max() ?? 0
    print("EdgePlan: 200 random chains, mean arena / lower bound = \(mean), worst = \(worst)")
    #expect(mean < 1.1)
  }

  /// The offset assigner alone, on interval sets no graph would produce:
  /// unaligned sizes, zero sizes, long and overlapping lifetimes.
  @Test func randomRequestSetsPlanWithoutCollisions() {
    for seed in UInt64(20_001)...20_300 {
      var rng = SplitMix64(seed: seed)
      let alignment = [1, 2, 8, 16][rng.int(in: 0...3)]
      let requests = (0..<rng.int(in: 0...60)).map { id -> BufferRequest in
        let first = rng.int(in: 0...30)
        return BufferRequest(
          id: id, name: "r\(id)", bytes: rng.int(in: 0...5000), firstStep: first,
          lastStep: first + rng.int(in: 0...10))
      }
      let layout = assignOffsets(requests, alignment: alignment)
      let context = Comment(rawValue: "seed \(seed)")
      #expect(overlaps(in: layout).isEmpty, context)
      #expect(
        layout.placements.allSatisfy { $0.offset % alignment == 0 && $0.end <= layout.arenaBytes },
        context)
      #expect(layout.arenaBytes >= lowerBound(of: requests, alignment: alignment), context)
      #expect(assignOffsets(requests, alignment: alignment) == layout, context)
    }
  }
}
