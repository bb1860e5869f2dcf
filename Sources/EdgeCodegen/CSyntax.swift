import EdgeCore
import EdgeReference
import Foundation

/// How values are spelled in the generated C. Every number prints exactly
/// (floats as C99 hex literals) so the C computes with the very bits the
/// reference interpreter used, and the same model always gives the same bytes.
enum CSyntax {
  static func int(_ v: Int32) -> String {
    v == Int32.min ? "(-2147483647 - 1)" : String(v)
  }

  static func int(_ v: Int) -> String { String(v) }

  /// An exact C99 float literal: hex for every finite non-zero value.
  static func float(_ v: Float) -> String {
    if v.isNaN { return "NAN" }
    if v.isInfinite { return v < 0 ? "-INFINITY" : "INFINITY" }
    if v == 0 { return v.sign == .minus ? "-0.0f" : "0.0f" }
    let sign = v.sign == .minus ? "-" : ""
    let bits = v.bitPattern
    let exponentBits = Int((bits >> 23) & 0xff)
    let mantissa = (bits & 0x7f_ffff) << 1  // 24 bits = 6 hex digits
    var digits = String(mantissa, radix: 16)
    digits = String(repeating: "0", count: 6 - digits.count) + digits
    while digits.hasSuffix("0") { digits.removeLast() }
    let fraction = digits.isEmpty ? "" : "." + digits
    if exponentBits == 0 { return "\(sign)0x0\(fraction)p-126f" }
    return "\(sign)0x1\(fraction)p\(exponentBits - 127)f"
  }

  /// Comma-separated values, `perLine` to a line, each line indented.
  static func list(_ values: [String], perLine: Int = 16, indent: String = "  ") -> String {
    stride(from: 0, to: values.count, by: perLine).map { start in
      indent + values[start..<min(start + perLine, values.count)].joined(separator: ", ")
    }.joined(separator: ",\n")
  }

  /// A comment that cannot be closed early by the text it quotes (tensor names).
  static func comment(_ text: String) -> String {
    "/* " + text.replacingOccurrences(of: "*/", with: "* /") + " */"
  }

  /// Values of a constant tensor's bytes as C literals of its element type.
  static func elements(of tensor: Tensor, bytes: [UInt8]) -> [String] {
    let type = tensor.type == .int4 ? DataType.int8 : tensor.type  // int4: its packed bytes as int8_t
    let value = TensorValue(type: type, shape: Shape([bytes.count / type.byteSize]), bytes: bytes)
    switch type {
    case .int8, .int4: return value.elements(as: Int8.self).map { String($0) }
    case .uint8, .bool: return bytes.map { String($0) }
    case .int16: return value.elements(as: Int16.self).map { String($0) }
    case .int32: return value.elements(as: Int32.self).map { int($0) }
    case .int64:
      return value.elements(as: Int64.self).map { $0 == Int64.min ? "(-9223372036854775807LL - 1)" : "\($0)LL" }
    case .float32: return value.floats.map(float)
    case .float16: return value.elements(as: UInt16.self).map { "0x" + String($0, radix: 16) }
    }
  }
}

extension String {
  /// An upper-case C macro prefix: `kws_int8` → `KWS_INT8`.
  var macroCase: String { uppercased() }
}
