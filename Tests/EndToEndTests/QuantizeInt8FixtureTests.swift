import EdgeCodegen
import EdgeCore
import EdgeImport
import EdgePasses
import EdgeReference
import EdgeTargets
import Foundation
import Testing

/// Post-training quantization of every float fixture, calibrated on its own
/// committed inputs: the int8 graph verifies (the PassManager checks it),
/// compiles for the host, and its dequantized outputs stay close to TFLM's
/// float outputs.
@Suite struct QuantizeInt8FixtureTests {
  static let floatFixtures = Fixture.all.filter { !$0.isQuantized && $0.name.hasSuffix("_f32") }

  /// Measured SQNR (dB, minmax ranges) of the networks, less 1 dB: a change
  /// that loses precision anywhere along a real model shows here.
  static let networkFloors: [String: Double] = [
    "net_autoencoder_f32": 29.8, "net_dscnn_f32": 32.1, "net_resnet_f32": 36.6,
  ]
  /// Every single-operator fixture reaches at least this (the lowest measured,
  /// less 1 dB).
  static let operatorFloor = 29.6

  @Test func everyFloatFixtureIsCovered() {
    // A floor (85 at the end of issue 5's PTQ work): float fixtures move
    // in from pending_ops as operators land, each then held to the floors.
    #expect(Self.floatFixtures.count >= 85, "\(Self.floatFixtures.count) float fixtures")
  }

  @Test(arguments: floatFixtures)
  func quantizedOutputTracksTheFloatOutput(_ fixture: Fixture) throws {
    let graph = try QuantizeInt8.prepare(try fixture.graph())
    let batches = try fixture.inputs()
    let samples = try calibrationSamples(batches, graph: graph)
    let calibration = try calibrate(graph, samples: samples)
    let (quantized, _) = try PassManager([QuantizeInt8(ranges: calibration.ranges(.minmax))]).run(graph)
    #expect(quantized.tensors.filter { $0.type == .float32 && !$0.isConstant }.count
      == graph.inputs.count + graph.outputs.count)
    // Compiles (standard passes, lowering, plan, emission) for the host.
    _ = try compile(quantized, for: try TargetCatalog().load("host"), options: CompileOptions(measureCode: false))
    let interpreter = try ReferenceInterpreter(graph: try PassManager.standard.run(quantized).graph)
    let expected = try fixture.expectedOutputs()
    var signal = 0.0, noise = 0.0
    var state = interpreter.initialState  // a stateful fixture's rows are consecutive calls
    for (k, sample) in samples.enumerated() {
      let outputs = try interpreter.run(sample, state: &state)
      for (o, output) in outputs.enumerated() {
        let reference = row(expected[o], k, shape: output.shape).doubles
        for (a, b) in zip(output.doubles, reference) {
          signal += b * b
          noise += (a - b) * (a - b)
        }
      }
    }
    let sqnr = noise == 0 ? 200 : 10 * log10(signal / noise)
    #expect(sqnr > (Self.networkFloors[fixture.name] ?? Self.operatorFloor), "\(fixture.name): \(sqnr) dB")
  }

  /// A CNN whose weights are float16 constants behind DEQUANTIZE
  /// (tools/make_float16_fixture.py): the four DEQUANTIZEs fold, the rest
  /// quantizes and compiles, and the int8 outputs stay within the measured
  /// SQNR (less 1 dB) of LiteRT's float outputs.
  @Test func float16WeightsQuantize() throws {
    let directory = Fixture.root.appendingPathComponent("ptq_float16_cnn")
    let imported = try loadModel(path: directory.appendingPathComponent("model.tflite").path)
    #expect(imported.operators.filter { $0.kind == .dequantize }.count == 4)
    let graph = try QuantizeInt8.prepare(imported)
    #expect(graph.operators.map(\.kind) == [.conv2D, .depthwiseConv2D, .mean, .fullyConnected, .softmax])
    let read = { (name: String) throws -> TensorValue in
      let path = directory.appendingPathComponent(name).path
      return try NumpyFile.decode([UInt8](try #require(FileManager.default.contents(atPath: path))), name: path)
    }
    let samples = try calibrationSamples([try read("x.npy")], graph: graph)
    let calibration = try calibrate(graph, samples: samples)
    let (quantized, _) = try PassManager([QuantizeInt8(ranges: calibration.ranges(.minmax))]).run(graph)
    _ = try compile(quantized, for: try TargetCatalog().load("host"), options: CompileOptions(measureCode: false))
    let interpreter = try ReferenceInterpreter(graph: try PassManager.standard.run(quantized).graph)
    let expected = try read("y_litert.npy")
    var signal = 0.0, noise = 0.0
    for (k, sample) in samples.enumerated() {
      let output = try interpreter.run(sample)[0]
      for (a, b) in zip(output.doubles, row(expected, k, shape: output.shape).doubles) {
        signal += b * b
        noise += (a - b) * (a - b)
      }
    }
    let sqnr = 10 * log10(signal / noise)
    #expect(sqnr > 46.3, "\(sqnr) dB")  // measured 47.38
  }

  /// The fixture's [N, *input_shape] batches as N samples.
  func calibrationSamples(_ batches: [TensorValue], graph: Graph) throws -> [[TensorValue]] {
    let shapes = graph.inputs.map { graph.tensors[$0].shape }
    let count = batches[0].elementCount / shapes[0].elementCount
    return (0..<count).map { k in zip(batches, shapes).map { row($0, k, shape: $1) } }
  }
}
