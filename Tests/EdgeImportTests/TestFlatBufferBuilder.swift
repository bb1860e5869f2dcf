/// A small FlatBuffers writer for tests: enough to hand-build TFLite models,
/// including broken ones. Objects are laid out front to back, each child after
/// its parent (so every `uoffset` is positive, as the format requires), and a
/// `.tagged` value records where it landed so a test can name or corrupt the
/// exact byte an error should point at.
indirect enum FB {
  case u8(UInt8), i8(Int8), bool(Bool), i32(Int32), u32(UInt32), i64(Int64), u64(UInt64), f32(Float)
  /// A table: field id → value. Absent ids are absent fields.
  case table([Int: FB])
  case string(String)
  case bytes([UInt8])
  case i32s([Int32])
  case f32s([Float])
  case i64s([Int64])
  case tables([FB])
  case tagged(String, FB)

  /// The inline size of a scalar field; references take 4 bytes.
  var inlineSize: Int {
    switch self {
    case .u8, .i8, .bool: return 1
    case .i64, .u64: return 8
    case .tagged(_, let value): return value.inlineSize
    default: return 4
    }
  }

  var isScalar: Bool {
    switch self {
    case .u8, .i8, .bool, .i32, .u32, .i64, .u64, .f32: return true
    case .tagged(_, let value): return value.isScalar
    default: return false
    }
  }
}

struct FBWriter {
  var bytes: [UInt8] = []
  /// Where each tagged value starts (a table's position is its soffset; a
  /// vector's or string's is its length word; a scalar's is its inline field).
  var positions: [String: Int] = [:]

  /// A finished buffer: root offset, identifier, then the root table.
  static func build(_ root: FB, identifier: String = "TFL3") -> (bytes: [UInt8], positions: [String: Int]) {
    var writer = FBWriter()
    writer.bytes = [0, 0, 0, 0] + Array(identifier.utf8)
    let rootPosition = writer.place(root)
    writer.patch(at: 0, UInt32(rootPosition))
    return (writer.bytes, writer.positions)
  }

  mutating func append<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func patch(at position: Int, _ value: UInt32) {
    for k in 0..<4 { bytes[position + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
  }

  mutating func align(_ n: Int) { while bytes.count % n != 0 { bytes.append(0) } }

  mutating func scalar(_ value: FB) {
    switch value {
    case .u8(let v): append(v)
    case .i8(let v): append(v)
    case .bool(let v): append(UInt8(v ? 1 : 0))
    case .i32(let v): append(v)
    case .u32(let v): append(v)
    case .i64(let v): append(v)
    case .u64(let v): append(v)
    case .f32(let v): append(v.bitPattern)
    case .tagged(_, let v): scalar(v)
    default: fatalError("not a scalar")
    }
  }

  /// Writes a non-scalar value and returns its position.
  mutating func place(_ value: FB) -> Int {
    switch value {
    case .tagged(let tag, let inner):
      let position = place(inner)
      positions[tag] = position
      return position
    case .string(let text):
      align(4)
      let position = bytes.count
      append(UInt32(text.utf8.count))
      bytes.append(contentsOf: text.utf8)
      bytes.append(0)
      return position
    case .bytes(let data):
      align(4)
      let position = bytes.count
      append(UInt32(data.count))
      bytes.append(contentsOf: data)
      return position
    case .i32s(let values): return vector(values.count) { w in values.forEach { w.append($0) } }
    case .f32s(let values): return vector(values.count) { w in values.forEach { w.append($0.bitPattern) } }
    case .i64s(let values): return vector(values.count) { w in values.forEach { w.append($0) } }
    case .tables(let tables):
      let position = vector(tables.count) { w in tables.forEach { _ in w.append(UInt32(0)) } }
      for (i, table) in tables.enumerated() {
        let slot = position + 4 + 4 * i
        let child = place(table)
        patch(at: slot, UInt32(child - slot))
      }
      return position
    case .table(let fields): return table(fields)
    default: fatalError("scalars are written inline")
    }
  }

  private mutating func vector(_ count: Int, _ body: (inout FBWriter) -> Void) -> Int {
    align(4)
    let position = bytes.count
    append(UInt32(count))
    body(&self)
    return position
  }

  /// vtable first, then the table (soffset = table − vtable), then children.
  private mutating func table(_ fields: [Int: FB]) -> Int {
    let ids = fields.keys.sorted()
    var layout: [(id: Int, offset: Int)] = []
    var inline = 4
    for id in ids {
      let size = fields[id]!.inlineSize
      while inline % size != 0 { inline += 1 }
      layout.append((id, inline))
      inline += size
    }
    let slots = (ids.last ?? -1) + 1
    align(4)
    let vtable = bytes.count
    append(UInt16(4 + 2 * slots))
    append(UInt16(inline))
    for id in 0..<slots { append(UInt16(layout.first { $0.id == id }?.offset ?? 0)) }
    // Pad so the table (and its 8-byte fields) start 8-aligned.
    while (bytes.count + 0) % 8 != 0 { bytes.append(0) }
    let position = bytes.count
    append(Int32(position - vtable))
    var references: [(slot: Int, value: FB)] = []
    for (id, offset) in layout {
      while bytes.count < position + offset { bytes.append(0) }
      let value = fields[id]!
      if case .tagged(let tag, let inner) = value, inner.isScalar { positions[tag] = bytes.count }
      if value.isScalar { scalar(value) } else {
        references.append((bytes.count, value))
        append(UInt32(0))
      }
    }
    while bytes.count < position + inline { bytes.append(0) }
    for (slot, value) in references {
      let child = place(value)
      patch(at: slot, UInt32(child - slot))
    }
    return position
  }
}
