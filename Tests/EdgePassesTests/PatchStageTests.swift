import EdgeCore
import EdgePasses
import EdgeReference
import Testing

@Suite struct PatchStageTests {
  /// A PAD of 4 rows on top folded into a 3×3 depthwise convolution: output
  /// rows 0 and 1 read padding only. Splitting so that a band holds only such
  /// rows would slice zero input rows and give negative padding, so that
  /// split is refused (found by RandomGraphTests, seeds 63 and 69); coarser
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
}
