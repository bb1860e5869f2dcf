import EdgeCore

/// A FlatBuffers table whose vtable has been checked to lie inside the buffer.
/// Fields are addressed by vtable slot (4, 6, 8, … = 4 + 2 × field id), as in
/// the generated code of every FlatBuffers language binding.
struct Table {
  let buffer: FlatBuffer
  let position: Int
  let vtable: Int
  let vtableSize: Int
  let inlineSize: Int

  /// The absolute position of a present field holding `size` inline bytes, or
  /// nil when the field is absent. A field whose bytes would reach past the
  /// table's declared inline size is malformed: accepting it would read
  /// another object's bytes.
  func fieldPosition(_ slot: Int, size: Int, _ what: @autoclosure () -> String) throws -> Int? {
    guard slot + 2 <= vtableSize else { return nil }
    let relative = Int(buffer.load(vtable + slot, as: UInt16.self))
    if relative == 0 { return nil }
    guard relative >= 4, relative + size <= inlineSize else {
      throw buffer.error(
        "\(what()) field (vtable slot \(slot)) of the table at byte \(position) is at inline offset "
          + "\(relative) with \(size) bytes, outside the table's \(inlineSize) inline bytes",
        at: vtable + slot)
    }
    return position + relative
  }

  func scalar<T: FixedWidthInteger>(
    _ slot: Int, default value: T, _ what: @autoclosure () -> String
  ) throws -> T {
    guard let at = try fieldPosition(slot, size: MemoryLayout<T>.size, what()) else { return value }
    return buffer.load(at, as: T.self)
  }

  func bool(_ slot: Int, default value: Bool = false, _ what: @autoclosure () -> String) throws -> Bool {
    try scalar(slot, default: value ? UInt8(1) : 0, what()) != 0
  }

  func float(_ slot: Int, default value: Float, _ what: @autoclosure () -> String) throws -> Float {
    Float(bitPattern: try scalar(slot, default: value.bitPattern, what()))
  }

  /// The absolute position a reference field points to, or nil when absent.
  private func reference(_ slot: Int, _ what: @autoclosure () -> String) throws -> Int? {
    guard let at = try fieldPosition(slot, size: 4, what()) else { return nil }
    return try buffer.follow(offsetAt: at, what())
  }

  func table(_ slot: Int, _ what: @autoclosure () -> String) throws -> Table? {
    guard let target = try reference(slot, what()) else { return nil }
    return try buffer.table(at: target, what())
  }

  func vector(_ slot: Int, elementSize: Int, _ what: @autoclosure () -> String) throws -> Vector? {
    guard let target = try reference(slot, what()) else { return nil }
    return try buffer.vector(at: target, elementSize: elementSize, what())
  }

  func string(_ slot: Int, _ what: @autoclosure () -> String) throws -> String? {
    guard let target = try reference(slot, what()) else { return nil }
    return try buffer.string(at: target, what())
  }

  /// A union: its type tag (slot `typeSlot`, a u8; 0 = NONE) and its table.
  func union(typeSlot: Int, valueSlot: Int, _ what: @autoclosure () -> String) throws
    -> (type: UInt8, table: Table?)
  {
    let type = try scalar(typeSlot, default: UInt8(0), "\(what()) type")
    guard type != 0 else { return (0, nil) }
    return (type, try table(valueSlot, what()))
  }
}

/// A vector whose whole extent (`count × elementSize` bytes after the length
/// word) has been checked to lie inside the buffer, so element reads by an
/// index in `0..<count` need no further check. (The preconditions below
/// guard against misuse by edgec's own code, never against the file.)
struct Vector {
  let buffer: FlatBuffer
  /// Position of the u32 length word; elements start 4 bytes later.
  let position: Int
  let count: Int
  let elementSize: Int

  var start: Int { position + 4 }
  var indices: Range<Int> { 0..<count }

  /// All elements, decoded in one pass over the buffer.
  func elements<T: FixedWidthInteger>(as type: T.Type) -> [T] {
    precondition(MemoryLayout<T>.size == elementSize, "element type does not match the vector")
    return buffer.bytes.withUnsafeBytes { raw in
      (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: start + $0 * elementSize, as: T.self)) }
    }
  }

  var floats: [Float] { elements(as: UInt32.self).map(Float.init(bitPattern:)) }

  /// The raw element bytes (for byte vectors such as buffer data).
  var bytes: ArraySlice<UInt8> { buffer.bytes[start..<(start + count * elementSize)] }

  /// Element `index` of a vector of tables (each element a `uoffset`).
  func table(_ index: Int, _ what: @autoclosure () -> String) throws -> Table {
    precondition(elementSize == 4, "a vector of tables holds 4-byte offsets")
    guard indices.contains(index) else {
      throw buffer.error("\(what()): index \(index) is outside the vector at byte \(position) (\(count) elements)", at: position)
    }
    let target = try buffer.follow(offsetAt: start + index * 4, what())
    return try buffer.table(at: target, what())
  }
}
