/// A FlatBuffers writer, built back to front as the format intends: an object
/// can only refer to objects already written, and references (`uoffset`s)
/// point forward, so children are written first and end up after their
/// parents in the file.
///
/// The bytes are kept reversed (`reversed[0]` is the file's last byte) so that
/// "prepend" is an append. Positions are counted from the end of the file
/// (`Offset.fromEnd`); they stay valid as more bytes are prepended, and the
/// final byte position of an object is `fileSize - fromEnd`.
///
/// Alignment follows the format's rule: every scalar sits at a multiple of its
/// size from the start of the file. Padding is computed from the end, and
/// `finish` pads the front so the file size is a multiple of the largest
/// alignment used, which makes "aligned from the end" equal "aligned from the
/// start".
struct FlatBufferBuilder {
  /// A written object (table, vector or string), by distance from the end.
  struct Offset: Hashable {
    let fromEnd: Int
  }

  private var reversed: [UInt8] = []
  private var largestAlignment = 4
  /// The open table: where it started and its fields (id → position).
  private var tableStart: Int?
  private var fields: [(id: Int, fromEnd: Int)] = []
  /// Vtables already written, by their bytes: tables with the same layout share one.
  private var vtables: [[UInt8]: Int] = [:]

  init(capacity: Int = 1024) { reversed.reserveCapacity(capacity) }

  private var size: Int { reversed.count }

  // MARK: raw prepends

  /// Pads so that, after `additional` more bytes, the size is a multiple of `alignment`.
  private mutating func prepare(_ alignment: Int, _ additional: Int) {
    largestAlignment = max(largestAlignment, alignment)
    let padding = (alignment - (size + additional) % alignment) % alignment
    reversed.append(contentsOf: repeatElement(0, count: padding))
  }

  /// Prepends a little-endian integer (its most significant byte goes first
  /// into the reversed storage, so it comes last in the file).
  private mutating func prependRaw<T: FixedWidthInteger>(_ value: T) {
    let width = MemoryLayout<T>.size
    for byte in (0..<width).reversed() { reversed.append(UInt8(truncatingIfNeeded: value >> (8 * byte))) }
  }

  private mutating func prependScalar<T: FixedWidthInteger>(_ value: T) {
    prepare(MemoryLayout<T>.size, 0)
    prependRaw(value)
  }

  /// Prepends a `uoffset` to `target`: the distance from the field to the target.
  private mutating func prependOffset(_ target: Offset) {
    prepare(4, 0)
    precondition(target.fromEnd <= size, "a reference must point to an object already written")
    prependRaw(UInt32(size + 4 - target.fromEnd))
  }

  // MARK: strings and vectors

  mutating func string(_ text: String) -> Offset {
    let utf8 = Array(text.utf8)
    prepare(4, utf8.count + 1)
    reversed.append(0)
    reversed.append(contentsOf: utf8.reversed())
    prependRaw(UInt32(utf8.count))
    return Offset(fromEnd: size)
  }

  /// A vector of bytes whose first element is aligned to `alignment` (TFLite
  /// asks for 16 on buffer data so kernels can read weights in place).
  mutating func bytes(_ data: [UInt8], alignment: Int = 1) -> Offset {
    prepare(4, data.count)
    prepare(max(alignment, 4), data.count)
    reversed.append(contentsOf: data.reversed())
    prependRaw(UInt32(data.count))
    return Offset(fromEnd: size)
  }

  mutating func vector<T: FixedWidthInteger>(_ elements: [T]) -> Offset {
    let width = MemoryLayout<T>.size
    prepare(4, elements.count * width)
    prepare(max(width, 4), elements.count * width)
    for element in elements.reversed() { prependRaw(element) }
    prependRaw(UInt32(elements.count))
    return Offset(fromEnd: size)
  }

  mutating func vector(_ floats: [Float]) -> Offset { vector(floats.map(\.bitPattern)) }

  mutating func vector(_ offsets: [Offset]) -> Offset {
    prepare(4, offsets.count * 4)
    for target in offsets.reversed() { prependOffset(target) }
    prependRaw(UInt32(offsets.count))
    return Offset(fromEnd: size)
  }

  // MARK: tables

  mutating func startTable() {
    precondition(tableStart == nil, "FlatBuffers tables cannot nest: write children first")
    tableStart = size
    fields = []
  }

  /// A scalar field; omitted when it equals the schema default, as readers
  /// then see the default anyway.
  mutating func add<T: FixedWidthInteger>(_ id: Int, _ value: T, default defaultValue: T) {
    guard value != defaultValue else { return }
    field(id, alignment: MemoryLayout<T>.size) { $0.prependRaw(value) }
  }

  mutating func add(_ id: Int, _ value: Bool, default defaultValue: Bool = false) {
    add(id, UInt8(value ? 1 : 0), default: defaultValue ? 1 : 0)
  }

  mutating func add(_ id: Int, _ value: Float, default defaultValue: Float) {
    guard value.bitPattern != defaultValue.bitPattern else { return }
    field(id, alignment: 4) { $0.prependRaw(value.bitPattern) }
  }

  /// A reference field (table, vector, string; the value half of a union).
  mutating func add(_ id: Int, _ target: Offset?) {
    guard let target else { return }
    precondition(target.fromEnd <= size, "a reference must point to an object already written")
    field(id, alignment: 4) { $0.prependRaw(UInt32($0.size + 4 - target.fromEnd)) }
  }

  /// Aligns, writes and records one field. The table's inline bytes start at
  /// its first field, not before the padding that aligned it, so tables of
  /// one layout get identical vtables whatever came before them.
  private mutating func field(_ id: Int, alignment: Int, _ write: (inout FlatBufferBuilder) -> Void) {
    prepare(alignment, 0)
    if fields.isEmpty { tableStart = size }
    write(&self)
    fields.append((id, size))
  }

  /// Closes the open table: writes its `soffset` and its vtable (or reuses an
  /// identical vtable written before).
  mutating func endTable() -> Offset {
    guard let start = tableStart else { preconditionFailure("endTable without startTable") }
    prependScalar(Int32(0))  // the vtable offset, patched below
    let table = size
    let slotCount = (fields.map(\.id).max() ?? -1) + 1
    var slots = [UInt16](repeating: 0, count: slotCount)
    for field in fields { slots[field.id] = UInt16(table - field.fromEnd) }
    let layout = [UInt16(4 + 2 * slotCount), UInt16(table - start)] + slots
    let key = layout.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    let vtable: Int
    if let existing = vtables[key] {
      vtable = existing
    } else {
      for value in layout.reversed() { prependRaw(value) }
      vtable = size
      vtables[key] = vtable
    }
    // soffset = table position − vtable position, both from the file start.
    patch(Int32(truncatingIfNeeded: vtable - table), at: table)
    tableStart = nil
    return Offset(fromEnd: table)
  }

  /// Overwrites the 4 bytes of the Int32 that starts `fromEnd` bytes before the end.
  private mutating func patch(_ value: Int32, at fromEnd: Int) {
    let bits = UInt32(bitPattern: value)
    for byte in 0..<4 { reversed[fromEnd - 1 - byte] = UInt8(truncatingIfNeeded: bits >> (8 * byte)) }
  }

  /// The finished file: root offset, 4-byte file identifier, then the objects.
  mutating func finish(root: Offset, identifier: String) -> [UInt8] {
    let id = Array(identifier.utf8)
    precondition(id.count == 4, "a file identifier has 4 bytes")
    prepare(largestAlignment, 8)
    reversed.append(contentsOf: id.reversed())
    prependOffset(root)
    return reversed.reversed()
  }
}
