import EdgeCore
import EdgePasses
import EdgeReference
import Testing

@Suite struct PatchStageTests {
  /// A PAD of 4 rows on top folded into a 3×3 depthwise convolution: output
  /// rows 0 and 1 read padding only. Splitting so that a band holds only such
  /// rows would slice zero input rows and give negative padding, so that
  /// split is refused (found by RandomGraphTests under a budget); coarser
  /// splits still band and compute the same bytes.
  @Test func aBandOfPaddingOnlyIsRefusedAndCoarserSplitsStayExact() throws {
    let graph = padThenConv(seed: 7, depthwise: true, padding: .valid, amounts: [0, 0, 4, 0, 0, 5, 0, 0])
    let folded = try PassManager([FoldPad()]).run(graph).graph
    #expect(folded.tensors[folded.operators[0].outputs[0]].shape == Shape([1, 8, 10, 4]))
    let (refused, none) = try PassManager([PatchStage(layers: 1, bands: 8)]).run(folded)
    #expect(none.map(\.rewrites) == [0])
    #expect(refused == folded)

    let (banded, records) = try PassManager([PatchStage(layers: 1, bands: 2)]).run(folded)
    #expect(records.map(\.rewrites) == [1])
    #expect(banded.operators.map(\.kind) == [.slice, .depthwiseConv2D, .slice, .depthwiseConv2D, .concatenation])
    let before = try ReferenceInterpreter(graph: graph)
    let after = try ReferenceInterpreter(graph: banded)
    var rng = SplitMix(seed: 77)
    for _ in 0..<5 {
      let x = TensorValue(
        (0..<graph.tensors[0].elementCount).map { _ in Int8(truncatingIfNeeded: rng.next()) }, type: .int8,
        shape: graph.tensors[0].shape)
      #expect(try after.run([x]) == before.run([x]))
    }
  }

  /// The same padding-only rows in the second layer of a two-layer stage
  /// (CONV_2D 1×1 stride 2, then the PAD-folded depthwise convolution): the
  /// first layer's band would produce no rows, and its input rows for none
  /// formed an inverted range (a trap); refused instead (found by
  /// RandomGraphTests under a budget).
  @Test func aPaddingOnlyBandInsideTheStageIsRefused() throws {
    var graph = padThenConv(seed: 8, depthwise: true, padding: .valid, amounts: [0, 0, 4, 0, 0, 5, 0, 0])
    graph.tensors.append(graph.tensors[0])
    graph.tensors[5].name = "x0"
    graph.tensors[5].shape = Shape([1, 12, 14, 4])
    graph.tensors.append(
      Tensor(
        name: "w0", type: .int8, shape: Shape([4, 1, 1, 4]),
        quantization: Quantization(scales: [0.01, 0.02, 0.015, 0.005], zeroPoints: [0, 0, 0, 0], axis: 0),
        data: (0..<16).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }))
    graph.operators.insert(
      Operator(kind: .conv2D, inputs: [5, 6, nil], outputs: [0], options: .conv2D(Conv2DOptions(padding: .same, strideH: 2, strideW: 2))),
      at: 0)
    graph.inputs = [5]
    try verify(graph)
    let folded = try PassManager([FoldPad()]).run(graph).graph
    #expect(PatchStage.stage(of: folded).count == 2)
    let (refused, none) = try PassManager([PatchStage(layers: 2, bands: 8)]).run(folded)
    #expect(none.map(\.rewrites) == [0])
    #expect(refused == folded)
    let (banded, records) = try PassManager([PatchStage(layers: 2, bands: 2)]).run(folded)
    #expect(records.map(\.rewrites) == [1])
    let before = try ReferenceInterpreter(graph: graph)
    let after = try ReferenceInterpreter(graph: banded)
    var rng = SplitMix(seed: 88)
    for _ in 0..<5 {
      let x = TensorValue(
        (0..<graph.tensors[5].elementCount).map { _ in Int8(truncatingIfNeeded: rng.next()) }, type: .int8,
        shape: graph.tensors[5].shape)
      #expect(try after.run([x]) == before.run([x]))
    }
  }
}
