import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// The ELF reader on files whose every byte the test wrote, in all four
/// class/byte-order combinations.
@Suite struct ELFReaderTests {
  static let layouts: [(Bool, Bool)] = [(false, true), (false, false), (true, true), (true, false)]

  @Test(arguments: [0, 1, 2, 3])
  func handBuiltObject(layout: Int) throws {
    let (is64, little) = Self.layouts[layout]
    let elf = try ELFFile(bytes: ELFTestBuilder.sample(is64: is64, littleEndian: little).bytes(), file: "m.o")
    #expect(elf.is64Bit == is64)
    #expect(elf.littleEndian == little)
    #expect(elf.type == .relocatable)
    #expect(elf.machine == 40)
    #expect(elf.sections.map(\.name) == ["", ".text.f", ".rodata.table", ".bss.buf", ".comment", ".symtab", ".strtab", ".shstrtab"])
    #expect(elf.sections.map(\.size) == [0, 16, 40, 100, 3, (is64 ? 24 : 16) * 7, 34, 67])
    let text = elf.sections[1], bss = elf.sections[3], comment = elf.sections[4]
    #expect(text.isAllocated && text.isExecutable && !text.isWritable && !text.isNoBits)
    #expect(bss.isAllocated && bss.isWritable && bss.isNoBits)
    #expect(!comment.isAllocated)
    #expect(elf.symbols.map(\.name) == ["", "m.c", "buf", "buf_alias", "f", "table", "printf"])
    #expect(elf.symbols.map(\.size) == [0, 0, 100, 100, 12, 40, 0])
    #expect(elf.symbols.map(\.sectionIndex) == [0, 0xFFF1, 3, 3, 1, 2, 0])
    let f = elf.symbols[4]
    #expect(f.kind == .function && f.binding == .global && f.value == 1 && f.start(machine: 40) == 0)
    #expect(f.start(machine: 62) == 1, "only ARM has the Thumb bit")
    #expect(elf.symbols[1].kind == .file)
    #expect(elf.symbols[2].file == "m.c" && elf.symbols[2].binding == .local && elf.symbols[2].kind == .object)
    #expect(elf.symbols[4].file == nil, "a global symbol's file is unknown")
    #expect(elf.section(of: elf.symbols[5])?.name == ".rodata.table")
    #expect(elf.section(of: elf.symbols[6]) == nil && elf.section(of: elf.symbols[1]) == nil)
  }

  @Test func attributionCountsAliasesOnceAndPaddingToTheFile() throws {
    let elf = try ELFFile(bytes: ELFTestBuilder.sample(is64: false, littleEndian: true).bytes())
    var attribution = SizeAttribution(models: [])
    attribution.add(elf, fileCategory: .glue)
    // f covers 12 of .text.f's 16 bytes; the other 4 and everything else is glue's file.
    #expect(attribution.categories[.glue] == SizeBreakdown(text: 16, rodata: 40, bss: 100))
    var linked = SizeAttribution(models: [])
    linked.add(elf)
    #expect(linked.categories[.other] == SizeBreakdown(text: 16, rodata: 40, bss: 100))
    #expect(linked.categories.count == 1)
  }

  /// A real object from the cross compiler, checked field by field against
  /// binutils' readelf.
  @Test func armObjectMatchesReadelf() throws {
    let dir = try ScratchDirectory(prefix: "edgec-elf")
    defer { dir.remove() }
    try dir.write([("m.c", """
      static const unsigned char table[37] = {1, 2, 3};
      const unsigned char *table_at(int i) { return &table[i]; }
      int counter;
      char buffer[123];
      static int helper(int x) { return x * x + counter++; }
      int f(int x) { buffer[x & 63] = (char)x; return helper(x) * 3 + helper(x + 1); }

      """)])
    let cc = try ProcessRunner.run(
      "arm-none-eabi-gcc",
      ["-mcpu=cortex-m7", "-mthumb", "-O1", "-ffunction-sections", "-fdata-sections", "-fno-inline", "-c", "m.c", "-o", "m.o"],
      directory: dir.path)
    try #require(cc.status == 0, "\(cc.stderr)")
    let elf = try ELFFile(contentsOf: "\(dir.path)/m.o")
    #expect(!elf.is64Bit && elf.littleEndian && elf.machine == 40 && elf.type == .relocatable)
    try expectAgreement(elf, readelf: "arm-none-eabi-readelf", object: "\(dir.path)/m.o")
    let byName = Dictionary(elf.symbols.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    #expect(byName["table"]?.size == 37 && byName["buffer"]?.size == 123 && byName["counter"]?.size == 4)
    #expect(byName["helper"]?.kind == .function && byName["helper"]?.file == "m.c")
    #expect(elf.section(of: try #require(byName["table"]))?.name == ".rodata.table")
  }

  /// The same on a host object: ELF64 (x86-64 or AArch64).
  @Test func hostObjectMatchesReadelf() throws {
    let dir = try ScratchDirectory(prefix: "edgec-elf")
    defer { dir.remove() }
    try dir.write([("m.c", "const char table[40] = {1};\nint f(int x) { return table[x] + x; }\n")])
    let cc = try ProcessRunner.run("cc", ["-O1", "-ffunction-sections", "-fdata-sections", "-c", "m.c", "-o", "m.o"], directory: dir.path)
    try #require(cc.status == 0, "\(cc.stderr)")
    let elf = try ELFFile(contentsOf: "\(dir.path)/m.o")
    #expect(elf.is64Bit && elf.littleEndian)
    try expectAgreement(elf, readelf: "readelf", object: "\(dir.path)/m.o")
  }

  /// Section names and sizes, symbol names, sizes and section indices, as
  /// `readelf -W -S -s` prints them.
  func expectAgreement(_ elf: ELFFile, readelf: String, object: String) throws {
    let sections = try ProcessRunner.run(readelf, ["-W", "-S", object])
    var expected: [(String, Int)] = []
    for line in sections.stdout.split(separator: "\n") {
      guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]"),
        Int(line[line.index(after: open)..<close].trimmingCharacters(in: .whitespaces)) != nil
      else { continue }
      let fields = line[line.index(after: close)...].split(separator: " ")
      // [Nr] Name Type Addr Off Size ...; the null section has no name.
      if fields.first == "NULL" { expected.append(("", 0)); continue }
      expected.append((String(fields[0]), Int(fields[4], radix: 16) ?? -1))
    }
    #expect(expected.map(\.0) == elf.sections.map(\.name))
    #expect(expected.map(\.1) == elf.sections.map(\.size))
    let symbols = try ProcessRunner.run(readelf, ["-W", "-s", object])
    var rows: [String] = []
    for line in symbols.stdout.split(separator: "\n") {
      let f = line.split(separator: " ", omittingEmptySubsequences: true)
      guard f.count >= 7, f[0].hasSuffix(":"), Int(f[0].dropLast()) != nil else { continue }
      let ndx = f[6] == "UND" ? "0" : f[6] == "ABS" ? "65521" : String(f[6])
      rows.append("\(f.count > 7 ? String(f[7]) : "") \(Int(f[2]) ?? -1) \(ndx)")
    }
    // readelf names a section symbol after its section.
    #expect(rows == elf.symbols.map { symbol in
      let name = symbol.kind == .section ? elf.section(of: symbol)?.name ?? "?" : symbol.name
      return "\(name) \(symbol.size) \(symbol.sectionIndex)"
    })
  }
}
