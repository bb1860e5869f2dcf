import EdgeCore
import EdgePasses
import EdgeReference
import Testing

/// A ResNet-style block built in Swift: y = CONV_2D(x) (3×3, SAME), z = ADD(y, skip).
/// `skipIsInput` makes the skip the convolution's own input (the case where
/// the output must not be written over the skip while the convolution reads it).
func residualBlock(seed: UInt64, skipIsInput: Bool, addActivation: FusedActivation = .relu) -> Graph {
  var rng = SplitMix(seed: seed)
  let (h, w, c) = (5, 6, 4)
  func q(_ scale: Float, _ zp: Int64) -> Quantization { Quantization(scales: [scale], zeroPoints: [zp]) }
  let filterBytes = (0..<(c * 3 * 3 * c)).map { _ in UInt8(truncatingIfNeeded: rng.next() % 255) }
  let biasValues = (0..<c).map { _ in Int32(truncatingIfNeeded: Int64(rng.next() % 2001) - 1000) }
  let biasBytes = biasValues.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> (8 * $0)) } }
  var tensors = [
    Tensor(name: "x", type: .int8, shape: Shape([1, h, w, c]), quantization: q(0.05, -3)),
    Tensor(name: "skip", type: .int8, shape: Shape([1, h, w, c]), quantization: q(0.04, 5)),
    Tensor(
      name: "w", type: .int8, shape: Shape([c, 3, 3, c]),
      quantization: Quantization(scales: (0..<c).map { Float($0 + 1) * 0.003 }, zeroPoints: [Int64](repeating: 0, count: c)),
      data: filterBytes),
    Tensor(
      name: "b", type: .int32, shape: Shape([c]),
      quantization: Quantization(scales: (0..<c).map { Float($0 + 1) * 0.003 * 0.05 }, zeroPoints: [Int64](repeating: 0, count: c)),
      data: biasBytes),
    Tensor(name: "y", type: .int8, shape: Shape([1, h, w, c]), quantization: q(0.07, 2)),
    Tensor(name: "z", type: .int8, shape: Shape([1, h, w, c]), quantization: q(0.09, -7)),
  ]
  tensors[1].name = "skip"
  let skip: TensorID = skipIsInput ? 0 : 1
  let conv = Operator(
    kind: .conv2D, inputs: [0, 2, 3], outputs: [4],
    options: .conv2D(Conv2DOptions(padding: .same, strideH: 1, strideW: 1, activation: .relu)))
  let add = Operator(kind: .add, inputs: [4, skip], outputs: [5], options: .activation(addActivation))
  return Graph(
    name: "block", tensors: tensors, operators: [conv, add], inputs: skipIsInput ? [0] : [0, 1], outputs: [5])
}

struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

@Suite struct ResidualFusionTests {
  @Test(arguments: [false, true])
  func fusedBlockComputesTheSameBytes(skipIsInput: Bool) throws {
    for (seed, activation) in [(1, FusedActivation.relu), (2, .none), (3, .relu6)] {
      let graph = residualBlock(seed: UInt64(seed), skipIsInput: skipIsInput, addActivation: activation)
      try verify(graph)
      let (fused, records) = try PassManager([FuseResidualAdd()]).run(graph)
      #expect(records.map(\.rewrites) == [1])
      #expect(fused.operators.count == 1)
      #expect(fused.operators[0].inputs.count == 4)
      let before = try ReferenceInterpreter(graph: graph)
      let after = try ReferenceInterpreter(graph: fused)
      var rng = SplitMix(seed: UInt64(100 + seed))
      for _ in 0..<20 {
        let inputs = graph.inputs.map { id in
          TensorValue(
            (0..<graph.tensors[id].elementCount).map { _ in Int8(truncatingIfNeeded: rng.next()) },
            type: .int8, shape: graph.tensors[id].shape)
        }
        #expect(try after.run(inputs) == before.run(inputs))
      }
    }
  }

  @Test func convOutputReadElsewhereIsNotFused() throws {
    var graph = residualBlock(seed: 4, skipIsInput: false)
    graph.outputs = [5, 4]
    let (fused, records) = try PassManager([FuseResidualAdd()]).run(graph)
    #expect(records.map(\.rewrites) == [0])
    #expect(fused.operators.map(\.kind) == [.conv2D, .add])
    #expect(fused.operators.map(\.inputs) == graph.operators.map(\.inputs))
  }

  /// ADD(y, y) of a convolution's output: the skip would be y itself, which
  /// the fused operator no longer produces (found by RandomGraphTests).
  @Test func addOfTheConvOutputWithItselfIsNotFused() throws {
    var graph = residualBlock(seed: 6, skipIsInput: false)
    graph.operators[1].inputs = [4, 4]
    graph.inputs = [0]
    try verify(graph)
    let (fused, records) = try PassManager([FuseResidualAdd()]).run(graph)
    #expect(records.map(\.rewrites) == [0])
    #expect(fused.operators.map(\.kind) == [.conv2D, .add])
  }

  @Test func broadcastAddIsNotFused() throws {
    var graph = residualBlock(seed: 5, skipIsInput: false)
    graph.tensors[1].shape = Shape([1, 1, 1, 4])
    try verify(graph)
    let (_, records) = try PassManager([FuseResidualAdd()]).run(graph)
    #expect(records.map(\.rewrites) == [0])
  }
}
