import EdgeCore
import Testing

@testable import EdgeImport

/// The reader on hand-written bytes. Every buffer here is
///   0: root uoffset = 16      4: "TFL3"
///   8: vtable [vtable bytes 6, inline bytes 8, field 0 at +4]   (2 bytes pad)
///  16: table soffset = 8 (vtable at 16 - 8)
///  20: field 0 (u32; a scalar, or a uoffset to what follows at 24)
///  24: `tail`
private func buffer(field: UInt32, tail: [UInt8] = [], vtable: [UInt16] = [6, 8, 4]) -> [UInt8] {
  var bytes: [UInt8] = [16, 0, 0, 0] + Array("TFL3".utf8)
  for v in vtable { bytes += [UInt8(v & 0xff), UInt8(v >> 8)] }
  while bytes.count < 16 { bytes.append(0) }
  bytes += [8, 0, 0, 0]
  bytes += le(field)
  return bytes + tail
}

private func le(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }

private func readerError(_ body: () throws -> Void) -> EdgeError? {
  do {
    try body()
    return nil
  } catch let error as EdgeError {
    return error
  } catch {
    return nil
  }
}

@Suite struct FlatBufferReaderTests {
  @Test func readsAScalarFieldAndDefaultsForAbsentOnes() throws {
    let file = FlatBuffer(buffer(field: 42))
    let root = try file.root(identifier: "TFL3")
    #expect(root.position == 16)
    #expect(root.vtable == 8)
    #expect(try root.scalar(4, default: UInt32(0), "f") == 42)
    // Slot 6 lies past the 6-byte vtable: absent, so the default.
    #expect(try root.scalar(6, default: Int32(-7), "f") == -7)
    #expect(try root.table(6, "t") == nil)
  }

  @Test func zeroFieldOffsetMeansAbsent() throws {
    let file = FlatBuffer(buffer(field: 42, vtable: [6, 8, 0]))
    #expect(try file.root(identifier: "TFL3").scalar(4, default: UInt32(5), "f") == 5)
  }

  @Test func readsAVectorOfInt32() throws {
    let file = FlatBuffer(buffer(field: 4, tail: le(3) + le(7) + le(UInt32(bitPattern: -1)) + le(9)))
    let vector = try #require(try file.root(identifier: "TFL3").vector(4, elementSize: 4, "v"))
    #expect(vector.position == 24)
    #expect(vector.count == 3)
    #expect(vector.elements(as: Int32.self) == [7, -1, 9])
  }

  @Test func readsAString() throws {
    let file = FlatBuffer(buffer(field: 4, tail: le(4) + Array("héj".utf8) + [0]))
    #expect(try file.root(identifier: "TFL3").string(4, "s") == "héj")
  }

  @Test func wrongIdentifierNamesWhatItFound() {
    var bytes = buffer(field: 1)
    bytes.replaceSubrange(4..<8, with: Array("ABCD".utf8))
    let error = readerError { _ = try FlatBuffer(bytes).root(identifier: "TFL3") }
    #expect(error?.kind == .malformedModel)
    #expect(error?.location.byteOffset == 4)
    #expect(error?.message.hasPrefix("file identifier at byte 4 is 'ABCD', expected 'TFL3'") == true)
  }

  @Test func fileShorterThanTheHeader() {
    let error = readerError { _ = try FlatBuffer([16, 0, 0, 0, 84]).root(identifier: "TFL3") }
    #expect(error?.kind == .malformedModel)
    #expect(error?.location.byteOffset == 0)
    #expect(error?.message.contains("the file is 5 bytes long, too short") == true)
  }

  @Test func rootOffsetPastTheEnd() {
    var bytes = buffer(field: 1)
    bytes.replaceSubrange(0..<4, with: le(1000))
    let error = readerError { _ = try FlatBuffer(bytes).root(identifier: "TFL3") }
    #expect(error?.location.byteOffset == 0)
    #expect(error?.message == "root table offset at byte 0 points to byte 1000, past the end of the file (24 bytes)")
  }

  @Test func vtableOutsideTheFile() {
    var bytes = buffer(field: 1)
    bytes.replaceSubrange(16..<20, with: le(UInt32(bitPattern: -5000)))
    let error = readerError { _ = try FlatBuffer(bytes).root(identifier: "TFL3") }
    #expect(error?.location.byteOffset == 16)
    #expect(error?.message == "root table at byte 16 has its vtable at byte 5016, outside the file (24 bytes)")
  }

  @Test func truncatedVtable() {
    let error = readerError { _ = try FlatBuffer(buffer(field: 1, vtable: [200, 8, 4])).root(identifier: "TFL3") }
    #expect(error?.location.byteOffset == 8)
    #expect(error?.message.contains("vtable at byte 8 is truncated: it declares 200 bytes, which run past the end of the file (24 bytes)") == true)
  }

  @Test func oddVtableSize() {
    let error = readerError { _ = try FlatBuffer(buffer(field: 1, vtable: [5, 8, 4])).root(identifier: "TFL3") }
    #expect(error?.message.contains("invalid size of 5 bytes") == true)
  }

  @Test func inlineSizePastTheEnd() {
    let error = readerError { _ = try FlatBuffer(buffer(field: 1, vtable: [6, 64, 4])).root(identifier: "TFL3") }
    #expect(error?.location.byteOffset == 16)
    #expect(error?.message.contains("declares 64 inline bytes, which run past the end of the file (24 bytes)") == true)
  }

  @Test func fieldOutsideItsTable() throws {
    // Field 0 claims inline offset 6; a u32 there would end at 10 > 8 inline bytes.
    let root = try FlatBuffer(buffer(field: 1, vtable: [6, 8, 6])).root(identifier: "TFL3")
    let error = readerError { _ = try root.scalar(4, default: UInt32(0), "tensor 3 'x': buffer index") }
    #expect(error?.location.byteOffset == 12)
    #expect(error?.message.hasPrefix("tensor 3 'x': buffer index field (vtable slot 4) of the table at byte 16") == true)
    // The same field read as one byte fits.
    #expect(try root.scalar(4, default: UInt8(0), "f") == 0)
  }

  @Test func referencePastTheEnd() throws {
    let root = try FlatBuffer(buffer(field: 0x7FFF_FFFF)).root(identifier: "TFL3")
    let error = readerError { _ = try root.vector(4, elementSize: 4, "tensor 1 'w': shape") }
    #expect(error?.location.byteOffset == 20)
    #expect(error?.message == "tensor 1 'w': shape offset at byte 20 points to byte 2147483667, past the end of the file (24 bytes)")
  }

  @Test func vectorLengthPastTheEnd() throws {
    let root = try FlatBuffer(buffer(field: 4, tail: le(0xFFFF_FFFF) + le(1))).root(identifier: "TFL3")
    let error = readerError { _ = try root.vector(4, elementSize: 8, "tensor 12 'conv/w': shape") }
    #expect(error?.kind == .malformedModel)
    #expect(error?.location.byteOffset == 24)
    #expect(
      error?.message == "tensor 12 'conv/w': shape vector at byte 24 (4294967295 elements of 8 bytes) "
        + "runs past the end of the file (32 bytes)")
  }

  @Test func vectorLengthWordItselfCut() throws {
    let root = try FlatBuffer(buffer(field: 4, tail: [1, 0])).root(identifier: "TFL3")
    let error = readerError { _ = try root.vector(4, elementSize: 4, "v") }
    #expect(error?.message == "v vector length at byte 24 runs past the end of the file (26 bytes)")
  }

  @Test func stringWithoutTerminator() throws {
    let root = try FlatBuffer(buffer(field: 4, tail: le(2) + [65, 66, 67])).root(identifier: "TFL3")
    let error = readerError { _ = try root.string(4, "name") }
    #expect(error?.location.byteOffset == 24)
    #expect(error?.message == "name string at byte 24 (2 bytes) is not NUL-terminated")
  }

  @Test func stringRunningPastTheEnd() throws {
    let root = try FlatBuffer(buffer(field: 4, tail: le(3) + [65, 66, 67])).root(identifier: "TFL3")
    let error = readerError { _ = try root.string(4, "name") }
    #expect(error?.message.contains("name string at byte 24 (3 bytes plus its NUL terminator) runs past") == true)
  }

  @Test func stringThatIsNotUTF8() throws {
    let root = try FlatBuffer(buffer(field: 4, tail: le(2) + [0xC3, 0x28, 0])).root(identifier: "TFL3")
    let error = readerError { _ = try root.string(4, "name") }
    #expect(error?.message == "name string at byte 24 is not valid UTF-8")
  }

  @Test func vectorOfTablesWithABadElement() throws {
    // A one-element vector whose element offset points far away.
    let root = try FlatBuffer(buffer(field: 4, tail: le(1) + le(0x1000))).root(identifier: "TFL3")
    let vector = try #require(try root.vector(4, elementSize: 4, "tensors"))
    let error = readerError { _ = try vector.table(0, "tensor 0") }
    #expect(error?.location.byteOffset == 28)
    #expect(error?.message == "tensor 0 offset at byte 28 points to byte 4124, past the end of the file (32 bytes)")
  }

  @Test func unionReadsTypeThenTable() throws {
    // vtable: 8 bytes, fields 0 (u8 type at +4) and 1 (uoffset at +8), inline 12.
    var bytes: [UInt8] = [16, 0, 0, 0] + Array("TFL3".utf8) + [8, 0, 12, 0, 4, 0, 8, 0]
    bytes += [8, 0, 0, 0]  // table at 16, vtable at 8
    bytes += [5, 0, 0, 0]  // type 5
    bytes += le(4)  // → 28
    // Nested table at 28 with an empty 4-byte vtable at 32? Place vtable before: use soffset -4.
    bytes += le(UInt32(bitPattern: -4))  // table at 28, vtable at 32
    bytes += [4, 0, 4, 0]
    let root = try FlatBuffer(bytes).root(identifier: "TFL3")
    let union = try root.union(typeSlot: 4, valueSlot: 6, "options")
    #expect(union.type == 5)
    #expect(union.table?.position == 28)
    #expect(union.table?.vtable == 32)
  }
}
