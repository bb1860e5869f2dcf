/// Checks of the transformer operators of issue 6 that move or multiply
/// whole tensors: BATCH_MATMUL, TRANSPOSE, SPLIT and SPLIT_V. (The
/// element-wise ones reuse `verifyElementwise` and `verifyLogistic`.)
extension OperatorVerifier {
  /// BATCH_MATMUL: [..., M, K] × [..., K, N] → [..., M, N], the batch axes
  /// broadcast as numpy does; adj_x / adj_y swap the last two axes of an input.
  func verifyBatchMatMul() throws {
    guard case .batchMatMul(let adjX, let adjY) = op.options else { throw failure("has no BatchMatMulOptions") }
    try arity(inputs: 2...2)
    let (x, y, out) = (try input(0, "input 0"), try input(1, "input 1"), output())
    let t = try computeType(x)
    try sameType(x, y)
    try sameType(x, out)
    if t == .int8 { for operand in [x, y, out] { _ = try activationQuantization(operand) } }
    for operand in [x, y] where !(2...5).contains(operand.shape.rank) {
      throw failure("\(describe(operand)) has rank \(operand.shape.rank), expected 2 to 5", operand)
    }
    let (xr, yr) = (x.dims.count, y.dims.count)
    let (m, kx) = adjX ? (x.dims[xr - 1], x.dims[xr - 2]) : (x.dims[xr - 2], x.dims[xr - 1])
    let (ky, n) = adjY ? (y.dims[yr - 1], y.dims[yr - 2]) : (y.dims[yr - 2], y.dims[yr - 1])
    guard kx == ky else {
      throw failure("\(describe(x)) has depth \(kx) (adj_x \(adjX)) but \(describe(y)) has depth \(ky) "
          + "(adj_y \(adjY)); the contracted axes must agree", y)
    }
    let batchX = Array(x.dims.dropLast(2)), batchY = Array(y.dims.dropLast(2))
    let rank = max(batchX.count, batchY.count)
    let padX = Array(repeating: 1, count: rank - batchX.count) + batchX
    let padY = Array(repeating: 1, count: rank - batchY.count) + batchY
    var expected: [Int] = []
    for (a, b) in zip(padX, padY) {
      guard a == b || a == 1 || b == 1 else {
        throw failure("the batch axes of \(describe(x)) and \(describe(y)) do not broadcast", y)
      }
      expected.append(a == 1 ? b : a)
    }
    try shape(out, expected + [m, n], "the product of the inputs has shape")
  }

  /// TRANSPOSE: a constant permutation of the input's axes.
  func verifyTranspose() throws {
    try arity(inputs: 2...2)
    let (input, perm, out) = (try input(0, "input"), try input(1, "perm"), output())
    try sameType(input, out)
    if input.type == .int8 { for operand in [input, out] { _ = try activationQuantization(operand) } }
    let values = try constantIntegers(perm)
    guard values.count == input.shape.rank, Set(values) == Set(0..<input.shape.rank) else {
      throw failure("perm \(values) is not a permutation of the \(input.shape.rank) axes of \(describe(input))", perm)
    }
    try shape(out, values.map { input.dims[$0] }, "permuting the input's axes by \(values) gives")
  }

  /// SPLIT (inputs: axis, input) and SPLIT_V (inputs: input, size_splits,
  /// axis): `count` outputs that cut the input along a constant axis.
  func verifySplit() throws {
    guard case .split(let count) = op.options else { throw failure("has no SplitOptions") }
    let isV = op.kind == .splitV
    guard count >= 1, op.outputs.count == count else {
      throw failure("num_splits is \(count) but the operator has \(op.outputs.count) outputs")
    }
    try arity(inputs: isV ? 3...3 : 2...2, outputs: count)
    let input = try input(isV ? 0 : 1, "input")
    let axisOperand = try self.input(isV ? 2 : 0, "axis")
    let axisValues = try constantIntegers(axisOperand)
    guard axisValues.count == 1, let axis = input.shape.normalizedAxis(axisValues[0]) else {
      throw failure("axis \(axisValues) is not one axis of \(describe(input)) of rank \(input.shape.rank)",
        axisOperand)
    }
    let dim = input.dims[axis]
    var sizes: [Int]
    if isV {
      let sizesOperand = try self.input(1, "size_splits")
      sizes = try constantIntegers(sizesOperand)
      let unknown = sizes.indices.filter { sizes[$0] == -1 }
      let known = sizes.filter { $0 != -1 }.reduce(0, +)
      guard sizes.count == count, unknown.count <= 1, sizes.allSatisfy({ $0 >= -1 }),
        unknown.isEmpty ? known == dim : known <= dim
      else {
        throw failure("size_splits \(sizes) do not cut axis \(axis) of size \(dim) into \(count) parts", sizesOperand)
      }
      if let u = unknown.first { sizes[u] = dim - known }
    } else {
      guard dim % count == 0 else {
        throw failure("axis \(axis) of \(describe(input)) has size \(dim), not divisible by num_splits \(count)", input)
      }
      sizes = Array(repeating: dim / count, count: count)
    }
    for (i, size) in sizes.enumerated() {
      let out = output(i)
      try sameType(input, out)
      if input.type == .int8 { _ = try activationQuantization(out) }
      var expected = input.dims
      expected[axis] = size
      try shape(out, expected, "part \(i) of the split has shape")
    }
  }
}
