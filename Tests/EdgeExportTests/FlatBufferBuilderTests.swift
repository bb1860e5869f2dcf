@testable import EdgeExport
import Testing

/// The writer's bytes, checked by hand against the FlatBuffers format.
@Suite struct FlatBufferBuilderTests {
  /// One table with one int32 field: root offset, identifier, 2 bytes of
  /// padding, the vtable [6, 8, 4], then the table (soffset 6 back to its
  /// vtable) and the field.
  @Test func oneFieldTableHasTheFormatsExactBytes() {
    var builder = FlatBufferBuilder()
    builder.startTable()
    builder.add(0, Int32(7), default: 0)
    let root = builder.endTable()
    let bytes = builder.finish(root: root, identifier: "TEST")
    #expect(
      bytes == [16, 0, 0, 0, 84, 69, 83, 84, 0, 0, 6, 0, 8, 0, 4, 0, 6, 0, 0, 0, 7, 0, 0, 0])
  }

  /// Tables of the same layout share one vtable (written once);
  /// the second table's soffset is negative: its vtable lies after it.
  @Test func identicalVtablesAreShared() {
    var builder = FlatBufferBuilder()
    builder.startTable()
    builder.add(0, Int32(1), default: 0)
    let first = builder.endTable()
    builder.startTable()
    builder.add(0, Int32(2), default: 0)
    let second = builder.endTable()
    let vector = builder.vector([second, first])
    builder.startTable()
    builder.add(0, vector)
    let root = builder.endTable()
    let bytes = builder.finish(root: root, identifier: "TEST")
    // first table 8 + its vtable 6, padding 2, second table 8, vector of two offsets 4 + 8, root
    // table 8 (one 4-byte field too: the same vtable), identifier 4, root offset 4.
    #expect(bytes.count == 52)
    let secondTable = bytes.count - second.fromEnd
    let soffset = bytes[secondTable..<(secondTable + 4)].withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) }
    // The shared vtable sits 6 bytes after the first table, which is 2 + 8 bytes after the second.
    #expect(soffset == -10)
    // The root table (at byte 8, see the root offset) shares it too: 30 bytes on.
    #expect(Array(bytes[0..<4]) == [8, 0, 0, 0])
    #expect(Array(bytes[8..<12]) == [226, 255, 255, 255])
  }

  /// Byte vectors start at a multiple of their alignment from the file start.
  @Test func byteVectorsAreAlignedFromTheStart() {
    var builder = FlatBufferBuilder()
    let odd = builder.bytes([1, 2, 3], alignment: 1)
    let data = builder.bytes([9, 8, 7, 6, 5], alignment: 16)
    builder.startTable()
    builder.add(0, data)
    builder.add(1, odd)
    let root = builder.endTable()
    let bytes = builder.finish(root: root, identifier: "TEST")
    let start = bytes.count - data.fromEnd + 4
    #expect(start % 16 == 0)
    #expect(Array(bytes[start..<(start + 5)]) == [9, 8, 7, 6, 5])
    #expect(bytes.count % 16 == 0)
  }
}
