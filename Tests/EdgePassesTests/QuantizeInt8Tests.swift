import EdgeCore
import EdgePasses
import EdgeReference
import Testing

@Suite struct QuantizeInt8Tests {
  /// x [1, 4] → FULLY_CONNECTED (weights [2, 4], bias [2]) → y [1, 2], with
  /// ranges x ∈ [−1, 3] and y ∈ [−2, 6], worked by hand:
  /// x: scale 4/255, zero point round(−128 + 1·255/4) = round(−64.25) = −64;
  /// y: scale 8/255, zero point round(−128 + 2·255/8) = round(−64.25) = −64;
  /// weights: max|w| per row 1 and 2 → scales 1/127 and 2/127;
  /// bias: 0.1 / (4/255 · 1/127) = 809.6 → 810, −0.2 / (4/255 · 2/127) → −810.
  @Test func fullyConnectedByHand() throws {
    let weights: [Float] = [0.5, -1, 0.25, 0, 2, 1, -0.5, 0.127]
    let graph = Graph(
      name: "fc",
      tensors: [
        Tensor(name: "x", type: .float32, shape: Shape([1, 4])),
        Tensor(name: "w", type: .float32, shape: Shape([2, 4]), data: TensorValue(floats: weights, shape: Shape([2, 4])).bytes),
        Tensor(name: "b", type: .float32, shape: Shape([2]), data: TensorValue(floats: [0.1, -0.2], shape: Shape([2])).bytes),
        Tensor(name: "y", type: .float32, shape: Shape([1, 2])),
      ],
      operators: [Operator(kind: .fullyConnected, inputs: [0, 1, 2], outputs: [3], options: .fullyConnected(FullyConnectedOptions()))],
      inputs: [0], outputs: [3])
    let (q, records) = try PassManager([QuantizeInt8(ranges: [0: -1...3, 3: -2...6])]).run(graph)
    #expect(records.map(\.rewrites) == [4])  // two activations, weights, bias
    #expect(q.operators.map(\.kind) == [.quantize, .fullyConnected, .dequantize])
    #expect(q.inputs == [0] && q.outputs == [3])
    #expect(q.tensors[0].type == .float32 && q.tensors[3].type == .float32)
    let x8 = q.operators[0].outputs[0], y8 = q.operators[1].outputs[0]
    #expect(q.operators[1].inputs == [x8, 1, 2] && q.operators[2].inputs == [y8])
    #expect(q.tensors[x8].quantization == Quantization(scale: Float(4.0 / 255), zeroPoint: -64))
    #expect(q.tensors[y8].quantization == Quantization(scale: Float(8.0 / 255), zeroPoint: -64))
    #expect(q.tensors[1].quantization == Quantization(scales: [1.0 / 127, 2.0 / 127], zeroPoints: [0, 0], axis: 0))
    #expect(TensorValue(type: .int8, shape: Shape([8]), bytes: q.tensors[1].data ?? []).elements(as: Int8.self)
      == [64, -127, 32, 0, 127, 64, -32, 8])
    #expect(q.tensors[2].type == .int32)
    #expect(TensorValue(type: .int32, shape: Shape([2]), bytes: q.tensors[2].data ?? []).elements(as: Int32.self) == [810, -810])
    // The int8 graph runs: x = [1, 2, −1, 0.5] gives y ≈ [−1.65, 4.36] in float.
    let y = try ReferenceInterpreter(graph: q).run([TensorValue(floats: [1, 2, -1, 0.5], shape: Shape([1, 4]))])
    let expected: [Float] = [0.5 - 2 - 0.25 + 0.1, 2 + 2 + 0.5 + 0.0635 - 0.2]
    for (got, want) in zip(y[0].floats, expected) { #expect(abs(got - want) < 0.06, "\(got) vs \(want)") }
  }

  /// RESHAPE ties its input and output; SOFTMAX fixes its output at 1/256,
  /// −128 whatever its range; a LOGISTIC output fed to CONCATENATION keeps
  /// 1/256 and is requantized to the concatenation's shared quantization.
  @Test func tiedAndFixedQuantizations() throws {
    let s = Shape([1, 4])
    let graph = Graph(
      name: "ties",
      tensors: [
        Tensor(name: "x", type: .float32, shape: s), Tensor(name: "r", type: .float32, shape: s),
        Tensor(name: "p", type: .float32, shape: s), Tensor(name: "l", type: .float32, shape: s),
        Tensor(name: "c", type: .float32, shape: Shape([1, 8])),
      ],
      operators: [
        Operator(kind: .reshape, inputs: [0], outputs: [1], options: .reshape(newShape: [1, 4])),
        Operator(kind: .softmax, inputs: [1], outputs: [2], options: .softmax(beta: 1)),
        Operator(kind: .logistic, inputs: [1], outputs: [3]),
        Operator(kind: .concatenation, inputs: [3, 1], outputs: [4], options: .concatenation(axis: 1, activation: .none)),
      ],
      inputs: [0], outputs: [2, 4])
    let ranges: [TensorID: ClosedRange<Float>] = [0: -2...1, 1: -1...3, 2: 0...0.9, 3: 0...1, 4: -1...3]
    let (q, _) = try PassManager([QuantizeInt8(ranges: ranges)]).run(graph)
    #expect(q.operators.map(\.kind) == [.quantize, .reshape, .softmax, .dequantize, .logistic, .quantize, .concatenation, .dequantize])
    let shared = Quantization(scale: Float(5.0 / 255), zeroPoint: Int64((-128 + 2 * 255 / 5.0).rounded()))
    #expect(shared.zeroPoint == -26)
    #expect(q.tensors[q.operators[0].outputs[0]].quantization == shared)  // x, r and c: [−2, 3]
    #expect(q.tensors[1].quantization == shared)
    #expect(q.tensors[q.operators[2].outputs[0]].quantization == Quantization(scale: 1.0 / 256, zeroPoint: -128))
    #expect(q.tensors[3].quantization == Quantization(scale: 1.0 / 256, zeroPoint: -128))
    #expect(q.operators[5].inputs == [3])
    #expect(q.tensors[q.operators[5].outputs[0]].quantization == shared)
    #expect(q.tensors[q.operators[6].outputs[0]].quantization == shared)
  }

  /// Float16 weights behind DEQUANTIZE become float32 constants.
  @Test func float16WeightsFold() throws {
    let halves: [UInt16] = [0x3c00, 0xc000, 0x3800]  // 1, −2, 0.5
    let graph = Graph(
      name: "f16",
      tensors: [
        Tensor(name: "x", type: .float32, shape: Shape([3])),
        Tensor(name: "h", type: .float16, shape: Shape([3]), data: TensorValue(halves, type: .float16, shape: Shape([3])).bytes),
        Tensor(name: "c", type: .float32, shape: Shape([3])),
        Tensor(name: "y", type: .float32, shape: Shape([3])),
      ],
      operators: [
        Operator(kind: .dequantize, inputs: [1], outputs: [2]),
        Operator(kind: .add, inputs: [0, 2], outputs: [3], options: .activation(.none)),
      ],
      inputs: [0], outputs: [3])
    let prepared = try QuantizeInt8.prepare(graph)
    #expect(prepared.operators.map(\.kind) == [.add])
    #expect(TensorValue(type: .float32, shape: Shape([3]), bytes: prepared.tensors[2].data ?? []).floats == [1, -2, 0.5])
  }

  @Test func alreadyQuantizedModelsAreRefused() throws {
    let graph = Graph(
      name: "q",
      tensors: [
        Tensor(name: "x", type: .float32, shape: Shape([2])),
        Tensor(name: "y", type: .int8, shape: Shape([2]), quantization: Quantization(scale: 0.1, zeroPoint: 0)),
      ],
      operators: [Operator(kind: .quantize, inputs: [0], outputs: [1])], inputs: [0], outputs: [1])
    #expect(throws: EdgeError.self) { try QuantizeInt8(ranges: [:]).run(on: graph) }
  }
}
