import EdgeCore
@testable import EdgeImport
import Foundation
import Testing

/// The repository root, from this file's path (Tests/EdgeImportTests/…).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// ../shared/models/mlperf-tiny beside the repository, when it is there.
let mlperfDirectory = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/models/mlperf-tiny")

func mlperfModel(_ name: String) -> String? {
  let path = mlperfDirectory.appendingPathComponent(name).path
  return FileManager.default.fileExists(atPath: path) ? path : nil
}

let sharedModelsPresent = mlperfModel("kws_int8.tflite") != nil

/// Facts about the MLPerf Tiny models, read with TensorFlow's own flatbuffer
/// bindings (schema_py_generated) and written down here.
@Suite(.enabled(if: sharedModelsPresent, "../shared/models/mlperf-tiny is not present"))
struct MLPerfModelTests {
  @Test func kwsInt8() throws {
    let graph = try loadModel(path: try #require(mlperfModel("kws_int8.tflite")))
    #expect(graph.name == "kws_int8")
    #expect(graph.tensors.count == 35)
    #expect(graph.operators.map(\.kind.name) == [
      "CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D",
      "DEPTHWISE_CONV_2D", "CONV_2D", "AVERAGE_POOL_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX",
    ])
    #expect(graph.inputs == [0])
    #expect(graph.outputs == [34])

    let input = graph.tensors[0]
    #expect(input.name == "input_1")
    #expect(input.type == .int8)
    #expect(input.shape == Shape([1, 49, 10, 1]))
    #expect(input.quantization == Quantization(scale: 0.5847029, zeroPoint: 83))

    let filter = graph.tensors[17]
    #expect(filter.name == "functional_1/conv2d/Conv2D")
    #expect(filter.shape == Shape([64, 10, 4, 1]))
    #expect(filter.data?.count == 2560)
    #expect(filter.quantization?.scales.count == 64)
    #expect(filter.quantization?.scales.first == 0.001331845)
    #expect(filter.quantization?.axis == 0)
    #expect(graph.tensors[5].quantization?.axis == 3)  // depthwise filter: per channel along axis 3
    #expect(graph.tensors[3].type == .int32)  // conv bias

    #expect(graph.operators[0].inputs == [0, 17, 3])
    #expect(graph.operators[0].outputs == [22])
    #expect(graph.operators[0].options == .conv2D(Conv2DOptions(padding: .same, strideH: 2, strideW: 2, activation: .relu)))
    #expect(
      graph.operators[9].options
        == .pool2D(Pool2DOptions(padding: .valid, strideH: 25, strideW: 5, filterH: 25, filterW: 5)))
    #expect(graph.operators[11].options == .fullyConnected(FullyConnectedOptions(activation: .none, keepNumDims: false)))
    #expect(graph.operators[12].options == .softmax(beta: 1))
    #expect(graph.tensors[34].quantization == Quantization(scale: 0.00390625, zeroPoint: -128))
    #expect(graph.tensors.compactMap(\.data).reduce(0) { $0 + $1.count } == 24376)
  }

  @Test(arguments: [
    ("ad01_float", 31, 10, 20, 1_063_456, [1, 640], [1, 640], DataType.float32),
    ("ad01_int8", 31, 10, 20, 270_880, [1, 640], [1, 640], .int8),
    ("kws_float", 35, 13, 21, 33592, [1, 49, 10, 1], [1, 12], .float32),
    ("kws_int8", 35, 13, 21, 24376, [1, 49, 10, 1], [1, 12], .int8),
    ("resnet8_float", 38, 16, 21, 310_832, [1, 32, 32, 3], [1, 10], .float32),
    ("resnet8_int8", 38, 16, 21, 78752, [1, 32, 32, 3], [1, 10], .int8),
    ("vww_float", 89, 31, 57, 843_408, [1, 96, 96, 3], [1, 2], .float32),
    ("vww_int8", 89, 31, 57, 219_072, [1, 96, 96, 3], [1, 2], .int8),
  ])
  func everyModelImports(
    name: String, tensors: Int, ops: Int, constants: Int, constantBytes: Int, input: [Int], output: [Int],
    type: DataType
  ) throws {
    let graph = try loadModel(path: try #require(mlperfModel("\(name).tflite")))
    #expect(graph.tensors.count == tensors)
    #expect(graph.operators.count == ops)
    let data = graph.tensors.compactMap(\.data)
    #expect(data.count == constants)
    #expect(data.reduce(0) { $0 + $1.count } == constantBytes)
    #expect(graph.inputs.map { graph.tensors[$0].shape.dims } == [input])
    #expect(graph.outputs.map { graph.tensors[$0].shape.dims } == [output])
    #expect(graph.tensors[graph.inputs[0]].type == type)
    #expect(graph.unsupportedOperators.isEmpty)
  }

  @Test func errorsFromAFileNameThePath() throws {
    let path = try #require(mlperfModel("kws_int8.tflite"))
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes.replaceSubrange(4..<8, with: Array("XXXX".utf8))
    let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("edgec-import-\(getpid()).tflite")
    try Data(bytes).write(to: temporary)
    defer { try? FileManager.default.removeItem(at: temporary) }
    do {
      _ = try loadModel(path: temporary.path)
      Issue.record("loaded a model with a wrong identifier")
    } catch let error as EdgeError {
      #expect(error.location.file == temporary.path)
      #expect(error.location.byteOffset == 4)
      #expect(error.kind == .malformedModel)
    }
  }
}

extension MLPerfModelTests {
  /// The largest model, in a debug build: far under the one second a release
  /// build must meet (about 1.5 ms per import measured here).
  @Test func vwwFloatImportsInUnderASecond() throws {
    let path = try #require(mlperfModel("vww_float.tflite"))
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let elapsed = try ContinuousClock().measure { _ = try importModel(bytes: bytes, name: "vww_float") }
    #expect(elapsed < .seconds(1))
  }
}

/// Every committed fixture model imports and verifies, with no operator left
/// as `.other`: the fixtures cover exactly the operators edgec implements.
@Test func everyFixtureImports() throws {
  let seeds = fuzzSeeds().filter { !$0.isShared }
  try #require(!seeds.isEmpty, "no fixtures under Tests/Fixtures")
  for seed in seeds {
    do {
      let graph = try importModel(bytes: seed.bytes, name: seed.name)
      #expect(graph.unsupportedOperators.isEmpty, "\(seed.name)")
    } catch {
      Issue.record("\(seed.name): \(error)")
    }
  }
}
