import EdgeCore

/// A read-only, bounds-checked view of a FlatBuffers buffer.
///
/// Every access checks its byte range against the buffer before it reads, and
/// every failure is an `EdgeError(.malformedModel)` that names the byte offset
/// and what was being read, so a corrupt or hostile file can never make the
/// compiler trap. The bytes are held once and read in place; tables, vectors
/// and strings are (buffer, position) pairs, never copies.
///
/// Layout reminders (FlatBuffers binary format, little-endian):
/// - byte 0: `uoffset` (u32) to the root table; bytes 4..<8: file identifier.
/// - a table starts with an `soffset` (i32): its vtable is at `table - soffset`.
/// - a vtable is `[u16 vtable bytes, u16 table inline bytes, u16 field offsets…]`;
///   a field offset of 0 (or a slot past the vtable's end) means "absent, use the default".
/// - a reference field holds a `uoffset` relative to the field's own position.
/// - a vector is `u32 count` followed by the elements; a string is a byte
///   vector followed by a NUL byte.
struct FlatBuffer {
  let bytes: [UInt8]

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var count: Int { bytes.count }

  /// Whether `size` bytes starting at `position` lie inside the buffer. Written
  /// so that no sum can overflow, whatever `position` and `size` are.
  @inline(__always)
  func contains(_ position: Int, size: Int) -> Bool {
    position >= 0 && size >= 0 && position <= count && size <= count - position
  }

  func error(_ message: String, at position: Int) -> EdgeError {
    EdgeError(.malformedModel, message, at: ErrorLocation(byteOffset: position))
  }

  private func pastEnd(_ what: String, at position: Int) -> EdgeError {
    error("\(what) at byte \(position) runs past the end of the file (\(count) bytes)", at: position)
  }

  /// Reads a little-endian integer without checking; callers have checked the range.
  @inline(__always)
  func load<T: FixedWidthInteger>(_ position: Int, as type: T.Type) -> T {
    bytes.withUnsafeBytes { raw in
      T(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: T.self))
    }
  }

  /// A checked scalar read.
  func scalar<T: FixedWidthInteger>(
    at position: Int, as type: T.Type, _ what: @autoclosure () -> String
  ) throws -> T {
    guard contains(position, size: MemoryLayout<T>.size) else { throw pastEnd(what(), at: position) }
    return load(position, as: T.self)
  }

  /// Follows the `uoffset` stored at `position` and returns the absolute target.
  func follow(offsetAt position: Int, _ what: @autoclosure () -> String) throws -> Int {
    let relative = try scalar(at: position, as: UInt32.self, "\(what()) offset")
    let (target, overflow) = position.addingReportingOverflow(Int(relative))
    guard !overflow, target < count else {
      throw error(
        "\(what()) offset at byte \(position) points to byte \(position &+ Int(relative)), "
          + "past the end of the file (\(count) bytes)", at: position)
    }
    return target
  }

  /// The table starting at `position`, with its vtable checked.
  func table(at position: Int, _ what: @autoclosure () -> String) throws -> Table {
    let soffset = try scalar(at: position, as: Int32.self, "\(what()) table")
    let (vtable, overflow) = position.subtractingReportingOverflow(Int(soffset))
    guard !overflow, contains(vtable, size: 4) else {
      throw error(
        "\(what()) table at byte \(position) has its vtable at byte \(position &- Int(soffset)), "
          + "outside the file (\(count) bytes)", at: position)
    }
    let vtableSize = Int(load(vtable, as: UInt16.self))
    let inlineSize = Int(load(vtable + 2, as: UInt16.self))
    guard vtableSize >= 4, vtableSize % 2 == 0 else {
      throw error(
        "\(what()) table at byte \(position): its vtable at byte \(vtable) declares an invalid "
          + "size of \(vtableSize) bytes (must be even and at least 4)", at: vtable)
    }
    guard contains(vtable, size: vtableSize) else {
      throw error(
        "\(what()) table at byte \(position): its vtable at byte \(vtable) is truncated: it declares "
          + "\(vtableSize) bytes, which run past the end of the file (\(count) bytes)", at: vtable)
    }
    guard inlineSize >= 4, contains(position, size: inlineSize) else {
      throw error(
        "\(what()) table at byte \(position) declares \(inlineSize) inline bytes, which "
          + (inlineSize < 4 ? "cannot hold its vtable offset" : "run past the end of the file (\(count) bytes)"),
        at: position)
    }
    return Table(buffer: self, position: position, vtable: vtable, vtableSize: vtableSize, inlineSize: inlineSize)
  }

  /// The vector whose length word is at `position`, checked to fit in the buffer.
  func vector(at position: Int, elementSize: Int, _ what: @autoclosure () -> String) throws -> Vector {
    let length = Int(try scalar(at: position, as: UInt32.self, "\(what()) vector length"))
    let (byteCount, overflow) = length.multipliedReportingOverflow(by: elementSize)
    guard !overflow, contains(position + 4, size: byteCount) else {
      throw error(
        "\(what()) vector at byte \(position) (\(length) elements of \(elementSize) bytes) "
          + "runs past the end of the file (\(count) bytes)", at: position)
    }
    return Vector(buffer: self, position: position, count: length, elementSize: elementSize)
  }

  /// The UTF-8, NUL-terminated string whose length word is at `position`.
  func string(at position: Int, _ what: @autoclosure () -> String) throws -> String {
    let length = Int(try scalar(at: position, as: UInt32.self, "\(what()) string length"))
    let start = position + 4
    guard contains(start, size: length), contains(start + length, size: 1) else {
      throw error(
        "\(what()) string at byte \(position) (\(length) bytes plus its NUL terminator) "
          + "runs past the end of the file (\(count) bytes)", at: position)
    }
    guard bytes[start + length] == 0 else {
      throw error(
        "\(what()) string at byte \(position) (\(length) bytes) is not NUL-terminated", at: position)
    }
    guard let text = String(validating: bytes[start..<(start + length)], as: UTF8.self) else {
      throw error("\(what()) string at byte \(position) is not valid UTF-8", at: position)
    }
    return text
  }

  /// The root table, after checking the 4-byte file identifier at byte 4.
  func root(identifier: String) throws -> Table {
    guard count >= 8 else {
      throw error(
        "the file is \(count) bytes long, too short for a FlatBuffer (at least 8 bytes: root offset "
          + "and file identifier)", at: 0)
    }
    let found = Array(bytes[4..<8])
    guard found == Array(identifier.utf8) else {
      let shown = found.allSatisfy { $0 >= 0x20 && $0 < 0x7f }
        ? "'\(String(decoding: found, as: UTF8.self))'"
        : found.map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
      throw error(
        "file identifier at byte 4 is \(shown), expected '\(identifier)': this is not a "
          + "TensorFlow Lite model (or it is damaged)", at: 4)
    }
    let position = try follow(offsetAt: 0, "root table")
    return try table(at: position, "root")
  }
}
