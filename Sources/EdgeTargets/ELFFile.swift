import EdgeCore
import Foundation

/// An ELF file's header, section headers and symbol table: what `edgec size`
/// needs to attribute every allocated byte of an object or a linked firmware
/// to a symbol. ELF32 and ELF64, either byte order (ARM objects and
/// firmware are ELF32 little-endian; host objects are ELF64). Program
/// headers, relocations and DWARF are not read.
public struct ELFFile: Sendable {
  public enum FileType: Sendable, Equatable {
    case relocatable, executable, sharedObject, core, other(UInt16)
  }

  public var is64Bit: Bool
  public var littleEndian: Bool
  public var type: FileType
  /// `e_machine`: 40 is ARM, 62 is x86-64, 183 is AArch64.
  public var machine: UInt16
  public var entry: UInt64
  /// Every section header, in file order; index 0 is the null section.
  public var sections: [ELFSection]
  /// `.symtab` (or `.dynsym` when the file was stripped of `.symtab`), in
  /// table order; empty when the file has neither.
  public var symbols: [ELFSymbol]

  public static let machineARM: UInt16 = 40

  public init(contentsOf path: String) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EdgeError(.invalidInput, "cannot read \(path)")
    }
    try self.init(bytes: [UInt8](data), file: path)
  }

  public init(bytes: [UInt8], file: String? = nil) throws {
    let probe = ELFBytes(bytes: bytes, littleEndian: true, file: file)
    guard bytes.count >= 16, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
      throw probe.error("not an ELF file: the first 4 bytes are not 7F 'E' 'L' 'F'", at: 0)
    }
    switch bytes[4] {
    case 1: is64Bit = false
    case 2: is64Bit = true
    default: throw probe.error("ELF class \(bytes[4]) is neither 1 (32-bit) nor 2 (64-bit)", at: 4)
    }
    switch bytes[5] {
    case 1: littleEndian = true
    case 2: littleEndian = false
    default: throw probe.error("ELF data encoding \(bytes[5]) is neither 1 (little) nor 2 (big endian)", at: 5)
    }
    let r = ELFBytes(bytes: bytes, littleEndian: littleEndian, file: file)
    let wide = is64Bit
    try r.check(0, wide ? 64 : 52, "the ELF header")
    switch try r.u16(16, "e_type") {
    case 1: type = .relocatable
    case 2: type = .executable
    case 3: type = .sharedObject
    case 4: type = .core
    case let t: type = .other(t)
    }
    machine = try r.u16(18, "e_machine")
    entry = try r.word(24, wide: wide, "e_entry")
    let shoff = try r.offsetWord(wide ? 40 : 32, wide: wide, "e_shoff")
    let shentsize = Int(try r.u16(wide ? 58 : 46, "e_shentsize"))
    var shnum = Int(try r.u16(wide ? 60 : 48, "e_shnum"))
    var shstrndx = Int(try r.u16(wide ? 62 : 50, "e_shstrndx"))
    sections = []
    symbols = []
    guard shoff != 0 else { return }  // no section headers: nothing to attribute
    let expected = wide ? 64 : 40
    guard shentsize == expected else {
      throw r.error("e_shentsize is \(shentsize); an ELF\(wide ? 64 : 32) section header is \(expected) bytes", at: wide ? 58 : 46)
    }
    var headers = [try ELFSection.read(r, at: shoff, index: 0, wide: wide)]
    // Extended numbering (more than 0xff00 sections): the real count and the
    // name table's index live in section 0.
    if shnum == 0 { shnum = headers[0].size }
    if shstrndx == 0xFFFF { shstrndx = Int(headers[0].link) }
    guard shnum <= (r.count - shoff) / shentsize else {
      throw r.error(
        "\(shnum) section headers of \(shentsize) bytes at byte \(shoff) do not fit in the file of \(r.count) bytes",
        at: shoff)
    }
    for index in 1..<max(shnum, 1) {
      headers.append(try ELFSection.read(r, at: shoff + index * shentsize, index: index, wide: wide))
    }
    if shstrndx != 0 {
      guard shstrndx < headers.count else {
        throw r.error("e_shstrndx \(shstrndx) names no section (the file has \(headers.count))", at: wide ? 62 : 50)
      }
      let names = headers[shstrndx]
      try r.check(names.offset, names.size, "the section-name table (section \(shstrndx))")
      for index in headers.indices {
        headers[index].name = try r.string(
          at: Int(headers[index].nameOffset), inTable: names.offset, size: names.size,
          "section \(index) (header at byte \(shoff + index * shentsize))")
      }
    }
    sections = headers
    let table = sections.first { $0.type == ELFSection.symbolTable } ?? sections.first { $0.type == ELFSection.dynamicSymbolTable }
    if let table { symbols = try ELFSymbol.readTable(table, in: sections, r, wide: wide) }
  }

  /// The section a symbol is defined in, or nil for undefined, absolute and
  /// common symbols (and out-of-range indices, which a garbled file may hold).
  public func section(of symbol: ELFSymbol) -> ELFSection? {
    let index = Int(symbol.sectionIndex)
    guard index != 0, index < 0xFF00, index < sections.count else { return nil }
    return sections[index]
  }
}

/// One section header. Sizes and offsets are `Int`: the reader refuses
/// values no real file has before converting.
public struct ELFSection: Sendable, Equatable {
  public var index: Int
  public var name: String = ""
  var nameOffset: UInt32
  public var type: UInt32
  public var flags: UInt64
  public var address: UInt64
  public var offset: Int
  public var size: Int
  public var link: UInt32
  public var info: UInt32
  public var alignment: UInt64
  public var entrySize: Int

  public static let progbits: UInt32 = 1, symbolTable: UInt32 = 2, stringTable: UInt32 = 3
  public static let nobits: UInt32 = 8, dynamicSymbolTable: UInt32 = 11

  /// Occupies memory at run time (SHF_ALLOC).
  public var isAllocated: Bool { flags & 0x2 != 0 }
  /// SHF_WRITE: RAM at run time.
  public var isWritable: Bool { flags & 0x1 != 0 }
  /// SHF_EXECINSTR: code.
  public var isExecutable: Bool { flags & 0x4 != 0 }
  /// SHT_NOBITS (`.bss`): takes RAM, no bytes in the file or in flash.
  public var isNoBits: Bool { type == ELFSection.nobits }

  static func read(_ r: ELFBytes, at base: Int, index: Int, wide: Bool) throws -> ELFSection {
    let what = "section header \(index) at byte \(base)"
    try r.check(base, wide ? 64 : 40, what)
    let w = wide ? 8 : 4
    return ELFSection(
      index: index,
      nameOffset: try r.u32(base, what),
      type: try r.u32(base + 4, what),
      flags: try r.word(base + 8, wide: wide, what),
      address: try r.word(base + 8 + w, wide: wide, what),
      offset: try r.offsetWord(base + 8 + 2 * w, wide: wide, "\(what): sh_offset"),
      size: try r.offsetWord(base + 8 + 3 * w, wide: wide, "\(what): sh_size"),
      link: try r.u32(base + 8 + 4 * w, what),
      info: try r.u32(base + 12 + 4 * w, what),
      alignment: try r.word(base + 16 + 4 * w, wide: wide, what),
      entrySize: try r.offsetWord(base + 16 + 5 * w, wide: wide, "\(what): sh_entsize"))
  }
}
