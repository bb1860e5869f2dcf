import Foundation

/// Reading and writing NumPy's .npy format (version 1.0–3.0), the exchange
/// format of `edgec simulate` and `edgec run`. Only C-ordered, little-endian
/// arrays of the element types edgec knows; anything else is an error that
/// says what the file holds.
public enum NumpyFile {
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  public static func decode(_ bytes: [UInt8], name: String = "array") throws -> TensorValue {
    func fail(_ message: String) -> EdgeError {
      EdgeError(.invalidInput, "\(name) is not a valid .npy file: \(message)")
    }
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
      throw fail("it does not start with the .npy magic bytes")
    }
    let major = bytes[6]
    let headerLength: Int, headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else { throw fail("truncated header") }
      headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
      headerStart = 12
    default:
      throw fail("unknown format version \(major)")
    }
    guard headerStart + headerLength <= bytes.count else { throw fail("header runs past the end of the file") }
    let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    let descr = try field("descr", in: header, fail)
    let fortran = try field("fortran_order", in: header, fail)
    let shapeText = try field("shape", in: header, fail)
    guard fortran == "False" else { throw fail("Fortran-ordered arrays are not supported; save with np.ascontiguousarray") }
    let descrValue = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
    guard let type = DataType.allCases.first(where: { $0.numpyDescr == descrValue || $0.numpyDescr == descrValue.replacingOccurrences(of: "=", with: "<") }) else {
      throw fail("element type \(descrValue) is not supported (use int8, uint8, int16, int32, int64, float16, float32 or bool, little-endian)")
    }
    let inner = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
    var dims: [Int] = []
    for part in inner.split(separator: ",") {
      let text = part.trimmingCharacters(in: CharacterSet(charactersIn: " L"))
      if text.isEmpty { continue }
      guard let d = Int(text), d >= 0 else { throw fail("shape \(shapeText) is not a tuple of non-negative integers") }
      dims.append(d)
    }
    let (count, overflow) = dims.reduce((1, false)) { acc, d in
      let (m, o) = acc.0.multipliedReportingOverflow(by: d)
      return (m, acc.1 || o)
    }
    let dataStart = headerStart + headerLength
    guard !overflow, count <= (bytes.count - dataStart) / max(type.byteSize, 1),
      count * type.byteSize == bytes.count - dataStart
    else {
      throw fail("shape \(Shape(dims)) of \(type.rawValue) needs \(overflow ? "too many" : String(count * type.byteSize)) bytes of data, the file has \(bytes.count - dataStart)")
    }
    return TensorValue(type: type, shape: Shape(dims), bytes: Array(bytes[dataStart...]))
  }

  public static func encode(_ value: TensorValue) -> [UInt8] {
    let shape = value.shape.rank == 1 ? "(\(value.shape[0]),)" : "(" + value.shape.dims.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '\(value.type.numpyDescr)', 'fortran_order': False, 'shape': \(shape), }"
    // Pad so that the data starts on a 64-byte boundary, as numpy does.
    let unpadded = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var bytes = magic + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)]
    bytes += Array(header.utf8)
    bytes += value.bytes
    return bytes
  }

  /// The text of `'key': value` in the header dictionary.
  private static func field(_ key: String, in header: String, _ fail: (String) -> EdgeError) throws -> String {
    guard let keyRange = header.range(of: "'\(key)'") else { throw fail("header has no '\(key)'") }
    var rest = header[keyRange.upperBound...].drop(while: { $0 == " " })
    guard rest.first == ":" else { throw fail("header entry '\(key)' has no value") }
    rest = rest.dropFirst().drop(while: { $0 == " " })
    if rest.first == "(" {
      guard let close = rest.firstIndex(of: ")") else { throw fail("unterminated shape tuple") }
      return String(rest[...close])
    }
    let end = rest.firstIndex(where: { $0 == "," || $0 == "}" }) ?? rest.endIndex
    return String(rest[..<end]).trimmingCharacters(in: CharacterSet(charactersIn: " "))
  }
}

