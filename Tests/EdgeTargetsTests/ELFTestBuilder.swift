/// Writes small ELF files by hand, so the reader's tests know every byte:
/// the ELF header, the sections' contents, then the section header table.
/// `.symtab`, `.strtab` and `.shstrtab` are appended after the given sections.
struct ELFTestBuilder {
  struct Section {
    var name: String
    var type: UInt32
    var flags: UInt64
    var address: UInt64 = 0
    /// Contents; for NOBITS only `size` counts.
    var contents: [UInt8] = []
    var size: Int? = nil
    var alignment: UInt64 = 4
  }

  struct Symbol {
    var name: String
    var value: UInt64
    var size: UInt64
    /// (binding << 4) | type
    var info: UInt8
    var section: UInt16
  }

  var is64: Bool
  var littleEndian: Bool
  var type: UInt16 = 1
  var machine: UInt16 = 40
  var sections: [Section] = []
  /// Locals first, as ELF requires; the null symbol is added.
  var symbols: [Symbol] = []

  /// Section index of `sections[i]` in the file.
  static func index(_ i: Int) -> UInt16 { UInt16(i + 1) }

  func bytes() -> [UInt8] {
    var out: [UInt8] = []
    func put(_ value: UInt64, _ width: Int) {
      for i in 0..<width {
        let shift = UInt64(8 * (littleEndian ? i : width - 1 - i))
        out.append(UInt8(truncatingIfNeeded: value >> shift))
      }
    }
    let word = is64 ? 8 : 4
    // String tables.
    var strtab: [UInt8] = [0], shstrtab: [UInt8] = [0]
    func intern(_ s: String, _ table: inout [UInt8]) -> UInt32 {
      let offset = UInt32(table.count)
      table += Array(s.utf8) + [0]
      return offset
    }
    var symtab: [UInt8] = []
    let symbolEntries = [Symbol(name: "", value: 0, size: 0, info: 0, section: 0)] + symbols
    let firstGlobal = symbolEntries.firstIndex { $0.info >> 4 != 0 } ?? symbolEntries.count
    do {
      let saved = out
      out = []
      for symbol in symbolEntries {
        let name = symbol.name.isEmpty ? 0 : intern(symbol.name, &strtab)
        if is64 {
          put(UInt64(name), 4); put(UInt64(symbol.info), 1); put(0, 1); put(UInt64(symbol.section), 2)
          put(symbol.value, 8); put(symbol.size, 8)
        } else {
          put(UInt64(name), 4); put(symbol.value, 4); put(symbol.size, 4); put(UInt64(symbol.info), 1)
          put(0, 1); put(UInt64(symbol.section), 2)
        }
      }
      symtab = out
      out = saved
    }
    let symtabIndex = sections.count + 1, strtabIndex = symtabIndex + 1
    var all = sections
    all.append(Section(name: ".symtab", type: 2, flags: 0, contents: symtab))
    all.append(Section(name: ".strtab", type: 3, flags: 0, contents: strtab, alignment: 1))
    all.append(Section(name: ".shstrtab", type: 3, flags: 0, alignment: 1))
    let names = all.map { intern($0.name, &shstrtab) }
    all[all.count - 1].contents = shstrtab
    // Header (filled in after the layout is known).
    let headerSize = is64 ? 64 : 52
    var offsets: [Int] = []
    var data: [UInt8] = []
    for section in all {
      while (headerSize + data.count) % 8 != 0 { data.append(0) }
      offsets.append(headerSize + data.count)
      if section.type != 8 { data += section.contents }
    }
    while (headerSize + data.count) % 8 != 0 { data.append(0) }
    let shoff = headerSize + data.count
    out += [0x7F, 0x45, 0x4C, 0x46, is64 ? 2 : 1, littleEndian ? 1 : 2, 1, 0] + [UInt8](repeating: 0, count: 8)
    put(UInt64(type), 2); put(UInt64(machine), 2); put(1, 4)
    put(0, word); put(0, word); put(UInt64(shoff), word)  // entry, phoff, shoff
    put(0, 4); put(UInt64(headerSize), 2); put(0, 2); put(0, 2)  // flags, ehsize, phentsize, phnum
    put(is64 ? 64 : 40, 2); put(UInt64(all.count + 1), 2); put(UInt64(all.count), 2)
    out += data
    // Section headers: the null one, then each.
    out += [UInt8](repeating: 0, count: is64 ? 64 : 40)
    for (i, section) in all.enumerated() {
      put(UInt64(names[i]), 4); put(UInt64(section.type), 4); put(section.flags, word); put(section.address, word)
      put(UInt64(offsets[i]), word); put(UInt64(section.size ?? section.contents.count), word)
      let isSymtab = i + 1 == symtabIndex
      put(isSymtab ? UInt64(strtabIndex) : 0, 4); put(isSymtab ? UInt64(firstGlobal) : 0, 4)
      put(section.alignment, word); put(isSymtab ? UInt64(is64 ? 24 : 16) : 0, word)
    }
    return out
  }

  /// A relocatable ARM-like object: a 12-byte function (Thumb), a 40-byte
  /// constant, 100 bytes of .bss with an alias, and a source-file symbol.
  static func sample(is64: Bool, littleEndian: Bool) -> ELFTestBuilder {
    var b = ELFTestBuilder(is64: is64, littleEndian: littleEndian)
    b.sections = [
      Section(name: ".text.f", type: 1, flags: 0x6, contents: [UInt8](repeating: 0xAA, count: 16)),
      Section(name: ".rodata.table", type: 1, flags: 0x2, contents: [UInt8](repeating: 7, count: 40)),
      Section(name: ".bss.buf", type: 8, flags: 0x3, size: 100),
      Section(name: ".comment", type: 1, flags: 0, contents: Array("GCC".utf8)),
    ]
    b.symbols = [
      Symbol(name: "m.c", value: 0, size: 0, info: 0x04, section: 0xFFF1),
      Symbol(name: "buf", value: 0, size: 100, info: 0x01, section: index(2)),
      Symbol(name: "buf_alias", value: 0, size: 100, info: 0x01, section: index(2)),
      Symbol(name: "f", value: 1, size: 12, info: 0x12, section: index(0)),
      Symbol(name: "table", value: 0, size: 40, info: 0x11, section: index(1)),
      Symbol(name: "printf", value: 0, size: 0, info: 0x10, section: 0),
    ]
    return b
  }
}
