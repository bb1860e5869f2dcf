import EdgeCore
import EdgePasses
import EdgeReference
import Testing

/// p = PAD(x); y = CONV_2D or DEPTHWISE_CONV_2D(p), int8, built in Swift.
func padThenConv(
  seed: UInt64, depthwise: Bool, padding: Padding, amounts: [Int32], stride: Int = 1
) -> Graph {
  var rng = SplitMix(seed: seed)
  let (h, w, c) = (6, 7, 4)
  func q(_ scale: Float, _ zp: Int64) -> Quantization { Quantization(scales: [scale], zeroPoints: [zp]) }
  let padded = [1, h + Int(amounts[2] + amounts[3]), w + Int(amounts[4] + amounts[5]), c]
  let filterShape = depthwise ? [1, 3, 3, c] : [c, 3, 3, c]
  let filterBytes = (0..<filterShape.reduce(1, *)).map { _ in UInt8(truncatingIfNeeded: rng.next() % 255) }
  let channelScales = (0..<c).map { Float($0 + 1) * 0.004 }
  func out(_ size: Int) -> Int { padding == .same ? (size + stride - 1) / stride : (size - 3) / stride + 1 }
  let tensors = [
    Tensor(name: "x", type: .int8, shape: Shape([1, h, w, c]), quantization: q(0.05, 9)),
    Tensor(
      name: "paddings", type: .int32, shape: Shape([4, 2]),
      data: amounts.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> (8 * $0)) } }),
    Tensor(name: "p", type: .int8, shape: Shape(padded), quantization: q(0.05, 9)),
    Tensor(
      name: "w", type: .int8, shape: Shape(filterShape),
      quantization: Quantization(scales: channelScales, zeroPoints: [Int64](repeating: 0, count: c), axis: depthwise ? 3 : 0),
      data: filterBytes),
    Tensor(name: "y", type: .int8, shape: Shape([1, out(padded[1]), out(padded[2]), c]), quantization: q(0.06, -4)),
  ]
  let options: OperatorOptions =
    depthwise
    ? .depthwiseConv2D(DepthwiseConv2DOptions(padding: padding, strideH: stride, strideW: stride, activation: .relu6))
    : .conv2D(Conv2DOptions(padding: padding, strideH: stride, strideW: stride, activation: .relu6))
  return Graph(
    name: "padconv", tensors: tensors,
    operators: [
      Operator(kind: .pad, inputs: [0, 1], outputs: [2]),
      Operator(kind: depthwise ? .depthwiseConv2D : .conv2D, inputs: [2, 3, nil], outputs: [4], options: options),
    ],
    inputs: [0], outputs: [4])
}

@Suite struct FoldPadTests {
  static let cases: [(depthwise: Bool, padding: Padding, amounts: [Int32], stride: Int)] = [
    (false, .valid, [0, 0, 1, 1, 1, 1, 0, 0], 1),
    (true, .valid, [0, 0, 0, 1, 0, 1, 0, 0], 2),
    (false, .same, [0, 0, 2, 0, 1, 3, 0, 0], 2),
    (true, .same, [0, 0, 1, 2, 0, 0, 0, 0], 1),
    (true, .valid, [0, 0, 4, 0, 0, 5, 0, 0], 1),
  ]

  @Test(arguments: cases.indices)
  func foldedPadComputesTheSameBytes(_ index: Int) throws {
    let c = Self.cases[index]
    let graph = padThenConv(seed: UInt64(index + 1), depthwise: c.depthwise, padding: c.padding, amounts: c.amounts, stride: c.stride)
    try verify(graph)
    let (folded, records) = try PassManager([FoldPad()]).run(graph)
    #expect(records.map(\.rewrites) == [1])
    #expect(folded.operators.map(\.kind) == [c.depthwise ? .depthwiseConv2D : .conv2D])
    #expect(folded.operators[0].inputs.first == 0)
    let before = try ReferenceInterpreter(graph: graph)
    let after = try ReferenceInterpreter(graph: folded)
    var rng = SplitMix(seed: UInt64(50 + index))
    for _ in 0..<10 {
      let x = TensorValue(
        (0..<graph.tensors[0].elementCount).map { _ in Int8(truncatingIfNeeded: rng.next()) }, type: .int8,
        shape: graph.tensors[0].shape)
      #expect(try after.run([x]) == before.run([x]))
    }
  }

  @Test func padReadElsewhereStays() throws {
    var graph = padThenConv(seed: 9, depthwise: false, padding: .valid, amounts: [0, 0, 1, 1, 1, 1, 0, 0])
    graph.outputs = [4, 2]
    try verify(graph)
    let (_, records) = try PassManager([FoldPad()]).run(graph)
    #expect(records.map(\.rewrites) == [0])
  }
}
