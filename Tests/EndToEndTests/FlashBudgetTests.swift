import EdgeCodegen
import EdgeCompression
import EdgeCore
import EdgeImport
import EdgePasses
import EdgeReference
import EdgeTargets
import Foundation
import Testing

/// `--flash-budget` on the digits CNN (Examples/digits, trained by
/// tools/digits.py) with its 200 calibration images: whole and int8 its
/// weights are 14,080 bytes (41.31 dB against the float model on the first
/// 32). The search measures every rank and width of every layer and takes
/// the least added noise per byte saved; what it returns compiles, fits and
/// runs bit-exact with the reference.
@Suite struct FlashBudgetTests {
  static let digits = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Examples/digits")

  struct Setup {
    var graph: Graph
    var samples: [[TensorValue]]
    var batch: TensorValue
  }

  static func setup() throws -> Setup {
    let graph = try loadModel(path: digits.appendingPathComponent("cnn_float.tflite").path)
    let path = digits.appendingPathComponent("x_calib.npy").path
    let data = try #require(FileManager.default.contents(atPath: path), "missing \(path)")
    let batch = try NumpyFile.decode([UInt8](data), name: path)
    let shape = graph.tensors[graph.inputs[0]].shape
    let samples = (0..<batch.elementCount / shape.elementCount).map { [row(batch, $0, shape: shape)] }
    return Setup(graph: graph, samples: samples, batch: batch)
  }

  static func request(_ setup: Setup, budget: Int?, weights: FlashBudget.Width? = nil) -> CompressionRequest {
    CompressionRequest(quantize: true, samples: setup.samples, weights: weights, flashBudget: budget)
  }

  @Test func budgetMixesRanksAndWidthsFitsAndRunsBitExact() throws {
    let setup = try Self.setup()
    let (graph, record) = try compress(setup.graph, Self.request(setup, budget: 5_000))
    let result = try #require(record.budget?.result)
    #expect(result.start.weightBytes == 14_080 && abs(result.start.sqnr - 41.31) < 0.01, "\(result.start)")
    // The second CONV_2D at rank 14 with int4 weights, the hidden
    // FULLY_CONNECTED at rank 12 with int8 weights.
    #expect(result.decisions.map(\.op) == [1, 4])
    #expect(result.decisions.map(\.choice.rank) == [14, 12])
    #expect(result.decisions.map(\.choice.width) == [.int4, .int8])
    #expect(result.final.weightBytes == 4_816 && result.final.sqnr > 20 && result.final.sqnr < 41.31)
    #expect(record.lowRank.map(\.op) == [1, 4] && record.lowRank.allSatisfy { $0.dataAware && $0.replaced })

    let host = try TargetCatalog().load("host")
    let compilation = try compile(graph, for: host, options: CompileOptions(measureCode: false))
    #expect(compilation.report.weightsBytes <= 5_000)
    let inputs = try InputBatch([setup.batch], for: graph, names: ["x_calib.npy"])
    let simulated = try simulateOnHost(compilation, batch: inputs, target: host)
    let interpreter = try ReferenceInterpreter(graph: try PassManager.standard.run(graph).graph)
    for (k, sample) in setup.samples.enumerated() {
      let output = try interpreter.run(sample)[0]
      #expect(row(simulated[0], k, shape: output.shape).bytes == output.bytes, "sample \(k)")
    }
  }

  /// `--weights int8` fixes the width: only ranks move.
  @Test func fixedWidthSearchesRanksOnly() throws {
    let setup = try Self.setup()
    let (graph, record) = try compress(setup.graph, Self.request(setup, budget: 7_036, weights: .int8))
    let result = try #require(record.budget?.result)
    #expect(!result.decisions.isEmpty && result.decisions.allSatisfy { $0.choice.width == .int8 && $0.choice.rank != nil })
    #expect(result.final.weightBytes <= 7_036)
    let types = graph.operators.filter { [.conv2D, .depthwiseConv2D, .fullyConnected].contains($0.kind) }
      .compactMap { $0.inputs[1] }.map { graph.tensors[$0].type }
    #expect(!types.isEmpty && types.allSatisfy { $0 == .int8 })
  }

  @Test func unreachableBudgetNamesTheSmallestWeights() throws {
    let setup = try Self.setup()
    let error = #expect(throws: EdgeError.self) { try compress(setup.graph, Self.request(setup, budget: 1_000)) }
    let message = error.map { "\($0)" } ?? ""
    #expect(message.contains("--flash-budget 1000") && message.contains("about 1106 bytes"), "\(message)")
  }

  /// A budget the int8 model meets changes nothing: the graph is the one
  /// plain `--quantize int8` makes.
  @Test func budgetThatInt8MeetsKeepsThePlainQuantization() throws {
    let setup = try Self.setup()
    let (budgeted, record) = try compress(setup.graph, Self.request(setup, budget: 14_080))
    let (plain, _) = try compress(setup.graph, Self.request(setup, budget: nil))
    #expect(record.budget?.result.decisions.isEmpty == true)
    #expect(budgeted == plain)
  }
}
