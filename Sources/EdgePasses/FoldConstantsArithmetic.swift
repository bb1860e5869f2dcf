import EdgeCore

// Evaluators of arithmetic on constants: element-wise binary operators with
// numpy broadcasting, REDUCE_PROD and CAST. Integers wrap as TFLite's C++
// does on every target it runs on; float32 results are each one IEEE
// operation (or, for FLOOR_DIV, the double-precision floor TFLite computes),
// so they are bit-identical to the kernels.

extension FoldContext {
  /// ADD, SUB, MUL, DIV, FLOOR_DIV, FLOOR_MOD, MAXIMUM, MINIMUM.
  func evaluateBinary() throws -> [TensorValue] {
    let (a, b) = (try value(0), try value(1))
    try requireUnquantized()
    let (dims, indexA, indexB) = try broadcast(a.shape.dims, b.shape.dims)
    let shape = try expectShape(dims)
    let activation = op.fusedActivation
    let type = output().type
    if let x = a.integers, let y = b.integers {
      let range = integerRange(activation)
      // Wrapped to the element type first, then clamped, as the C++ computes.
      let values = try zip(indexA, indexB).map { i, j -> Int64 in
        let v = TensorValue(integers: [try integer(x[i], y[j])], type: type, shape: Shape([])).integers?[0] ?? 0
        return Swift.min(Swift.max(v, range.lowerBound), range.upperBound)
      }
      return [TensorValue(integers: values, type: type, shape: shape)]
    }
    guard a.type == .float32 else { throw error("cannot evaluate \(op.kind.name) on \(a.type.rawValue)") }
    let (x, y) = (a.floats, b.floats)
    let range = floatRange(activation)
    let values = try zip(indexA, indexB).map { i, j in stdMin(stdMax(try float(x[i], y[j]), range.min), range.max) }
    return [TensorValue(floats: values, shape: shape)]
  }

  /// Arithmetic on the raw values is only right for unquantized tensors.
  func requireUnquantized() throws {
    let ids = op.inputs.compactMap { $0 } + op.outputs
    if let id = ids.first(where: { graph.tensors[$0].quantization != nil }) {
      throw error(
        "cannot evaluate \(op.kind.name) on quantized tensor '\(graph.tensors[id].name)'; edgec folds it on "
          + "unquantized int32, int64 and float32 constants")
    }
  }

  private func integer(_ x: Int64, _ y: Int64) throws -> Int64 {
    switch op.kind {
    case .add: return x &+ y
    case .sub: return x &- y
    case .mul: return x &* y
    case .maximum: return max(x, y)
    case .minimum: return min(x, y)
    case .div, .floorDiv, .floorMod:
      guard y != 0 else { throw error("divides \(x) by zero") }
      guard !(y == -1 && x == Int64.min) else { throw error("divides \(x) by -1, which overflows") }
      let (quotient, remainder) = x.quotientAndRemainder(dividingBy: y)
      let signsDiffer = remainder != 0 && (remainder < 0) != (y < 0)
      switch op.kind {
      case .div: return quotient
      case .floorDiv: return signsDiffer ? quotient - 1 : quotient
      default: return signsDiffer ? remainder + y : remainder
      }
    default: throw error("is not an arithmetic operator")
    }
  }

  private func float(_ x: Float, _ y: Float) throws -> Float {
    switch op.kind {
    case .add: return x + y
    case .sub: return x - y
    case .mul: return x * y
    case .div: return x / y
    case .maximum: return stdMax(x, y)
    case .minimum: return stdMin(x, y)
    case .floorDiv: return Float((Double(x) / Double(y)).rounded(.down))
    case .floorMod:
      let remainder = x.truncatingRemainder(dividingBy: y)
      return remainder != 0 && (remainder < 0) != (y < 0) ? remainder + y : remainder
    default: throw error("is not an arithmetic operator")
    }
  }

  /// std::max and std::min, whose NaN behaviour differs from Swift's.
  private func stdMax(_ a: Float, _ b: Float) -> Float { a < b ? b : a }
  private func stdMin(_ a: Float, _ b: Float) -> Float { b < a ? b : a }

  /// The clamp of a fused activation on integers, as TFLite's
  /// CalculateActivationRange for int32 and int64.
  private func integerRange(_ activation: FusedActivation) -> ClosedRange<Int64> {
    switch activation {
    case .relu: return 0...Int64.max
    case .relu6: return 0...6
    case .reluN1To1: return -1...1
    default: return Int64.min...Int64.max
    }
  }

  private func floatRange(_ activation: FusedActivation) -> (min: Float, max: Float) {
    switch activation {
    case .relu: return (0, .greatestFiniteMagnitude)
    case .relu6: return (0, 6)
    case .reluN1To1: return (-1, 1)
    default: return (-.greatestFiniteMagnitude, .greatestFiniteMagnitude)
    }
  }

  /// Numpy broadcasting: the output dims and, per output element, the flat
  /// index of the element of each input it reads.
  private func broadcast(_ a: [Int], _ b: [Int]) throws -> (dims: [Int], a: [Int], b: [Int]) {
    let rank = max(a.count, b.count)
    let pa = Array(repeating: 1, count: rank - a.count) + a, pb = Array(repeating: 1, count: rank - b.count) + b
    var dims: [Int] = []
    for (x, y) in zip(pa, pb) {
      guard x == y || x == 1 || y == 1 else { throw error("shapes \(Shape(a)) and \(Shape(b)) do not broadcast") }
      dims.append(x == 1 ? y : x)
    }
    _ = try expectShape(dims)
    let all = dims.map { Array(0..<$0) }
    let ranges = { (p: [Int]) in zip(p, all).map { size, range in size == 1 ? range.map { _ in 0 } : range } }
    return (dims, flatIndices(dims: pa, ranges: ranges(pa)), flatIndices(dims: pb, ranges: ranges(pb)))
  }

  /// REDUCE_PROD: the product over the given axes, accumulated in the input's
  /// row-major order (as TFLite's reference reduction, which matters for
  /// float32).
  func evaluateReduceProd(keepDims: Bool) throws -> [TensorValue] {
    let input = try value(0)
    try requireUnquantized()
    let dims = input.shape.dims
    let axes = Set(try integers(1, "axis").map { try axis($0, rank: dims.count) })
    let shape = try expectShape(dims.indices.compactMap { axes.contains($0) ? (keepDims ? 1 : nil) : dims[$0] })
    // The output element each input element multiplies into: its
    // coordinates on the kept axes, row-major.
    let target = (0..<input.elementCount).map { flat -> Int in
      var rest = flat, index = 0, scale = 1
      for axis in dims.indices.reversed() {
        if !axes.contains(axis) {
          index += rest % dims[axis] * scale
          scale *= dims[axis]
        }
        rest /= dims[axis]
      }
      return index
    }
    if let x = input.integers {
      var product = [Int64](repeating: 1, count: shape.elementCount)
      for (i, t) in target.enumerated() { product[t] = product[t] &* x[i] }
      return [TensorValue(integers: product, type: input.type, shape: shape)]
    }
    guard input.type == .float32 else { throw error("cannot evaluate REDUCE_PROD on \(input.type.rawValue)") }
    let x = input.floats
    var product = [Float](repeating: 1, count: shape.elementCount)
    for (i, t) in target.enumerated() { product[t] *= x[i] }
    return [TensorValue(floats: product, shape: shape)]
  }

  /// CAST between the integer types, bool and float32, as C++'s static_cast
  /// (bool: non-zero is true). A float that does not fit the integer type is
  /// undefined behaviour in C++, so it is an error here.
  func evaluateCast() throws -> [TensorValue] {
    let input = try value(0)
    let to = output().type
    let shape = try expectShape(input.shape.dims)
    if to == .float32 {
      if let x = input.integers { return [TensorValue(floats: x.map { Float($0) }, shape: shape)] }
      if input.type == .float32 { return [input] }
    } else if to != .float16 {
      if let x = input.integers { return [TensorValue(integers: x, type: to, shape: shape)] }
      if input.type == .float32 {
        let values = try input.floats.map { f -> Int64 in
          if to == .bool { return f != 0 ? 1 : 0 }
          guard let v = Int64(exactly: f.rounded(.towardZero)), TensorValue.fits(v, to) else {
            throw error("cannot cast \(f) to \(to.rawValue): it is out of range")
          }
          return v
        }
        return [TensorValue(integers: values, type: to, shape: shape)]
      }
    }
    throw error("cannot evaluate CAST from \(input.type.rawValue) to \(to.rawValue)")
  }
}

extension TensorValue {
  /// Whether an integer is representable in an integer type.
  static func fits(_ v: Int64, _ type: DataType) -> Bool {
    switch type {
    case .int8: return Int8(exactly: v) != nil
    case .uint8: return UInt8(exactly: v) != nil
    case .int16: return Int16(exactly: v) != nil
    case .int32: return Int32(exactly: v) != nil
    default: return true
    }
  }
}
