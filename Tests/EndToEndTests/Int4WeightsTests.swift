import EdgeCodegen
import EdgeCore
import EdgePasses
import EdgeReference
import EdgeTargets
import Foundation
import Testing

/// int4 weights (`--quantize int8 --weights int4`): TFLite's INT4 packing,
/// the PTQ pass writing it, and the `*_s8w4` C kernels bit-exact with the
/// reference interpreter (which runs the int8 kernels on the unpacked
/// weights, as TFLM does) on two float networks.
@Suite struct Int4WeightsTests {
  @Test func packingIsTFLitesLowNibbleFirst() {
    #expect(packInt4([2, 1, -8, -1]) == [0x12, 0xF8])
    #expect(packInt4([-7, 7, 3]) == [0x79, 0x03])  // odd count: the last high nibble is 0
    #expect(unpackInt4([0x12, 0xF8], count: 4) == [2, 1, -8, -1])
    let all: [Int8] = Array(-8...7) + [5]
    #expect(unpackInt4(packInt4(all), count: all.count) == all)
    #expect(DataType.int4.byteCount(elements: 7) == 4 && DataType.int4.byteCount(elements: 8) == 4)
  }

  /// int4 costs accuracy: its SQNR against TFLM's float outputs stays below
  /// int8's, above these floors (measured, less 1 dB: dscnn 15.41 dB against
  /// int8's 33.18, resnet 15.42 against 37.69, autoencoder 5.41 against
  /// 30.80 — its FULLY_CONNECTED weights take one scale per tensor, as TFLM
  /// requires); the outputs are the reference's bit for bit.
  static let int4Floors = ["net_dscnn_f32": 14.4, "net_resnet_f32": 14.4, "net_autoencoder_f32": 4.4]

  @Test(arguments: ["net_dscnn_f32", "net_autoencoder_f32", "net_resnet_f32"])
  func int4NetworkCompilesAndSimulatesBitExact(_ name: String) throws {
    let fixture = try #require(Fixture.all.first { $0.name == name }, "fixture \(name) is missing")
    let graph = try QuantizeInt8.prepare(try fixture.graph())
    let batches = try fixture.inputs()
    let shapes = graph.inputs.map { graph.tensors[$0].shape }
    let count = batches[0].elementCount / shapes[0].elementCount
    let samples = (0..<count).map { k in zip(batches, shapes).map { row($0, k, shape: $1) } }
    let ranges = try calibrate(graph, samples: samples).ranges(.minmax)
    let int8 = try PassManager([QuantizeInt8(ranges: ranges)]).run(graph).graph
    let int4 = try PassManager([QuantizeInt8(ranges: ranges, weights: .int4)]).run(graph).graph

    // Every CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED weight is int4, packed.
    let weightOps = int4.operators.filter { [.conv2D, .depthwiseConv2D, .fullyConnected].contains($0.kind) }
    let weights = weightOps.compactMap { $0.inputs[1] }.map { int4.tensors[$0] }
    #expect(!weights.isEmpty && weights.allSatisfy { $0.type == .int4 && $0.data?.count == ($0.elementCount + 1) / 2 })
    #expect(weights.allSatisfy { w in unpackInt4(w.data ?? [], count: w.elementCount).allSatisfy { (-7...7).contains($0) } })
    // TFLM takes only per-tensor INT4 FULLY_CONNECTED weights.
    let fullyConnected = weightOps.filter { $0.kind == .fullyConnected }.compactMap { $0.inputs[1] }
    #expect(fullyConnected.allSatisfy { int4.tensors[$0].quantization?.scales.count == 1 })
    let bytes4 = weights.map(\.byteSize).reduce(0, +)
    let bytes8 = weightOps.compactMap { $0.inputs[1] }.map { int8.tensors[$0].byteSize }.reduce(0, +)
    #expect(bytes4 == weights.map { ($0.elementCount + 1) / 2 }.reduce(0, +) && bytes8 == weights.map(\.elementCount).reduce(0, +))

    let host = try TargetCatalog().load("host")
    let compilation = try compile(int4, for: host, options: CompileOptions(measureCode: false))
    #expect(compilation.report.kernels.contains { $0.hasSuffix("_s8w4") })
    let batch = try InputBatch(batches, for: int4, names: fixture.inputFiles)
    let simulated = try simulateOnHost(compilation, batch: batch, target: host)
    let interpreter = try ReferenceInterpreter(graph: try PassManager.standard.run(int4).graph)
    let reference8 = try ReferenceInterpreter(graph: try PassManager.standard.run(int8).graph)
    let expected = try fixture.tflmOutputs()
    var (signal, noise4, noise8) = (0.0, 0.0, 0.0)
    for (k, sample) in samples.enumerated() {
      let outputs = try interpreter.run(sample)
      let outputs8 = try reference8.run(sample)
      for (o, output) in outputs.enumerated() {
        #expect(row(simulated[o], k, shape: output.shape).bytes == output.bytes, "\(name) sample \(k) output \(o)")
        let truth = row(expected[o], k, shape: output.shape).doubles
        for ((a, a8), b) in zip(zip(output.doubles, outputs8[o].doubles), truth) {
          signal += b * b
          noise4 += (a - b) * (a - b)
          noise8 += (a8 - b) * (a8 - b)
        }
      }
    }
    let (sqnr4, sqnr8) = (10 * log10(signal / noise4), 10 * log10(signal / noise8))
    print("int4 \(name): weights \(bytes4) B (int8 \(bytes8) B), SQNR \(sqnr4) dB (int8 \(sqnr8) dB)")
    #expect(sqnr4 < sqnr8)
    #expect(sqnr4 > (Self.int4Floors[name] ?? 200), "\(name): \(sqnr4) dB")
  }
}
