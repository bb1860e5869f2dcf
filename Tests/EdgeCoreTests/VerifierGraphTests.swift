import EdgeCore
import Testing

/// A tensor for hand-built graphs; `constant` fills it with zero bytes.
func tensor(
  _ name: String, _ dims: [Int], _ type: DataType = .float32, q: Quantization? = nil, constant: Bool = false
) -> Tensor {
  Tensor(
    name: name, type: type, shape: Shape(dims), quantization: q,
    data: constant ? [UInt8](repeating: 0, count: dims.reduce(1, *) * type.byteSize) : nil)
}

func int32Constant(_ name: String, _ values: [Int32], dims: [Int]? = nil) -> Tensor {
  var t = tensor(name, dims ?? [values.count], .int32)
  t.data = values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> (8 * UInt32($0))) } }
  return t
}

func verifyError(_ graph: Graph) -> EdgeError? {
  do {
    try verify(graph)
    return nil
  } catch let error as EdgeError {
    return error
  } catch {
    Issue.record("not an EdgeError: \(error)")
    return nil
  }
}

/// input [1,5,5,2] → CONV_2D (4 filters 3×3, SAME, stride 1) → [1,5,5,4] → ADD with itself → [1,5,5,4].
func convGraph() -> Graph {
  Graph(
    name: "g",
    tensors: [
      tensor("in", [1, 5, 5, 2]), tensor("w", [4, 3, 3, 2], constant: true), tensor("b", [4], constant: true),
      tensor("conv", [1, 5, 5, 4]), tensor("sum", [1, 5, 5, 4]),
    ],
    operators: [
      Operator(
        kind: .conv2D, inputs: [0, 1, 2], outputs: [3],
        options: .conv2D(Conv2DOptions(padding: .same, strideH: 1, strideW: 1))),
      Operator(kind: .add, inputs: [3, 3], outputs: [4], options: .activation(.none)),
    ],
    inputs: [0], outputs: [4])
}

/// Graph-level checks: tensors, references, data flow, outputs.
@Suite struct VerifierGraphTests {
  @Test func validGraphVerifies() throws {
    try verify(convGraph())
  }

  @Test func cycleOrOutOfOrderRead() {
    var g = convGraph()
    g.operators[0].inputs[0] = 4
    let error = verifyError(g)
    #expect(error?.kind == .invalidGraph)
    #expect(error?.message == "cycle or out-of-order: op 0 (CONV_2D) reads tensor 4 'sum' which op 1 (ADD) writes")
    #expect(error?.location == ErrorLocation(opIndex: 0, opName: "CONV_2D", tensorIndex: 4, tensorName: "sum"))
  }

  @Test func opReadingItsOwnOutput() {
    var g = convGraph()
    g.operators[1].inputs = [3, 4]
    #expect(verifyError(g)?.message == "cycle or out-of-order: op 1 (ADD) reads tensor 4 'sum' which it writes itself")
  }

  @Test func tensorWrittenTwice() {
    var g = convGraph()
    g.operators[1].outputs = [3]
    let error = verifyError(g)
    #expect(error?.message == "op 1 (ADD) writes tensor 3 'conv', which op 0 (CONV_2D) already writes")
    #expect(error?.location.tensorIndex == 3)
  }

  @Test func constantOrGraphInputWritten() {
    var g = convGraph()
    g.operators[1].outputs = [1]
    #expect(verifyError(g)?.message == "op 1 (ADD) writes tensor 1 'w', which is a constant")
    g.operators[1].outputs = [0]
    #expect(verifyError(g)?.message == "op 1 (ADD) writes tensor 0 'in', which is a graph input")
  }

  @Test func readOfATensorNothingProduces() {
    var g = convGraph()
    g.inputs = []
    #expect(
      verifyError(g)?.message
        == "op 0 (CONV_2D) reads tensor 0 'in', which no op writes and which is neither a graph input, a constant nor a variable")
    g.tensors[0].isVariable = true
    #expect(verifyError(g) == nil)
  }

  @Test func graphOutputNobodyWrites() {
    var g = convGraph()
    g.tensors.append(tensor("dangling", [1]))
    g.outputs = [5]
    #expect(
      verifyError(g)?.message
        == "tensor 5 'dangling' is graph output 0, but no op writes it and it is neither a graph input nor a constant")
  }

  @Test func idsOutOfRange() {
    var g = convGraph()
    g.operators[1].inputs = [3, 9]
    #expect(verifyError(g)?.message == "op 1 (ADD) reads tensor 9 as input 1, but the graph has 5 tensors")
    g = convGraph()
    g.outputs = [-1]
    #expect(verifyError(g)?.message == "graph output 0 refers to tensor -1, but the graph has 5 tensors")
  }

  @Test func constantDataOfTheWrongSize() {
    var g = convGraph()
    g.tensors[2].data = [0, 0, 0]
    let error = verifyError(g)
    #expect(error?.message == "tensor 2 'b' has 3 bytes of constant data, but its shape [4] of float32 needs 16 bytes")
    #expect(error?.location.tensorIndex == 2)
  }

  @Test func shapesThatDoNotFit() {
    var g = convGraph()
    g.tensors[4].shape = Shape([1, -5, 5, 4])
    #expect(verifyError(g)?.message == "tensor 4 'sum' has shape [1, -5, 5, 4] with dimension -5 outside 0...2147483647")
    g.tensors[4].shape = Shape([2_147_483_647, 2_147_483_647, 2_147_483_647])
    #expect(verifyError(g)?.message == "tensor 4 'sum' has shape [2147483647, 2147483647, 2147483647] whose byte size overflows a 64-bit integer")
  }

  @Test func quantizationThatDoesNotMatchTheShape() {
    var g = convGraph()
    g.tensors[1].quantization = Quantization(scales: [1, 2, 3], zeroPoints: [0, 0, 0], axis: 0)
    #expect(
      verifyError(g)?.message
        == "tensor 1 'w' has 3 quantization scales, but its shape [4, 3, 3, 2] has 4 channels along the quantized axis 0")
    g.tensors[1].quantization = Quantization(scales: [1, 2, 3, 4], zeroPoints: [0, 0, 0, 0], axis: 4)
    #expect(verifyError(g)?.message == "tensor 1 'w' is quantized per axis along axis 4, but its shape [4, 3, 3, 2] has rank 4")
    g.tensors[1].quantization = Quantization(scales: [1, 2], zeroPoints: [0], axis: 0)
    #expect(verifyError(g)?.message == "tensor 1 'w' has 2 quantization scales but 1 zero points")
    g.tensors[1].quantization = Quantization(scale: .nan, zeroPoint: 0)
    #expect(verifyError(g)?.message == "tensor 1 'w' has quantization scale nan; scales must be finite and not negative")
  }

  @Test func zeroPointOutsideTheTypeRange() {
    var g = convGraph()
    g.tensors[0] = tensor("in", [1, 5, 5, 2], .int8, q: Quantization(scale: 0.5, zeroPoint: 200))
    #expect(verifyError(g)?.message == "tensor 0 'in' has zero point 200, outside the int8 range -128...127")
  }

  @Test func unsupportedOperatorsSkipPerOperatorChecks() throws {
    var g = convGraph()
    g.operators[1] = Operator(kind: .other("TANH"), inputs: [3, nil, 2], outputs: [4])
    try verify(g)
  }
}
