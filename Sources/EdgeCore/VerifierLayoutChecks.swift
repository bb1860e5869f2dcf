/// Checks of the element-wise, reduction, activation, layout and type
/// conversion operators.
extension OperatorVerifier {
  /// ADD and MUL: numpy broadcasting of the two inputs gives the output shape.
  /// int32 and int64 are shape arithmetic, which FoldConstants evaluates when
  /// the inputs are constants.
  func verifyElementwise() throws {
    try arity(inputs: 2...2)
    let (a, b, out) = (try input(0, "input 0"), try input(1, "input 1"), output())
    let t = [.int32, .int64].contains(a.type) ? a.type : try computeType(a)
    try sameType(a, b)
    try sameType(a, out)
    if t == .int8 { for operand in [a, b, out] { _ = try activationQuantization(operand) } }
    let rank = max(a.shape.rank, b.shape.rank)
    let padA = Array(repeating: 1, count: rank - a.shape.rank) + a.dims
    let padB = Array(repeating: 1, count: rank - b.shape.rank) + b.dims
    var expected: [Int] = []
    for (x, y) in zip(padA, padB) {
      guard x == y || x == 1 || y == 1 else {
        throw failure(
          "\(describe(a)) with shape \(a.shape) and \(describe(b)) with shape \(b.shape) do not broadcast", b)
      }
      expected.append(x == 1 ? y : x)
    }
    try shape(out, expected, "broadcasting the inputs gives")
  }

  /// MEAN: reduces the constant axes; keep_dims keeps them as 1.
  func verifyMean() throws {
    guard case .reducer(let keepDims) = op.options else { throw failure("has no ReducerOptions") }
    try arity(inputs: 2...2)
    let (input, axes, out) = (try input(0, "input"), try input(1, "axis"), output())
    let t = try computeType(input)
    try sameType(input, out)
    if t == .int8 { for operand in [input, out] { _ = try activationQuantization(operand) } }
    try type(axes, [.int32])
    var reduced = Set<Int>()
    for axis in try constantIntegers(axes) {
      guard let normalized = input.shape.normalizedAxis(axis), input.shape.rank > 0 else {
        throw failure("axis \(axis) is out of range for \(describe(input)) of rank \(input.shape.rank)", axes)
      }
      reduced.insert(normalized)
    }
    let expected = input.dims.enumerated().compactMap { axis, dim -> Int? in
      reduced.contains(axis) ? (keepDims ? 1 : nil) : dim
    }
    try shape(out, expected, "reducing axes \(reduced.sorted()) gives")
  }

  /// SOFTMAX: same shape; int8 input gives int8 (or int16) output.
  func verifySoftmax() throws {
    try arity(inputs: 1...1)
    let (input, out) = (try input(0, "input"), output())
    let t = try computeType(input)
    guard input.shape.rank >= 1 else { throw failure("\(describe(input)) must have rank 1 or more", input) }
    try type(out, t == .int8 ? [.int8, .int16] : [.float32])
    try sameShape(input, out)
    if t == .int8 { for operand in [input, out] { _ = try activationQuantization(operand) } }
  }

  /// LOGISTIC: same shape and type.
  func verifyLogistic() throws {
    try arity(inputs: 1...1)
    let (input, out) = (try input(0, "input"), output())
    let t = try computeType(input)
    try sameType(input, out)
    try sameShape(input, out)
    if t == .int8 { for operand in [input, out] { _ = try activationQuantization(operand) } }
  }

  /// RESHAPE: same element type and element count; the optional shape input
  /// only restates the output shape.
  func verifyReshape() throws {
    try arity(inputs: 1...2)
    let (input, out) = (try input(0, "input"), output())
    try sameType(input, out)
    if let shapeInput = optionalInput(1, "shape") { try type(shapeInput, [.int32]) }
    guard input.tensor.elementCount == out.tensor.elementCount else {
      throw failure("\(describe(out)) has shape \(out.shape) (\(out.tensor.elementCount) elements), but "
          + "\(describe(input)) has shape \(input.shape) (\(input.tensor.elementCount) elements)", out)
    }
  }

  /// PAD: constant paddings [rank, 2] of non-negative (before, after) pairs.
  func verifyPad() throws {
    try arity(inputs: 2...2)
    let (input, paddings, out) = (try input(0, "input"), try input(1, "paddings"), output())
    try sameType(input, out)
    if input.type == .int8 { for operand in [input, out] { _ = try activationQuantization(operand) } }
    try shape(paddings, [input.shape.rank, 2], "for an input of rank \(input.shape.rank) it must be")
    let values = try constantIntegers(paddings)
    var expected: [Int] = []
    for (axis, dim) in input.dims.enumerated() {
      let (before, after) = (values[2 * axis], values[2 * axis + 1])
      guard before >= 0, after >= 0, before <= maxDimension, after <= maxDimension else {
        throw failure("paddings (\(before), \(after)) of axis \(axis) must be between 0 and \(maxDimension)", paddings)
      }
      expected.append(dim + before + after)
    }
    try shape(out, expected, "padding the input gives")
  }

  /// CONCATENATION: equal ranks, equal dimensions except along the axis,
  /// where the output is the sum.
  func verifyConcatenation() throws {
    guard case .concatenation(let axisOption, _) = op.options else { throw failure("has no ConcatenationOptions") }
    guard !op.inputs.isEmpty else { throw failure("has no inputs") }
    try arity(inputs: op.inputs.count...op.inputs.count)
    let out = output()
    let inputs = try op.inputs.indices.map { try input($0, "input \($0)") }
    guard let axis = out.shape.normalizedAxis(axisOption), out.shape.rank > 0 else {
      throw failure("axis \(axisOption) is out of range for \(describe(out)) of rank \(out.shape.rank)", out)
    }
    var total = 0
    for operand in inputs {
      try sameType(out, operand)
      if operand.type == .int8 { _ = try activationQuantization(operand) }
      try rank(operand, out.shape.rank)
      for (i, (x, y)) in zip(operand.dims, out.dims).enumerated() where i != axis && x != y {
        throw failure("\(describe(operand)) has shape \(operand.shape), which differs from \(describe(out)) "
          + "\(out.shape) outside the concatenation axis \(axis)", operand)
      }
      total += operand.dims[axis]
    }
    try shape(out, out.dims.enumerated().map { $0.offset == axis ? total : $0.element },
              "concatenating along axis \(axis) gives")
  }

  /// QUANTIZE: float32 (or an integer type, requantizing) to a quantized integer type.
  func verifyQuantize() throws {
    try arity(inputs: 1...1)
    let (input, out) = (try input(0, "input"), output())
    try type(input, [.float32, .int8, .uint8, .int16], kind: .unsupported)
    try type(out, [.int8, .uint8, .int16], kind: .unsupported)
    try sameShape(input, out)
    _ = try activationQuantization(out)
    if input.type != .float32 { _ = try activationQuantization(input) }
  }

  /// DEQUANTIZE: a quantized integer (or float16) tensor to float32.
  func verifyDequantize() throws {
    try arity(inputs: 1...1)
    let (input, out) = (try input(0, "input"), output())
    try type(input, [.int8, .uint8, .int16, .float16], kind: .unsupported)
    try type(out, [.float32])
    try sameShape(input, out)
    if input.type != .float16 { _ = try quantization(input) }
  }
}
