import EdgeCodegen
import EdgeCore
import EdgePasses
import EdgeReference
import EdgeTargets
import Foundation
import Testing

/// The low-rank pass on the committed networks: the factored graph verifies,
/// compiles for the host, and its output on the fixture's own inputs keeps a
/// measured SQNR against the original float graph's.
@Suite struct LowRankFixtureTests {
  /// net_autoencoder_f32 (an FC stack 64-32-16-8-16-32-64 like ad01): at
  /// energy 0.95 no layer saves bytes (rank ≥ half the smaller side), so
  /// rank=8 is what compresses it: the 16↔8 layers (8 is their full rank)
  /// stay, the four outer ones split.
  @Test func autoencoderAtRankEight() throws {
    let (graph, layers, sqnr) = try decomposed("net_autoencoder_f32", .rank(8))
    #expect(layers.map(\.rank) == [8, 8, 8, 8, 8, 8])
    #expect(layers.map(\.replaced) == [true, true, false, false, true, true])
    #expect(layers.map(\.bytesBefore).reduce(0, +) == 22_176)
    // 4 bytes · (8 · (96 + 48 + 48 + 96) + 16·8 + 8·16 + 168 biases)
    #expect(layers.map { $0.replaced ? $0.bytesAfter : $0.bytesBefore }.reduce(0, +) == 10_912)
    #expect(graph.operators.count == 10)
    // Measured 1.58 dB: the fixture's weights are random, so their spectrum
    // is flat and half the rank loses most of the signal (ad01's trained
    // weights keep 14.6 dB at energy 0.95).
    #expect(sqnr > 1.0, "\(sqnr) dB")
  }

  @Test func autoencoderAtEnergyNinetyFiveIsLeftAlone() throws {
    let fixture = try #require(Fixture.all.first { $0.name == "net_autoencoder_f32" })
    let original = try fixture.graph()
    let (graph, layers) = try LowRank(.energy(0.95)).decompose(original)
    #expect(graph == original)
    #expect(layers.count == 6 && layers.allSatisfy { !$0.replaced })
  }

  /// net_resnet_f32: CONV_2D layers become k×k to r channels then 1×1.
  @Test func resnetConvolutionsAtEnergyNinetyFive() throws {
    let (graph, layers, sqnr) = try decomposed("net_resnet_f32", .energy(0.95))
    let replaced = layers.filter(\.replaced)
    #expect(replaced.map(\.op) == [1, 2, 4, 5])
    #expect(replaced.map(\.rank) == [7, 7, 12, 14])
    #expect(replaced.allSatisfy { $0.kind == .conv2D && $0.energyKept >= 0.95 })
    let pointwise = graph.operators.filter { op in
      guard case .conv2D(let o) = op.options, let w = op.inputs[1] else { return false }
      return o.padding == .valid && graph.tensors[w].shape.dims[1...2] == [1, 1]
    }
    #expect(pointwise.count >= 4)
    #expect(sqnr > 17.4, "\(sqnr) dB")  // measured 17.93
  }

  /// Decomposes fixture `name`, compiles it for the host and returns the
  /// output SQNR (dB) against the original graph on the fixture's inputs.
  func decomposed(_ name: String, _ rule: LowRankRule) throws -> (Graph, [LowRankLayer], Double) {
    let fixture = try #require(Fixture.all.first { $0.name == name })
    let original = try fixture.graph()
    let (graph, layers) = try LowRank(rule).decompose(original)
    try verify(graph)
    _ = try compile(graph, for: try TargetCatalog().load("host"), options: CompileOptions(measureCode: false))
    let before = try ReferenceInterpreter(graph: try PassManager.standard.run(original).graph)
    let after = try ReferenceInterpreter(graph: try PassManager.standard.run(graph).graph)
    let batch = try fixture.inputs()[0]
    let shape = original.tensors[original.inputs[0]].shape
    var signal = 0.0, noise = 0.0
    for k in 0..<(batch.elementCount / shape.elementCount) {
      let x = row(batch, k, shape: shape)
      for (a, b) in zip(try after.run([x])[0].doubles, try before.run([x])[0].doubles) {
        signal += b * b
        noise += (a - b) * (a - b)
      }
    }
    return (graph, layers, noise == 0 ? 200 : 10 * log10(signal / noise))
  }
}
