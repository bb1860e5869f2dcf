import EdgeCore
import EdgePasses
import EdgeReference
import Testing

@Suite struct FoldRequantizeTests {
  /// x → DEQUANTIZE → QUANTIZE (same scale and zero point) → LOGISTIC, and
  /// x → QUANTIZE (same parameters) → LOGISTIC: every int8 value gives the
  /// same output with the identity ops removed.
  @Test(arguments: [true, false])
  func identityRequantizationsGoAndTheBytesStay(_ throughFloat: Bool) throws {
    let q = Quantization(scales: [0.037], zeroPoints: [-5])
    let out = Quantization(scales: [1.0 / 256], zeroPoints: [-128])
    var tensors = [Tensor(name: "x", type: .int8, shape: Shape([1, 256]), quantization: q)]
    var ops: [Operator] = []
    if throughFloat {
      tensors.append(Tensor(name: "f", type: .float32, shape: Shape([1, 256])))
      ops.append(Operator(kind: .dequantize, inputs: [0], outputs: [1]))
    }
    let source = tensors.count - 1
    tensors.append(Tensor(name: "z", type: .int8, shape: Shape([1, 256]), quantization: q))
    ops.append(Operator(kind: .quantize, inputs: [source], outputs: [source + 1]))
    tensors.append(Tensor(name: "y", type: .int8, shape: Shape([1, 256]), quantization: out))
    ops.append(Operator(kind: .logistic, inputs: [source + 1], outputs: [source + 2]))
    let graph = Graph(name: "rq", tensors: tensors, operators: ops, inputs: [0], outputs: [source + 2])
    try verify(graph)
    let (folded, records) = try PassManager([FoldRequantize()]).run(graph)
    #expect(records.map(\.rewrites) == [throughFloat ? 2 : 1])
    #expect(folded.operators.map(\.kind) == [.logistic])
    #expect(folded.operators[0].inputs == [0])
    let x = TensorValue((-128...127).map { Int8($0) }, type: .int8, shape: Shape([1, 256]))
    #expect(try ReferenceInterpreter(graph: folded).run([x]) == ReferenceInterpreter(graph: graph).run([x]))
  }

  @Test func aRealRequantizationStays() throws {
    let graph = Graph(
      name: "rq",
      tensors: [
        Tensor(name: "x", type: .int8, shape: Shape([4]), quantization: Quantization(scales: [0.5], zeroPoints: [0])),
        Tensor(name: "z", type: .int8, shape: Shape([4]), quantization: Quantization(scales: [0.25], zeroPoints: [0])),
        Tensor(name: "y", type: .int8, shape: Shape([4]), quantization: Quantization(scales: [1.0 / 256], zeroPoints: [-128])),
      ],
      operators: [
        Operator(kind: .quantize, inputs: [0], outputs: [1]), Operator(kind: .logistic, inputs: [1], outputs: [2]),
      ],
      inputs: [0], outputs: [2])
    let (_, records) = try PassManager([FoldRequantize()]).run(graph)
    #expect(records.map(\.rewrites) == [0])
  }
}
