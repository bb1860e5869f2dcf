/// The element types a TensorFlow Lite tensor can hold that edgec understands.
///
/// Anything else in a model is an import error naming the tensor, so the rest
/// of the compiler never sees an element type it cannot size.
public enum DataType: String, Hashable, Sendable, CaseIterable, Codable {
  case int8, uint8, int16, int32, int64, float32, float16, bool

  /// Bytes per element, as laid out in a TFLite buffer and in the arena.
  public var byteSize: Int {
    switch self {
    case .int8, .uint8, .bool: return 1
    case .int16, .float16: return 2
    case .int32, .float32: return 4
    case .int64: return 8
    }
  }

  /// The C type the generated code uses for one element.
  public var cType: String {
    switch self {
    case .int8: return "int8_t"
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
    case .int8: return "|i1"
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
