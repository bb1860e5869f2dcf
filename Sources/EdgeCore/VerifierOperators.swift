/// Per-operator checks of `verify(_:)`: one function per operator kind (in
/// VerifierOperatorChecks.swift) built from the small assertions below, each
/// of which throws a message naming the operator and the tensor. Runs after
/// the graph-level checks, so every tensor id is in range and every shape's
/// size fits an Int.
struct OperatorVerifier {
  let graph: Graph
  let index: Int

  var op: Operator { graph.operators[index] }

  /// An operand: a tensor in a named role ("filter", "input 1").
  struct Operand {
    let id: TensorID
    let tensor: Tensor
    let role: String
    var shape: Shape { tensor.shape }
    var dims: [Int] { tensor.shape.dims }
    var type: DataType { tensor.type }
  }

  func verify() throws {
    switch op.kind {
    case .conv2D: try verifyConv2D()
    case .depthwiseConv2D: try verifyDepthwiseConv2D()
    case .fullyConnected: try verifyFullyConnected()
    case .averagePool2D, .maxPool2D: try verifyPool2D()
    case .add, .mul: try verifyElementwise()
    case .mean: try verifyMean()
    case .softmax: try verifySoftmax()
    case .logistic: try verifyLogistic()
    case .reshape: try verifyReshape()
    case .pad: try verifyPad()
    case .concatenation: try verifyConcatenation()
    case .quantize: try verifyQuantize()
    case .dequantize: try verifyDequantize()
    case .shape, .rank, .stridedSlice, .slice, .pack, .unpack, .gather, .reduceProd, .cast, .squeeze, .expandDims,
      .fill, .div, .floorDiv, .floorMod, .maximum, .minimum:
      try verifyCompileTimeOperator()
    case .sub, .squaredDifference: try verifyElementwise()
    case .neg, .rsqrt, .gelu, .hardSwish: try verifyLogistic()
    case .batchMatMul: try verifyBatchMatMul()
    case .transpose: try verifyTranspose()
    case .split, .splitV: try verifySplit()
    case .readVariable: try verifyReadVariable()
    case .assignVariable: try verifyAssignVariable()
    case .other: return
    }
    switch op.fusedActivation {
    case .tanh, .signBit:
      throw failure("fused activation \(op.fusedActivation.rawValue) is not supported", kind: .unsupported)
    default: return
    }
  }

  // MARK: Errors

  func describe(_ operand: Operand) -> String { "\(operand.role) \(graph.describe(tensor: operand.id))" }

  func failure(_ message: String, _ operand: Operand? = nil, kind: EdgeError.Kind = .invalidGraph) -> EdgeError {
    EdgeError(
      kind, "\(graph.describe(op: index)): \(message)",
      at: ErrorLocation(
        opIndex: index, opName: op.kind.name, tensorIndex: operand?.id, tensorName: operand?.tensor.name))
  }

  // MARK: Operands

  func arity(inputs: ClosedRange<Int>, outputs: Int = 1) throws {
    guard inputs.contains(op.inputs.count) else {
      let expected = inputs.count == 1 ? "\(inputs.lowerBound)" : "\(inputs.lowerBound) to \(inputs.upperBound)"
      throw failure("has \(op.inputs.count) inputs, expected \(expected)")
    }
    guard op.outputs.count == outputs else { throw failure("has \(op.outputs.count) outputs, expected \(outputs)") }
  }

  func input(_ i: Int, _ role: String) throws -> Operand {
    guard let operand = optionalInput(i, role) else { throw failure("\(role) (input \(i)) is absent") }
    return operand
  }

  func optionalInput(_ i: Int, _ role: String) -> Operand? {
    guard i < op.inputs.count, let id = op.inputs[i] else { return nil }
    return Operand(id: id, tensor: graph.tensors[id], role: role)
  }

  func output(_ i: Int = 0) -> Operand {
    Operand(id: op.outputs[i], tensor: graph.tensors[op.outputs[i]], role: "output")
  }

  // MARK: Assertions

  func rank(_ operand: Operand, _ expected: Int) throws {
    guard operand.shape.rank == expected else {
      throw failure(
        "\(describe(operand)) has shape \(operand.shape) of rank \(operand.shape.rank), expected rank \(expected)",
        operand)
    }
  }

  func type(_ operand: Operand, _ allowed: [DataType], kind: EdgeError.Kind = .invalidGraph) throws {
    guard allowed.contains(operand.type) else {
      throw failure("\(describe(operand)) is \(operand.type.rawValue), expected "
          + allowed.map(\.rawValue).joined(separator: " or "), operand, kind: kind)
    }
  }

  /// The element type of an operator's main input: float32 or int8. Other
  /// types are valid TFLite but not implemented by edgec.
  func computeType(_ operand: Operand) throws -> DataType {
    try type(operand, [.float32, .int8], kind: .unsupported)
    return operand.type
  }

  func quantization(_ operand: Operand) throws -> Quantization {
    guard let q = operand.tensor.quantization else {
      throw failure("\(describe(operand)) is \(operand.type.rawValue) but has no quantization parameters", operand)
    }
    return q
  }

  /// An int8 activation: quantized per tensor with a positive scale.
  func activationQuantization(_ operand: Operand) throws -> Quantization {
    let q = try quantization(operand)
    guard !q.isPerAxis, q.scale > 0 else {
      throw failure("\(describe(operand)) must be quantized per tensor with a positive scale "
          + "(has \(q.scales.count) scale\(q.scales.count == 1 ? "" : "s"), first \(q.scale))", operand)
    }
    return q
  }

  /// Per-tensor, or per-axis along `axis` with one scale per channel.
  func channelQuantization(_ operand: Operand, axis: Int, channels: Int) throws {
    let q = try quantization(operand)
    guard q.scales.count == 1 || (q.scales.count == channels && q.axis == axis) else {
      throw failure(
        "\(describe(operand)) has \(q.scales.count) quantization scales along axis \(q.axis), expected 1 or "
          + "\(channels) (one per output channel) along axis \(axis)", operand)
    }
  }

  func shape(_ operand: Operand, _ expected: [Int], _ because: String) throws {
    guard operand.dims == expected else {
      throw failure("\(describe(operand)) has shape \(operand.shape), but \(because) \(Shape(expected))", operand)
    }
  }

  func sameShape(_ a: Operand, _ b: Operand) throws {
    try shape(b, a.dims, "its \(a.role) has shape")
  }

  func sameType(_ a: Operand, _ b: Operand) throws {
    guard a.type == b.type else {
      throw failure("\(describe(b)) is \(b.type.rawValue), but \(describe(a)) is \(a.type.rawValue)", b)
    }
  }

  /// Identical scale and zero point, for kernels that pass int8 values
  /// through unchanged (pooling) and so ignore the output's parameters.
  func sameQuantization(_ a: Operand, _ b: Operand) throws {
    let qa = try activationQuantization(a)
    let qb = try activationQuantization(b)
    guard abs(qa.scale - qb.scale) <= 1e-6 * max(qa.scale, qb.scale), qa.zeroPoint == qb.zeroPoint else {
      throw failure("\(describe(b)) has scale \(qb.scale) and zero point \(qb.zeroPoint), but this operator needs the "
          + "same as \(describe(a)) (scale \(qa.scale), zero point \(qa.zeroPoint))", b)
    }
  }

  /// A window size, stride or dilation: at least 1 (TFLite's schema default
  /// of 0 for an absent field lands here) and at most int32's range.
  func positive(_ value: Int, _ name: String) throws {
    guard value >= 1 && value <= maxDimension else {
      throw failure("\(name) is \(value), must be between 1 and \(maxDimension)")
    }
  }

  /// The constant integer elements (int32 or int64) of `operand`.
  func constantIntegers(_ operand: Operand) throws -> [Int] {
    guard let data = operand.tensor.data else {
      throw failure("\(describe(operand)) must be a constant", operand, kind: .unsupported)
    }
    let width: Int
    switch operand.type {
    case .int32: width = 4
    case .int64: width = 8
    default: throw failure("\(describe(operand)) is \(operand.type.rawValue), expected int32 or int64", operand)
    }
    return stride(from: 0, to: data.count, by: width).map { start in
      var value: UInt64 = 0
      for k in 0..<width { value |= UInt64(data[start + k]) << (8 * UInt64(k)) }
      return width == 4 ? Int(Int32(truncatingIfNeeded: value)) : Int(Int64(bitPattern: value))
    }
  }
}
