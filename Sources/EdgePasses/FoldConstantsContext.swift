import EdgeCore

/// What one operator's evaluator sees: its input tensors (with their
/// constant values), the output tensors the model stores, and errors that
/// name the operator by its index in the imported model.
struct FoldContext {
  let graph: Graph
  let index: Int
  var op: Operator { graph.operators[index] }

  /// The largest tensor the pass creates: folding exists to remove shape
  /// arithmetic, and a constant this large is better left to the model.
  static let maxFoldedBytes = 64 << 20

  func error(_ message: String) -> EdgeError {
    EdgeError(
      .invalidGraph, "op \(op.origin ?? index) (\(op.kind.name)): \(message)",
      at: ErrorLocation(opIndex: op.origin ?? index, opName: op.kind.name))
  }

  func tensor(_ i: Int) throws -> Tensor {
    guard i < op.inputs.count, let id = op.inputs[i], graph.tensors.indices.contains(id) else {
      throw error("input \(i) is absent")
    }
    return graph.tensors[id]
  }

  /// Input `i`'s constant value.
  func value(_ i: Int) throws -> TensorValue {
    let t = try tensor(i)
    guard let data = t.data else { throw error("input \(i) ('\(t.name)') is not a constant") }
    return TensorValue(type: t.type, shape: t.shape, bytes: data)
  }

  /// Input `i`'s elements as integers (any integer or bool type).
  func integers(_ i: Int, _ role: String) throws -> [Int] {
    let v = try value(i)
    guard let values = v.integers else {
      throw error("\(role) (input \(i)) is \(v.type.rawValue), expected an integer type")
    }
    return values.map { Int($0) }
  }

  /// Input `i` as one integer (a scalar or a one-element vector).
  func scalarInteger(_ i: Int, _ role: String) throws -> Int {
    let values = try integers(i, role)
    guard values.count == 1 else { throw error("\(role) (input \(i)) has \(values.count) elements, expected 1") }
    return values[0]
  }

  func output(_ i: Int = 0) -> Tensor { graph.tensors[op.outputs[i]] }

  /// Checks a computed output shape against the stored one before any data
  /// is made, so a wrong shape (or a huge one) is an error, not an allocation.
  func expectShape(_ dims: [Int], output i: Int = 0) throws -> Shape {
    let stored = output(i)
    guard dims == stored.shape.dims else {
      throw error(
        "computes shape \(Shape(dims)) for output \(i) '\(stored.name)', but the model stores \(stored.shape)")
    }
    guard stored.byteSize <= Self.maxFoldedBytes else {
      throw error(
        "its output '\(stored.name)' would be a \(stored.byteSize)-byte constant; edgec folds constants up to "
          + "\(Self.maxFoldedBytes) bytes")
    }
    return stored.shape
  }

  /// A normalised axis in `0..<rank` (or `0...rank` when inserting one).
  func axis(_ axis: Int, rank: Int, inserting: Bool = false, _ role: String = "axis") throws -> Int {
    let limit = inserting ? rank + 1 : rank
    guard axis >= -limit, axis < limit else { throw error("\(role) \(axis) is out of range for rank \(rank)") }
    return axis < 0 ? axis + limit : axis
  }
}

extension TensorValue {
  /// The elements as integers, or nil for floating-point types.
  var integers: [Int64]? {
    switch type {
    case .int8: return elements(as: Int8.self).map(Int64.init)
    case .uint8, .bool: return bytes.map(Int64.init)
    case .int16: return elements(as: Int16.self).map(Int64.init)
    case .int32: return elements(as: Int32.self).map(Int64.init)
    case .int64: return elements(as: Int64.self)
    case .int4: return unpackedInt4().map(Int64.init)
    case .float32, .float16: return nil
    }
  }

  /// A value of an integer type from integers, wrapping as a C cast does
  /// (bool: non-zero is 1).
  init(integers values: [Int64], type: DataType, shape: Shape) {
    switch type {
    case .int8: self.init(values.map { Int8(truncatingIfNeeded: $0) }, type: type, shape: shape)
    case .uint8: self.init(values.map { UInt8(truncatingIfNeeded: $0) }, type: type, shape: shape)
    case .bool: self.init(values.map { UInt8($0 != 0 ? 1 : 0) }, type: type, shape: shape)
    case .int16: self.init(values.map { Int16(truncatingIfNeeded: $0) }, type: type, shape: shape)
    case .int32: self.init(values.map { Int32(truncatingIfNeeded: $0) }, type: type, shape: shape)
    case .int4:
      let packed = packInt4(values.map { Int8(truncatingIfNeeded: $0) })
      self.init(type: .int4, shape: shape, bytes: packed)
    case .int64, .float32, .float16: self.init(values, type: .int64, shape: shape)
    }
  }

  /// The elements at the given flat indices, as a value of `shape`: the one
  /// primitive behind every data-movement operator the pass evaluates.
  func picking(_ indices: [Int], shape: Shape) -> TensorValue {
    let width = type.byteSize
    var out: [UInt8] = []
    out.reserveCapacity(indices.count * width)
    for i in indices { out.append(contentsOf: bytes[(i * width)..<((i + 1) * width)]) }
    return TensorValue(type: type, shape: shape, bytes: out)
  }
}

/// Row-major flat indices of every element of a box: `ranges[axis]` lists
/// the coordinates taken along each axis of a tensor of `dims`.
func flatIndices(dims: [Int], ranges: [[Int]]) -> [Int] {
  var result = [0]
  for (axis, coordinates) in ranges.enumerated() {
    let stride = dims[(axis + 1)...].reduce(1, *)
    result = result.flatMap { base in coordinates.map { base + $0 * stride } }
  }
  return result
}
