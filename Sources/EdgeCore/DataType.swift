/// The element types a TensorFlow Lite tensor can hold that edgec understands.
///
/// Anything else in a model is an import error naming the tensor, so the rest
/// of the compiler never sees an element type it cannot size.
public enum DataType: String, Hashable, Sendable, CaseIterable, Codable {
  case int8, uint8, int16, int32, int64, float32, float16, bool
  /// Signed 4-bit weights, two to a byte, low nibble first along the flattened
  /// tensor (TFLite's INT4, TFLM's UnpackDenseInt4IntoInt8). Constants only.
  case int4

  /// Bytes per element, as laid out in a TFLite buffer and in the arena. For
  /// int4 this is the storage unit (one byte holds two elements); sizes of
  /// whole tensors go through `byteCount(elements:)`.
  public var byteSize: Int {
    switch self {
    case .int8, .uint8, .bool, .int4: return 1
    case .int16, .float16: return 2
    case .int32, .float32: return 4
    case .int64: return 8
    }
  }

  /// Bytes `elements` elements occupy: ceil(n / 2) for int4, n × byteSize otherwise.
  public func byteCount(elements: Int) -> Int {
    self == .int4 ? (elements + 1) / 2 : elements * byteSize
  }

  /// The C type the generated code uses for one element.
  public var cType: String {
    switch self {
    case .int8, .int4: return "int8_t"  // int4: the packed bytes
    case .uint8: return "uint8_t"
    case .int16: return "int16_t"
    case .int32: return "int32_t"
    case .int64: return "int64_t"
    case .float32: return "float"
    case .float16: return "uint16_t"  // raw IEEE half bits; C99 has no half type
    case .bool: return "uint8_t"
    }
  }

  /// The numpy dtype string (`descr`) of this type in a little-endian .npy file.
  public var numpyDescr: String {
    switch self {
    case .int8, .int4: return "|i1"  // int4 never reaches a .npy file unpacked
    case .uint8: return "|u1"
    case .int16: return "<i2"
    case .int32: return "<i4"
    case .int64: return "<i8"
    case .float32: return "<f4"
    case .float16: return "<f2"
    case .bool: return "|b1"
    }
  }

  public var isFloatingPoint: Bool { self == .float32 || self == .float16 }
}
