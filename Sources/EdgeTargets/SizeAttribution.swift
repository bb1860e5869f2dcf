import EdgeCore

/// Splits every allocated byte of ELF files into `SizeCategory` ×
/// text/rodata/data/bss. Each allocated section is walked by its sized
/// symbols in address order (aliases and overlaps are counted once); the
/// bytes no symbol covers (alignment padding, literal pools without a
/// symbol, string literals) go to the category of the file they came from
/// when known, else to `other`. So the categories always sum to the
/// sections' sizes — nothing is lost or counted twice.
public struct SizeAttribution {
  /// Model names: the prefixes of the generated symbols.
  public var models: [String]
  public private(set) var categories: [SizeCategory: SizeBreakdown] = [:]
  /// Bytes of NOBITS sections named like a stack (`.stack`, `._user_heap_stack`).
  public private(set) var stackSectionBytes = 0

  /// Longest first, so `kws_big_t3` is matched by the model `kws_big`, not `kws`.
  public init(models: [String]) { self.models = models.sorted { $0.count > $1.count } }

  /// Adds one file. `fileCategory` is where uncovered bytes go (a build
  /// directory knows which generated file an object came from); nil means
  /// `other`, right for a linked firmware whose padding belongs to no one.
  public mutating func add(_ elf: ELFFile, fileCategory: SizeCategory? = nil) {
    let linked = elf.type != .relocatable
    var bySection: [Int: [ELFSymbol]] = [:]
    for symbol in elf.symbols where symbol.size > 0 {
      switch symbol.kind {
      case .object, .function, .none, .tls:
        if symbol.sectionIndex == 0xFFF2 {  // a COMMON symbol: .bss the linker will allocate
          add(category(of: symbol) ?? fileCategory ?? .other, SizeBreakdown(bss: symbol.size))
        } else if let section = elf.section(of: symbol) {
          bySection[section.index, default: []].append(symbol)
        }
      default: continue
      }
    }
    for section in elf.sections where section.isAllocated && section.size > 0 {
      if linked && section.isNoBits && section.name.lowercased().contains("stack") {
        stackSectionBytes += section.size
        continue
      }
      let base = linked ? section.address : 0
      let symbols = (bySection[section.index] ?? []).sorted { $0.start(machine: elf.machine) < $1.start(machine: elf.machine) }
      var cursor = 0, covered = 0
      for symbol in symbols {
        let address = symbol.start(machine: elf.machine)
        guard address >= base, address - base < UInt64(section.size) else { continue }
        let start = max(Int(address - base), cursor)
        let end = min(Int(address - base) + symbol.size, section.size)
        guard end > start else { continue }
        add(category(of: symbol) ?? fileCategory ?? .other, breakdown(end - start, in: section, symbol: symbol))
        covered += end - start
        cursor = end
      }
      if section.size > covered {
        add(fileCategory ?? .other, breakdown(section.size - covered, in: section, symbol: nil))
      }
    }
  }

  private mutating func add(_ category: SizeCategory, _ bytes: SizeBreakdown) {
    categories[category] = (categories[category] ?? SizeBreakdown()) + bytes
  }

  /// Which memory `bytes` of `section` occupy. Constants a linker script
  /// merged into an executable output section still count as rodata.
  private func breakdown(_ bytes: Int, in section: ELFSection, symbol: ELFSymbol?) -> SizeBreakdown {
    if section.isNoBits { return SizeBreakdown(bss: bytes) }
    if section.isWritable { return SizeBreakdown(data: bytes) }
    if section.isExecutable && symbol?.kind != .object { return SizeBreakdown(text: bytes) }
    return SizeBreakdown(rodata: bytes)
  }

  /// The category a symbol's name (or, for a static symbol, its source
  /// file) says it belongs to; nil when neither says.
  public func category(of symbol: ELFSymbol) -> SizeCategory? {
    let name = symbol.name
    for model in models where name.hasPrefix(model + "_") {
      let rest = name.dropFirst(model.count + 1)
      if rest.hasPrefix("arena") { return .arena }
      if rest.first == "t", rest.count > 1, rest.dropFirst().allSatisfy(\.isASCIIDigit) { return .weights }
      return .glue
    }
    // The arena of models compiled together (EdgeCodegen's SharedArena).
    if name == "edgec_shared_arena" { return .arena }
    if name.hasPrefix("edgec_") { return .kernels }
    if let file = symbol.file.map(baseName) {
      if file.hasPrefix("edgec_") { return .kernels }
      for model in models {
        if file == "\(model)_weights.c" { return .weights }
        if file == "\(model).c" { return .glue }
      }
    }
    // op<N>_params and op<N>_<table>: the parameter structs of the model's
    // kernel calls (static, so a stripped-down symbol table may lack the file).
    if name.hasPrefix("op") {
      let digits = name.dropFirst(2).prefix { $0.isASCIIDigit }
      if !digits.isEmpty, name.dropFirst(2 + digits.count).first == "_" { return .glue }
    }
    return nil
  }

  /// The models an ELF holds: every `<model>_invoke` function defined in it.
  public static func models(in elf: ELFFile) -> [String] {
    let names = elf.symbols.filter { $0.kind == .function && $0.sectionIndex != 0 && $0.name.hasSuffix("_invoke") }
      .map { String($0.name.dropLast("_invoke".count)) }.filter { !$0.isEmpty }
    return Array(Set(names)).sorted()
  }
}

private func baseName(_ path: String) -> String {
  path.split(separator: "/").last.map(String.init) ?? path
}

extension Character {
  fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
