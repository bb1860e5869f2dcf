import EdgeCodegen
import EdgeCompression
import EdgeCore
import EdgeImport
import EdgePasses
import EdgeReference
import EdgeTargets
import Foundation
import Testing

/// Issue 6, item 3: low rank and quantization reach a vision transformer's
/// projections — the Q/K/V/output and MLP FULLY_CONNECTEDs on [1, T, C]
/// inputs — and what they make compiles and runs as the reference says.
@Suite struct TransformerCompressionTests {
  static let directory = Fixture.root.appendingPathComponent("vit_tiny_f32")

  static func setup() throws -> (graph: Graph, batch: TensorValue, samples: [[TensorValue]]) {
    let graph = try loadModel(path: directory.appendingPathComponent("model.tflite").path)
    let path = directory.appendingPathComponent("x.npy").path
    let data = try #require(FileManager.default.contents(atPath: path), "missing \(path)")
    let batch = try NumpyFile.decode([UInt8](data), name: path)
    let shape = graph.tensors[graph.inputs[0]].shape
    let samples = (0..<batch.elementCount / shape.elementCount).map { [row(batch, $0, shape: shape)] }
    return (graph, batch, samples)
  }

  /// Every FULLY_CONNECTED whose factors are smaller is factored, the
  /// attention projections (3-D inputs, keep_num_dims) among them, and
  /// the int8 model built on top runs bit-exact through the emitted C.
  @Test func projectionsAreFactoredAndQuantizedBitExact() throws {
    let (graph, batch, samples) = try Self.setup()
    let request = CompressionRequest(lowRank: .rank(8), quantize: true, samples: samples)
    let (compressed, record) = try compress(graph, request)
    let factored = record.lowRank.filter(\.replaced)
    let projections = factored.filter { layer in
      guard layer.kind == .fullyConnected, let input = graph.operators[layer.op].inputs[0] else { return false }
      return graph.tensors[input].shape.rank == 3
    }
    #expect(projections.count >= 4, "\(factored.map(\.op))")
    #expect(factored.allSatisfy { $0.dataAware && $0.rank == 8 })

    let host = try TargetCatalog().load("host")
    let compilation = try compile(compressed, for: host, options: CompileOptions(measureCode: false))
    let simulated = try simulateOnHost(
      compilation, batch: try InputBatch([batch], for: compressed, names: ["x.npy"]), target: host)
    let interpreter = try ReferenceInterpreter(graph: try PassManager.standard.run(compressed).graph)
    for (k, sample) in samples.enumerated() {
      let want = try interpreter.run(sample)[0]
      #expect(row(simulated[0], k, shape: want.shape).bytes == want.bytes, "sample \(k)")
    }
  }
}
