import EdgeCodegen
import EdgeCore
import EdgePasses
import EdgePlan
import EdgeReference
import EdgeTargets
import Testing

/// Properties of the memory passes and the planner's byte sharing on random
/// int8 graphs (RandomGraphSupport.swift): the passes keep the reference
/// interpreter's bytes, every plan is free of overlaps at 4- and 16-byte
/// alignment, and the emitted C computes the original graph bit for bit —
/// also when a budget just below the arena forces row bands. A failure
/// prints the seed and the graph; `RandomGraphBuilder.make(seed:)` rebuilds it.
@Suite struct RandomGraphTests {
  static let seeds = Array(UInt64(0)..<150)
  /// The seeds whose C is compiled and run on the host (a compile each).
  static let cSeeds = Array(UInt64(0)..<40)
  static let budgetSeeds = Array(UInt64(40)..<70)

  static func host(alignment: Int) throws -> Target {
    var host = try TargetCatalog().load("host")
    host.tensorAlignment = alignment
    return host
  }

  /// `records` random inputs per graph input, stacked as InputBatch wants.
  static func batch(for graph: Graph, seed: UInt64, records: Int = 3) throws -> InputBatch {
    var rng = RandomGraphRNG(seed: seed &+ 0xABCD)
    let values = graph.inputs.map { id in
      let shape = graph.tensors[id].shape
      return TensorValue(rng.int8s(records * shape.elementCount), type: .int8, shape: Shape([records] + shape.dims))
    }
    return try InputBatch(values, for: graph, names: graph.inputs.map { graph.tensors[$0].name })
  }

  static func graph(_ seed: UInt64, stem: Bool = false) throws -> Graph {
    let graph = RandomGraphBuilder.make(seed: seed, stem: stem)
    do {
      try verify(graph)
    } catch {
      Issue.record("seed \(seed): the generator built an invalid graph: \(error)\n\(describeRandomGraph(graph))")
      throw error
    }
    return graph
  }

  /// The reference interpreter's outputs of `graph` on every record of `batch`.
  static func reference(_ graph: Graph, _ batch: InputBatch) throws -> [[TensorValue]] {
    let interpreter = try ReferenceInterpreter(graph: graph)
    return try (0..<batch.records).map { r in
      try interpreter.run(graph.inputs.indices.map { batch.record(r, input: $0, graph: graph) })
    }
  }

  /// Simulated outputs ([N, *shape] each) split back into records.
  static func records(_ simulated: [TensorValue], count: Int) -> [[[UInt8]]] {
    (0..<count).map { r in
      simulated.map { value in
        let size = value.bytes.count / count
        return Array(value.bytes[(r * size)..<((r + 1) * size)])
      }
    }
  }

  @Test(arguments: seeds)
  func passesKeepTheBytesAndPlansDoNotOverlap(seed: UInt64) throws {
    let graph = try Self.graph(seed)
    let context = "seed \(seed)\n\(describeRandomGraph(graph))"
    let passed: Graph
    do {
      passed = try PassManager.standard.run(graph).graph
    } catch {
      Issue.record("the passes failed: \(error)\n\(context)")
      return
    }
    let batch = try Self.batch(for: graph, seed: seed)
    let before = try Self.reference(graph, batch)
    let after = try Self.reference(passed, batch)
    #expect(after == before, "the passes changed the outputs: \(context)\nafter the passes:\n\(describeRandomGraph(passed))")
    for alignment in [4, 16] {
      let compilation: Compilation
      do {
        compilation = try compile(graph, for: try Self.host(alignment: alignment), options: CompileOptions(measureCode: false))
      } catch {
        Issue.record("alignment \(alignment): \(error)\n\(context)")
        continue
      }
      let plan = compilation.plan
      #expect(overlaps(in: plan).isEmpty, "alignment \(alignment): \(context)")
      #expect(plan.arenaBytes >= plan.lowerBoundBytes, "alignment \(alignment): \(context)")
      for entry in plan.tensors {
        #expect(
          entry.offset >= 0 && entry.offset % alignment == 0 && entry.offset + entry.bytes <= plan.arenaBytes,
          "alignment \(alignment): \(entry.name) at \(entry.offset)+\(entry.bytes) in \(plan.arenaBytes): \(context)")
      }
    }
  }

  @Test(arguments: cSeeds)
  func emittedCComputesTheOriginalGraph(seed: UInt64) throws {
    let graph = try Self.graph(seed)
    let context = "seed \(seed)\n\(describeRandomGraph(graph))"
    let batch = try Self.batch(for: graph, seed: seed)
    let expected = try Self.reference(graph, batch).map { $0.map(\.bytes) }
    let host = try Self.host(alignment: seed % 2 == 0 ? 4 : 16)
    let compilation = try compile(graph, for: host, options: CompileOptions(measureCode: false))
    let outputs = try simulateOnHost(compilation, batch: batch, target: host)
    #expect(Self.records(outputs, count: batch.records) == expected, "\(context)\ncompiled:\n\(describeRandomGraph(compilation.graph))")
  }

  /// Just below the free arena, and at three quarters of it: a smaller
  /// plan (row bands, …) whose C still computes the original graph, or a
  /// does-not-fit error — never a wrong answer. The graphs start with a
  /// convolution stem, where row bands can help.
  @Test(arguments: budgetSeeds)
  func aBudgetBelowTheArenaShrinksThePlanOrRefuses(seed: UInt64) throws {
    let graph = try Self.graph(seed, stem: true)
    let context = "seed \(seed) (stem)\n\(describeRandomGraph(graph))"
    let host = try Self.host(alignment: 4)
    let free = try compile(graph, for: host, options: CompileOptions(measureCode: false))
    let batch = try Self.batch(for: graph, seed: seed)
    let expected = try Self.reference(graph, batch).map { $0.map(\.bytes) }
    for budget in [free.plan.arenaBytes - 1, free.plan.arenaBytes * 3 / 4] {
      var options = CompileOptions(measureCode: false)
      options.sramBudget = budget
      let banded: Compilation
      do {
        banded = try compile(graph, for: host, options: options)
      } catch let error as EdgeError {
        #expect(error.kind == .doesNotFit, "budget \(budget): \(error)\n\(context)")
        continue
      }
      #expect(banded.plan.arenaBytes <= budget, "budget \(budget): \(context)")
      #expect(overlaps(in: banded.plan).isEmpty, "budget \(budget): \(context)")
      let outputs = try simulateOnHost(banded, batch: batch, target: host)
      #expect(
        Self.records(outputs, count: batch.records) == expected,
        "budget \(budget): \(context)\ncompiled:\n\(describeRandomGraph(banded.graph))")
    }
  }
}
