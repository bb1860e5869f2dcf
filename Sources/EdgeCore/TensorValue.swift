/// A concrete tensor at run time: its type, shape and little-endian bytes.
/// Used by the reference interpreter, the .npy reader and writer, and the
/// simulator, so that all of them exchange exactly the bytes the C code sees.
public struct TensorValue: Hashable, Sendable {
  public var type: DataType
  public var shape: Shape
  public var bytes: [UInt8]

  public init(type: DataType, shape: Shape, bytes: [UInt8]) {
    precondition(bytes.count == type.byteCount(elements: shape.elementCount), "byte count does not match shape")
    self.type = type
    self.shape = shape
    self.bytes = bytes
  }

  /// A zero-filled value.
  public init(zerosOf type: DataType, shape: Shape) {
    self.init(type: type, shape: shape, bytes: [UInt8](repeating: 0, count: type.byteCount(elements: shape.elementCount)))
  }

  public init<T: FixedWidthInteger>(_ elements: [T], type: DataType, shape: Shape) {
    precondition(MemoryLayout<T>.size == type.byteSize)
    var bytes = [UInt8]()
    bytes.reserveCapacity(elements.count * type.byteSize)
    for e in elements { withUnsafeBytes(of: e.littleEndian) { bytes.append(contentsOf: $0) } }
    self.init(type: type, shape: shape, bytes: bytes)
  }

  public init(floats: [Float], shape: Shape) {
    var bytes = [UInt8]()
    bytes.reserveCapacity(floats.count * 4)
    for f in floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    self.init(type: .float32, shape: shape, bytes: bytes)
  }

  public var elementCount: Int { shape.elementCount }

  /// The elements reinterpreted as `T` (which must have the element size).
  public func elements<T: FixedWidthInteger>(as: T.Type) -> [T] {
    precondition(MemoryLayout<T>.size == type.byteSize)
    return bytes.withUnsafeBytes { raw in
      (0..<elementCount).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
    }
  }

  public var floats: [Float] {
    precondition(type == .float32)
    return elements(as: UInt32.self).map { Float(bitPattern: $0) }
  }

  /// Every element widened to Double, whatever the type (float16 decoded).
  public var doubles: [Double] {
    switch type {
    case .int8: return elements(as: Int8.self).map(Double.init)
    case .int4: return unpackedInt4().map(Double.init)
    case .uint8, .bool: return bytes.map(Double.init)
    case .int16: return elements(as: Int16.self).map(Double.init)
    case .int32: return elements(as: Int32.self).map(Double.init)
    case .int64: return elements(as: Int64.self).map(Double.init)
    case .float32: return floats.map(Double.init)
    case .float16: return elements(as: UInt16.self).map { Double(Float16Bits($0)) }
    }
  }
}

extension TensorValue {
  /// The int4 elements sign-extended to Int8, as TFLM's UnpackDenseInt4IntoInt8
  /// reads them: element 2i is byte i's low nibble, 2i + 1 its high nibble.
  public func unpackedInt4() -> [Int8] {
    precondition(type == .int4)
    return unpackInt4(bytes, count: elementCount)
  }
}

/// `count` signed 4-bit values from `packed`, low nibble first.
public func unpackInt4(_ packed: [UInt8], count: Int) -> [Int8] {
  (0..<count).map { i in
    let byte = i / 2 < packed.count ? packed[i / 2] : 0
    let nibble = i % 2 == 0 ? byte & 0x0f : byte >> 4
    return Int8(bitPattern: nibble << 4) >> 4
  }
}

/// Packs signed values in -8...7 two to a byte, low nibble first; an odd
/// count leaves the last high nibble zero (TFLite's layout).
public func packInt4(_ values: [Int8]) -> [UInt8] {
  var packed = [UInt8](repeating: 0, count: (values.count + 1) / 2)
  for (i, v) in values.enumerated() {
    let nibble = UInt8(bitPattern: v) & 0x0f
    packed[i / 2] |= i % 2 == 0 ? nibble : nibble << 4
  }
  return packed
}

/// IEEE 754 binary16 decoding without relying on the platform's Float16.
@inline(__always)
func Float16Bits(_ h: UInt16) -> Float {
  let sign: UInt32 = UInt32(h >> 15) << 31
  let exponent = Int((h >> 10) & 0x1f)
  let mantissa = UInt32(h & 0x3ff)
  if exponent == 0 {
    if mantissa == 0 { return Float(bitPattern: sign) }
    let value = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
    return sign != 0 ? -value : value
  }
  if exponent == 31 { return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13)) }
  return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
}

extension Float {
  /// Decodes IEEE half-precision bits (TFLite float16 constants).
  public init(float16Bits h: UInt16) { self = Float16Bits(h) }
}
