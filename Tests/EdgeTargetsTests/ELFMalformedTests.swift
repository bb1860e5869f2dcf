import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// Truncated and garbled ELF files: every one is an `EdgeError` naming a
/// byte offset, never a trap; attribution of whatever does parse never traps.
@Suite struct ELFMalformedTests {
  /// The hand-built ELF32 little-endian sample: 52-byte header, section
  /// headers at byte 344 (8 of 40 bytes), .symtab at 120, .strtab at 232,
  /// .shstrtab at 272.
  static let sample = ELFTestBuilder.sample(is64: false, littleEndian: true).bytes()

  func failure(_ bytes: [UInt8]) -> EdgeError? {
    do {
      _ = try ELFFile(bytes: bytes, file: "bad.o")
      return nil
    } catch let error as EdgeError {
      return error
    } catch {
      Issue.record("not an EdgeError: \(error)")
      return nil
    }
  }

  func patched(_ offset: Int, _ values: [UInt8]) -> [UInt8] {
    var bytes = Self.sample
    bytes.replaceSubrange(offset..<offset + values.count, with: values)
    return bytes
  }

  @Test func sampleLayoutIsWhatTheseTestsAssume() throws {
    #expect(Self.sample.count == 344 + 8 * 40)
    let elf = try ELFFile(bytes: Self.sample)
    #expect(elf.sections.map(\.offset) == [0, 56, 72, 112, 112, 120, 232, 272])
  }

  @Test func everyTruncationIsAnErrorWithAnOffset() {
    for length in 0..<Self.sample.count {
      let error = failure(Array(Self.sample.prefix(length)))
      #expect(error?.kind == .invalidInput, "length \(length)")
      #expect(error?.location.byteOffset != nil, "length \(length): \(String(describing: error))")
      #expect(error?.location.file == "bad.o")
    }
  }

  @Test(arguments: [
    // (what, offset, new bytes, expected byte offset, words in the message)
    ("magic", 1, [0x00], 0, "not an ELF file"),
    ("class", 4, [9], 4, "ELF class 9"),
    ("byte order", 5, [3], 5, "data encoding 3"),
    ("section header size", 46, [20, 0], 46, "e_shentsize is 20"),
    ("name table index", 50, [200, 0], 50, "e_shstrndx 200"),
    ("section header offset", 32, [0x00, 0xFF, 0xFF, 0xFF], 0xFFFF_FF00, "outside the file"),
    ("section count", 48, [0xF0, 0xFF], 344, "do not fit"),
    ("section name offset", 344 + 40, [0xFF, 0x00, 0x00, 0x00], 272, "name offset 255"),
    ("symtab link", 344 + 5 * 40 + 24, [1, 0, 0, 0], 120, "not a string table"),
    ("symtab entry size", 344 + 5 * 40 + 36, [0, 0, 0, 0], 120, "entries of 0 bytes"),
    ("symtab size", 344 + 5 * 40 + 20, [0, 0, 0, 0x10], 120, "outside the file"),
    ("unterminated name", 232 + 33, [0x41], 259, "not NUL-terminated"),
  ] as [(String, Int, [UInt8], Int, String)])
  func corruptedField(what: String, offset: Int, values: [UInt8], at expectedOffset: Int, message: String) {
    let error = failure(patched(offset, values))
    #expect(error?.location.byteOffset == expectedOffset, "\(what): \(String(describing: error))")
    #expect(error?.message.contains(message) == true, "\(what): \(String(describing: error))")
  }

  /// Random byte flips of the sample and of a real cross-compiled object.
  @Test func garbledFilesNeverTrap() throws {
    let dir = try ScratchDirectory(prefix: "edgec-elf")
    defer { dir.remove() }
    try dir.write([("k.c", "const signed char w[300] = {1};\nint k(int i) { return w[i] * 2; }\nchar a[64];\n")])
    let cc = try ProcessRunner.run(
      "arm-none-eabi-gcc", ["-mcpu=cortex-m4", "-mthumb", "-Os", "-fdata-sections", "-c", "k.c", "-o", "k.o"],
      directory: dir.path)
    try #require(cc.status == 0, "\(cc.stderr)")
    let object = [UInt8](try #require(FileManager.default.contents(atPath: "\(dir.path)/k.o")))
    var rng = SplitMix64(seed: 0xE1F)
    var parsed = 0, rejected = 0
    for original in [Self.sample, object] {
      for _ in 0..<1500 {
        var bytes = original
        for _ in 0..<Int(rng.next() % 4 + 1) {
          let at = Int(rng.next() % UInt64(bytes.count))
          bytes[at] = UInt8(truncatingIfNeeded: rng.next())
        }
        do {
          let elf = try ELFFile(bytes: bytes)
          var attribution = SizeAttribution(models: SizeAttribution.models(in: elf) + ["k"])
          attribution.add(elf, fileCategory: .kernels)
          parsed += 1
        } catch let error as EdgeError {
          #expect(error.location.byteOffset != nil, "\(error)")
          rejected += 1
        }
      }
    }
    #expect(parsed + rejected == 3000)
    #expect(rejected > 0 && parsed > 0, "flips should both break and spare files: \(parsed) parsed")
  }
}

/// A small deterministic generator, so a failing mutation can be replayed.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
