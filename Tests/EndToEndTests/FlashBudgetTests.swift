import EdgeCodegen
import EdgeCore
import EdgePasses
import EdgeReference
import EdgeTargets
import Foundation
import Testing

/// `--flash-budget` on net_dscnn_f32 with its 20 inputs as calibration:
/// all-int8 weights are 19,184 bytes (33.18 dB), all-int4 10,512. The
/// greedy search moves layers to int4 by least SQNR lost per byte saved.
@Suite struct FlashBudgetTests {
  struct Setup {
    var graph: Graph
    var ranges: [TensorID: ClosedRange<Float>]
    var samples: [[TensorValue]]
    var batches: [TensorValue]
    var fixture: Fixture
  }

  static func setup() throws -> Setup {
    let fixture = try #require(Fixture.all.first { $0.name == "net_dscnn_f32" }, "fixture net_dscnn_f32 is missing")
    let graph = try QuantizeInt8.prepare(try fixture.graph())
    let batches = try fixture.inputs()
    let shapes = graph.inputs.map { graph.tensors[$0].shape }
    let count = batches[0].elementCount / shapes[0].elementCount
    let samples = (0..<count).map { k in zip(batches, shapes).map { row($0, k, shape: $1) } }
    let ranges = try calibrate(graph, samples: samples).ranges(.minmax)
    return Setup(graph: graph, ranges: ranges, samples: samples, batches: batches, fixture: fixture)
  }

  /// Output SQNR of a lowered quantized graph against the float reference,
  /// as `edgec` scores candidates (FlashBudgetSearch).
  static func sqnr(_ setup: Setup) throws -> (Graph) throws -> Double {
    let float = try ReferenceInterpreter(graph: try PassManager.standard.run(setup.graph).graph)
    let truth = try setup.samples.map { try float.run($0) }
    return { lowered in
      let interpreter = try ReferenceInterpreter(graph: lowered)
      var (signal, noise) = (0.0, 0.0)
      for (sample, expected) in zip(setup.samples, truth) {
        for (output, want) in zip(try interpreter.run(sample), expected) {
          for (a, b) in zip(output.doubles, want.doubles) {
            signal += b * b
            noise += (a - b) * (a - b)
          }
        }
      }
      return 10 * log10(signal / noise)
    }
  }

  @Test func budgetBetweenInt4AndInt8MixesWidthsAndFits() throws {
    let setup = try Self.setup()
    let result = try FlashBudget(budget: 15_000, ranges: setup.ranges).search(setup.graph, sqnr: try Self.sqnr(setup))
    #expect(result.int8Bytes == 19_184)
    #expect(abs(result.int8SQNR - 33.18) < 0.01, "\(result.int8SQNR)")
    // The first CONV_2D, a DEPTHWISE_CONV_2D, then two pointwise CONV_2Ds:
    // 1,280 + 288 + 2,048 + 2,048 bytes saved; the rest stays int8.
    #expect(result.moves.map(\.opIndex) == [0, 5, 2, 4])
    #expect(result.moves.map(\.bytesSaved) == [1_280, 288, 2_048, 2_048])
    #expect(result.moves.last?.weightBytes == 13_520)
    #expect(result.moves.map(\.sqnr).allSatisfy { $0 < 33.18 && $0 > 19 })
    let weightOps = result.graph.operators.filter { [.conv2D, .depthwiseConv2D, .fullyConnected].contains($0.kind) }
    let types = weightOps.compactMap { $0.inputs[1] }.map { result.graph.tensors[$0].type }
    #expect(types.filter { $0 == .int4 }.count == 4 && types.filter { $0 == .int8 }.count == types.count - 4)

    let host = try TargetCatalog().load("host")
    let compilation = try compile(result.graph, for: host, options: CompileOptions(measureCode: false))
    #expect(compilation.report.weightsBytes == 13_520 && compilation.report.weightsBytes <= 15_000)
    let batch = try InputBatch(setup.batches, for: result.graph, names: setup.fixture.inputFiles)
    let simulated = try simulateOnHost(compilation, batch: batch, target: host)
    let interpreter = try ReferenceInterpreter(graph: try PassManager.standard.run(result.graph).graph)
    for (k, sample) in setup.samples.enumerated() {
      for (o, output) in try interpreter.run(sample).enumerated() {
        #expect(row(simulated[o], k, shape: output.shape).bytes == output.bytes, "sample \(k) output \(o)")
      }
    }
  }

  @Test func budgetBelowAllInt4FailsNamingTheSmallestWeights() throws {
    let setup = try Self.setup()
    let error = #expect(throws: EdgeError.self) {
      try FlashBudget(budget: 10_000, ranges: setup.ranges).search(setup.graph, sqnr: try Self.sqnr(setup))
    }
    let message = error.map { "\($0)" } ?? ""
    #expect(message.contains("--flash-budget 10000") && message.contains("10512 bytes"), "\(message)")
  }

  /// A budget the int8 model meets changes nothing: the graph is the one
  /// plain `--quantize int8` makes, as with no budget at all.
  @Test func budgetThatInt8MeetsKeepsThePlainQuantization() throws {
    let setup = try Self.setup()
    let result = try FlashBudget(budget: 19_184, ranges: setup.ranges).search(setup.graph, sqnr: try Self.sqnr(setup))
    let plain = try PassManager([QuantizeInt8(ranges: setup.ranges)]).run(setup.graph).graph
    #expect(result.moves.isEmpty && result.int4Operators.isEmpty)
    #expect(result.graph == plain)
    #expect(FlashBudget.weightBytes(of: try PassManager.standard.run(plain).graph) == 19_184)
  }
}
