import EdgeCore

/// One symbol-table entry, with the source file it came from when the
/// compiler said so: a local symbol follows the STT_FILE entry of its
/// translation unit, which is how `edgec size` tells a kernel's static helper
/// from the application's in a linked firmware.
public struct ELFSymbol: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    case none, object, function, section, file, common, tls, other(UInt8)
  }

  public enum Binding: Sendable, Equatable {
    case local, global, weak, other(UInt8)
  }

  public var name: String
  /// The address (linked files) or the offset in its section (objects). For
  /// Thumb functions the low bit is the ARM interworking bit, not an address
  /// bit; `start` clears it.
  public var value: UInt64
  public var size: Int
  public var kind: Kind
  public var binding: Binding
  /// `st_shndx`: 0 undefined, 0xFFF1 absolute, 0xFFF2 common.
  public var sectionIndex: UInt16
  /// The STT_FILE name of the translation unit, for local symbols.
  public var file: String?

  public init(
    name: String, value: UInt64, size: Int, kind: Kind, binding: Binding, sectionIndex: UInt16, file: String? = nil
  ) {
    self.name = name
    self.value = value
    self.size = size
    self.kind = kind
    self.binding = binding
    self.sectionIndex = sectionIndex
    self.file = file
  }

  /// The first byte the symbol covers (the Thumb bit cleared on ARM functions).
  public func start(machine: UInt16) -> UInt64 {
    kind == .function && machine == ELFFile.machineARM ? value & ~1 : value
  }

  static func readTable(_ table: ELFSection, in sections: [ELFSection], _ r: ELFBytes, wide: Bool) throws
    -> [ELFSymbol]
  {
    let entry = wide ? 24 : 16
    guard table.entrySize == entry else {
      throw r.error(
        "symbol table '\(table.name)' (section \(table.index)) has entries of \(table.entrySize) bytes, expected \(entry)",
        at: table.offset)
    }
    try r.check(table.offset, table.size, "symbol table '\(table.name)' (section \(table.index))")
    let link = Int(table.link)
    guard link > 0, link < sections.count, sections[link].type == ELFSection.stringTable else {
      throw r.error(
        "symbol table '\(table.name)' links to section \(link), which is not a string table", at: table.offset)
    }
    let strings = sections[link]
    try r.check(strings.offset, strings.size, "string table '\(strings.name)' (section \(link))")
    var symbols: [ELFSymbol] = []
    var currentFile: String?
    for index in 0..<(table.size / entry) {
      let base = table.offset + index * entry
      let what = "symbol \(index) at byte \(base)"
      let nameOffset = Int(try r.u32(base, what))
      let info = try r.u8(base + (wide ? 4 : 12), what)
      let shndx = try r.u16(base + (wide ? 6 : 14), what)
      let value = try r.word(base + (wide ? 8 : 4), wide: wide, what)
      let size = try r.offsetWord(base + (wide ? 16 : 8), wide: wide, "\(what): st_size")
      let name = try r.string(at: nameOffset, inTable: strings.offset, size: strings.size, what)
      let kind = Kind(info & 0xF)
      let binding = Binding(info >> 4)
      if kind == .file { currentFile = name }
      symbols.append(
        ELFSymbol(
          name: name, value: value, size: size, kind: kind, binding: binding, sectionIndex: shndx,
          file: binding == .local && kind != .file ? currentFile : nil))
    }
    return symbols
  }
}

extension ELFSymbol.Kind {
  init(_ raw: UInt8) {
    switch raw {
    case 0: self = .none
    case 1: self = .object
    case 2: self = .function
    case 3: self = .section
    case 4: self = .file
    case 5: self = .common
    case 6: self = .tls
    default: self = .other(raw)
    }
  }
}

extension ELFSymbol.Binding {
  init(_ raw: UInt8) {
    switch raw {
    case 0: self = .local
    case 1: self = .global
    case 2: self = .weak
    default: self = .other(raw)
    }
  }
}
