import EdgeCore

extension ErrorLocation {
  /// This location with every field it lacks taken from `outer`.
  func filled(from outer: ErrorLocation) -> ErrorLocation {
    ErrorLocation(
      file: file ?? outer.file, byteOffset: byteOffset ?? outer.byteOffset,
      opIndex: opIndex ?? outer.opIndex, opName: opName ?? outer.opName,
      tensorIndex: tensorIndex ?? outer.tensorIndex, tensorName: tensorName ?? outer.tensorName)
  }
}

/// Runs `body`, adding `location`'s fields to any EdgeError that lacks them, so
/// a reader error deep inside a tensor also carries the tensor's index and name.
func located<T>(_ location: ErrorLocation, _ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch var error as EdgeError {
    error.location = error.location.filled(from: location)
    throw error
  }
}

/// Maps TFLite `Tensor` tables (with their buffers) to `EdgeCore.Tensor`.
struct TensorMapper {
  let file: FlatBuffer
  /// The model's `buffers` vector; nil when the model has none.
  let buffers: Vector?
  /// Constant bytes already copied, by buffer index: tensors that share a
  /// buffer share one array instead of one copy each.
  private var copied: [Int: [UInt8]] = [:]

  init(file: FlatBuffer, buffers: Vector?) {
    self.file = file
    self.buffers = buffers
  }

  mutating func tensor(_ table: Table, index: Int) throws -> Tensor {
    let name = try TensorTable(table: table, what: "tensor \(index)").name ?? ""
    let label = "tensor \(index) '\(name)'"
    let tensor = TensorTable(table: table, what: label)
    let location = ErrorLocation(byteOffset: table.position, tensorIndex: index, tensorName: name)
    return try located(location) { () throws -> Tensor in
      let typeCode = try tensor.type
      guard let type = TensorTypeCode.dataType(typeCode) else {
        throw EdgeError(
          .unsupported,
          "\(label) has element type \(TensorTypeCode.name(typeCode)), which edgec does not support "
            + "(supported: " + DataType.allCases.map(\.rawValue).joined(separator: ", ") + ")")
      }
      let shape = try self.shape(of: tensor, label: label)
      let byteSize = try self.byteSize(of: shape, type: type, label: label, at: table.position)
      if try tensor.sparsity != nil {
        throw EdgeError(
          .unsupported, "\(label) is sparse (it has sparsity parameters); edgec compiles only dense tensors")
      }
      let quantization = try self.quantization(of: tensor, label: label)
      let data = try constantData(of: tensor, label: label, shape: shape, type: type, byteSize: byteSize)
      return Tensor(
        name: name, type: type, shape: shape, quantization: quantization, data: data,
        isVariable: try tensor.isVariable)
    }
  }

  /// The shape; absent means a scalar. Negative dimensions are errors here:
  /// microcontroller models are static, and `shape` (unlike `shape_signature`)
  /// holds the concrete sizes.
  private func shape(of tensor: TensorTable, label: String) throws -> Shape {
    guard let vector = try tensor.shape else { return Shape([]) }
    let dims = vector.elements(as: Int32.self).map(Int.init)
    if let axis = dims.firstIndex(where: { $0 < 0 }) {
      throw file.error(
        "\(label): shape \(Shape(dims)) (vector at byte \(vector.position)) has a negative "
          + "dimension \(dims[axis]) at axis \(axis)", at: vector.position)
    }
    return Shape(dims)
  }

  /// Elements × element size, or an error when that does not fit in an Int.
  private func byteSize(of shape: Shape, type: DataType, label: String, at position: Int) throws -> Int {
    var total = type.byteSize
    for dim in shape.dims {
      let (product, overflow) = total.multipliedReportingOverflow(by: dim)
      guard !overflow else {
        throw file.error(
          "\(label): shape \(shape) of \(type.rawValue) has more elements than fit in memory "
            + "(the byte count overflows a 64-bit integer)", at: position)
      }
      total = product
    }
    return type == .int4 ? type.byteCount(elements: total) : total  // INT4: two elements a byte
  }

  private func quantization(of tensor: TensorTable, label: String) throws -> Quantization? {
    guard let table = try tensor.quantization else { return nil }
    if try table.detailsType != 0 {
      throw EdgeError(
        .unsupported, "\(label) uses custom quantization details, which edgec does not support")
    }
    guard let scaleVector = try table.scale, scaleVector.count > 0 else { return nil }
    let scales = scaleVector.floats
    var zeroPoints = try table.zeroPoint?.elements(as: Int64.self) ?? []
    if zeroPoints.isEmpty { zeroPoints = Array(repeating: 0, count: scales.count) }
    guard zeroPoints.count == scales.count else {
      throw file.error(
        "\(label): quantization has \(scales.count) scales but \(zeroPoints.count) zero points",
        at: scaleVector.position)
    }
    let axis = Int(try table.quantizedDimension)
    guard axis >= 0 else {
      throw file.error("\(label): quantized_dimension is \(axis), which is negative", at: table.table.position)
    }
    return Quantization(scales: scales, zeroPoints: zeroPoints, axis: axis)
  }

  /// The tensor's constant bytes, or nil when its buffer is empty (an
  /// activation, a graph input, or a variable without initial value).
  private mutating func constantData(
    of tensor: TensorTable, label: String, shape: Shape, type: DataType, byteSize: Int
  ) throws -> [UInt8]? {
    let index = Int(try tensor.buffer)
    guard let buffers, index < buffers.count else {
      throw file.error(
        "\(label) refers to buffer \(index), but the model has \(buffers?.count ?? 0) buffers",
        at: tensor.table.position)
    }
    let buffer = BufferTable(table: try buffers.table(index, "buffer \(index)"), what: "buffer \(index)")
    let bytes: ArraySlice<UInt8>
    let dataPosition: Int
    let offset = try buffer.offset
    if offset > 1 {
      // Stored after the flatbuffer, at an absolute file offset.
      let size = try buffer.size
      let (end, overflow) = offset.addingReportingOverflow(size)
      guard !overflow, end <= UInt64(file.count) else {
        throw file.error(
          "\(label): buffer \(index) says its \(size) bytes are at file offset \(offset), "
            + "past the end of the file (\(file.count) bytes)", at: buffer.table.position)
      }
      bytes = file.bytes[Int(offset)..<Int(end)]
      dataPosition = Int(offset)
    } else if let vector = try buffer.data {
      bytes = vector.bytes
      dataPosition = vector.position
    } else {
      return nil
    }
    if bytes.isEmpty { return nil }
    guard bytes.count == byteSize else {
      let relation = bytes.count < byteSize ? "smaller than" : "different from"
      throw file.error(
        "\(label): buffer \(index) holds \(bytes.count) bytes, \(relation) the \(byteSize) bytes "
          + "its shape \(shape) of \(type.rawValue) needs", at: dataPosition)
    }
    if let shared = copied[index] { return shared }
    let data = Array(bytes)
    copied[index] = data
    return data
  }
}
