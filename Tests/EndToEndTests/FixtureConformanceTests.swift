import EdgeCodegen
import EdgeCore
import EdgeReference
import EdgeTargets
import Foundation
import Testing

/// The chain of oracles on every committed fixture: TFLM → the reference
/// interpreter → the emitted C on the host. int8 must match bit for bit;
/// float within 1e-5 relative of LiteRT.
@Suite struct FixtureConformanceTests {
  static let floatTolerance = 1e-5

  @Test func manifestIsPresent() {
    #expect(Fixture.all.count >= 30, "Tests/Fixtures/manifest.json lists \(Fixture.all.count) fixtures")
  }

  @Test(arguments: Fixture.all)
  func referenceInterpreterMatchesTFLM(_ fixture: Fixture) throws {
    let graph = try fixture.referenceGraph()
    let interpreter = try ReferenceInterpreter(graph: graph, options: LoweringOptions(rounding: fixture.rounding))
    let xs = try fixture.inputs(), ys = try fixture.expectedOutputs()
    let n = xs[0].shape[0]
    // Rows are consecutive calls: a stateful fixture's state carries over.
    var state = interpreter.initialState
    for r in 0..<n {
      let inputs = graph.inputs.enumerated().map { k, id in row(xs[k], r, shape: graph.tensors[id].shape) }
      let outputs = try interpreter.run(inputs, state: &state)
      for (k, got) in outputs.enumerated() {
        let bad = mismatches(got, row(ys[k], r, shape: got.shape), tolerance: Self.floatTolerance)
        #expect(bad == 0, "\(fixture.name) input \(r) output \(k): \(bad) of \(got.elementCount) values differ")
      }
    }
  }

  @Test(arguments: Fixture.all.filter(\.isQuantized))
  func referenceWithLiteRTRoundingMatchesLiteRT(_ fixture: Fixture) throws {
    let graph = try fixture.referenceGraph()
    let interpreter = try ReferenceInterpreter(graph: graph, options: LoweringOptions(rounding: .litert))
    let xs = try fixture.inputs(), ys = try fixture.litertOutputs()
    var state = interpreter.initialState
    for r in 0..<xs[0].shape[0] {
      let inputs = graph.inputs.enumerated().map { k, id in row(xs[k], r, shape: graph.tensors[id].shape) }
      for (k, got) in try interpreter.run(inputs, state: &state).enumerated() {
        let bad = mismatches(got, row(ys[k], r, shape: got.shape))
        #expect(bad == 0, "\(fixture.name) input \(r) output \(k): \(bad) of \(got.elementCount) values differ from LiteRT")
      }
    }
  }

  @Test(arguments: Fixture.all)
  func emittedCMatchesTFLM(_ fixture: Fixture) throws {
    try checkEmittedC(fixture, alignment: nil)
  }

  /// The same with the Cortex-M targets' 4-byte tensor alignment, under
  /// which the planner places more tensors in each other's bytes
  /// (CONCATENATION slices, tighter packing).
  @Test(arguments: Fixture.all)
  func emittedCMatchesTFLMWithWordAlignment(_ fixture: Fixture) throws {
    try checkEmittedC(fixture, alignment: 4)
  }

  func checkEmittedC(_ fixture: Fixture, alignment: Int?) throws {
    let graph = try fixture.graph()
    var host = try TargetCatalog().load("host")
    if let alignment { host.tensorAlignment = alignment }
    let compilation = try compile(graph, for: host, options: CompileOptions(rounding: fixture.rounding, measureCode: false))
    let batch = try InputBatch(try fixture.inputs(), for: graph, names: fixture.inputFiles)
    let outputs = try simulateOnHost(compilation, batch: batch, target: host)
    let ys = try fixture.expectedOutputs()
    for (k, got) in outputs.enumerated() {
      guard ys[k].bytes.count == got.bytes.count else {
        Issue.record("\(fixture.name) output \(k): \(got.bytes.count) bytes, expected \(ys[k].bytes.count)")
        continue
      }
      let expected = TensorValue(type: ys[k].type, shape: got.shape, bytes: ys[k].bytes)
      let bad = mismatches(got, expected, tolerance: Self.floatTolerance)
      #expect(bad == 0, "\(fixture.name) output \(k): \(bad) of \(got.elementCount) values differ")
    }
  }
}
