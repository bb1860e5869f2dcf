import EdgeCore

/// Bounds-checked reads of an ELF file's bytes in its own byte order. Every
/// read names the byte offset it failed at, so a truncated or garbled file is
/// an `EdgeError` a user can look up in a hex dump — never a trap.
struct ELFBytes {
  let bytes: [UInt8]
  let littleEndian: Bool
  /// The file name for error messages.
  let file: String?

  var count: Int { bytes.count }

  func error(_ message: String, at offset: Int) -> EdgeError {
    EdgeError(.invalidInput, message, at: ErrorLocation(file: file, byteOffset: offset))
  }

  /// Throws unless `[offset, offset + length)` lies inside the file.
  func check(_ offset: Int, _ length: Int, _ what: @autoclosure () -> String) throws {
    guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else {
      throw error(
        "\(what()) (bytes \(offset)..<\(offset &+ length)) lies outside the file of \(bytes.count) bytes; "
          + "the file is truncated or not an ELF file", at: max(0, offset))
    }
  }

  func u8(_ offset: Int, _ what: @autoclosure () -> String) throws -> UInt8 {
    try check(offset, 1, what())
    return bytes[offset]
  }

  func u16(_ offset: Int, _ what: @autoclosure () -> String) throws -> UInt16 {
    UInt16(truncatingIfNeeded: try unsigned(offset, 2, what()))
  }

  func u32(_ offset: Int, _ what: @autoclosure () -> String) throws -> UInt32 {
    UInt32(truncatingIfNeeded: try unsigned(offset, 4, what()))
  }

  func u64(_ offset: Int, _ what: @autoclosure () -> String) throws -> UInt64 {
    try unsigned(offset, 8, what())
  }

  /// A 4- or 8-byte field (ELF32 or ELF64 "address/offset/size" width).
  func word(_ offset: Int, wide: Bool, _ what: @autoclosure () -> String) throws -> UInt64 {
    try unsigned(offset, wide ? 8 : 4, what())
  }

  /// A file offset or size read as a `word` and converted to `Int`, refusing
  /// values no file could have.
  func offsetWord(_ offset: Int, wide: Bool, _ what: @autoclosure () -> String) throws -> Int {
    let value = try word(offset, wide: wide, what())
    guard value <= UInt64(Int32.max) * 16 else {
      throw error("\(what()) is \(value), larger than any file edgec reads", at: offset)
    }
    return Int(value)
  }

  private func unsigned(_ offset: Int, _ width: Int, _ what: @autoclosure () -> String) throws -> UInt64 {
    try check(offset, width, what())
    var value: UInt64 = 0
    for i in 0..<width {
      let byte = UInt64(bytes[offset + (littleEndian ? width - 1 - i : i)])
      value = value << 8 | byte
    }
    return value
  }

  /// The NUL-terminated string at `offset` inside the string table
  /// `[tableStart, tableStart + tableSize)`.
  func string(at offset: Int, inTable tableStart: Int, size tableSize: Int, _ what: @autoclosure () -> String)
    throws -> String
  {
    guard offset >= 0, offset < tableSize else {
      throw error(
        "\(what()): name offset \(offset) is outside its string table of \(tableSize) bytes", at: tableStart)
    }
    let start = tableStart + offset, end = tableStart + tableSize
    var index = start
    while index < end && bytes[index] != 0 { index += 1 }
    guard index < end else {
      throw error("\(what()): the name at byte \(start) is not NUL-terminated inside its string table", at: start)
    }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }
}
