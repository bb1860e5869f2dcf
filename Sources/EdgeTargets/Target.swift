import EdgeCore
import Foundation

/// A chip (or the host) described by data: Targets/<name>.json. Adding a chip
/// is adding a file; nothing in Swift switches on target names.
public struct Target: Hashable, Sendable, Codable {
  public struct MemoryRegion: Hashable, Sendable, Codable {
    public var name: String
    /// Start address (informational for the host; used by linker scripts).
    public var base: UInt64
    public var size: Int
    /// "ram" or "flash".
    public var kind: String
    /// What may be placed here: any of "arena", "stack", "weights", "code".
    /// The stack region also takes the firmware's own statics (.data, .bss).
    public var holds: [String]
    /// What the region is, where the name does not say (optional, for people).
    public var note: String?
  }

  /// The QEMU machine that emulates this target: `qemu-system-arm -M machine
  /// [-cpu cpu]`.
  public struct Emulator: Hashable, Sendable, Codable {
    public var machine: String
    public var cpu: String?
  }

  /// The timer `edgec run` counts instructions with: a CMSDK APB timer at
  /// `base`, clocked at `hz`. Under `-icount shift=0` (1 ns per instruction)
  /// it ticks once per 1e9 / hz instructions.
  public struct InstructionTimer: Hashable, Sendable {
    public var base: UInt64
    public var hz: Int
    public var instructionsPerTick: Int { hz > 0 ? 1_000_000_000 / hz : 0 }
  }

  public var name: String
  public var description: String
  /// "host", "cortex-m0plus", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55".
  public var core: String
  public var fpu: Bool
  public var dsp: Bool
  public var mve: Bool
  public var clockHz: Int
  /// The regions, fastest RAM first: the placement (MemoryRegions.swift)
  /// puts the arena and the stack in the first region that fits.
  public var memory: [MemoryRegion]
  /// Bytes of RAM kept back for the application's stack and the kernels' locals.
  public var stackReserveBytes: Int
  /// Alignment of every tensor in the arena.
  public var tensorAlignment: Int
  /// The C compiler for this target and its flags.
  public var cc: String
  public var cflags: [String]
  /// The tool that prints section sizes of an object file (`size`-compatible).
  public var sizeTool: String
  /// Which runtime kernel flavour to use: "portable" or "cortex-m".
  public var kernels: String

  // Firmware (`edgec run`, the linker script); all optional, so a target
  // without them still compiles models.

  /// The linker-script template, relative to the Targets/ directory.
  public var linkerTemplate: String?
  /// The startup code enables the Cortex-M7 L1 caches (real chips; QEMU
  /// models none).
  public var enableCaches: Bool?
  public var qemu: Emulator?
  public var timer: InstructionTimer?

  enum CodingKeys: String, CodingKey {
    case name, description, core, fpu, dsp, mve, memory, cc, cflags, kernels, qemu, timer
    case clockHz = "clock_hz"
    case stackReserveBytes = "stack_reserve_bytes"
    case tensorAlignment = "tensor_alignment"
    case sizeTool = "size_tool"
    case linkerTemplate = "linker_template"
    case enableCaches = "enable_caches"
  }

  /// Total bytes of RAM regions that may hold the arena.
  public var arenaCapacityBytes: Int {
    memory.filter { $0.kind == "ram" && $0.holds.contains("arena") }.map(\.size).reduce(0, +)
  }

  /// RAM the model may use: the arena regions minus the stack reserve.
  public var sramBudgetBytes: Int { max(0, arenaCapacityBytes - stackReserveBytes) }

  public var flashBytes: Int {
    memory.filter { $0.kind == "flash" }.map(\.size).reduce(0, +)
  }
}

/// Addresses are written in hex in the files, as in a datasheet.
func decodeAddress<Key: CodingKey>(_ c: KeyedDecodingContainer<Key>, _ key: Key) throws -> UInt64 {
  let text = try c.decode(String.self, forKey: key)
  let digits = text.hasPrefix("0x") ? String(text.dropFirst(2)) : text
  guard let value = UInt64(digits, radix: text.hasPrefix("0x") ? 16 : 10) else {
    throw DecodingError.dataCorruptedError(
      forKey: key, in: c, debugDescription: "address '\(text)' is not a number")
  }
  return value
}

func hexAddress(_ value: UInt64) -> String { "0x" + String(value, radix: 16, uppercase: true) }

extension Target.MemoryRegion {
  enum CodingKeys: String, CodingKey { case name, base, size, kind, holds, note }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .name)
    size = try c.decode(Int.self, forKey: .size)
    kind = try c.decode(String.self, forKey: .kind)
    holds = try c.decodeIfPresent([String].self, forKey: .holds) ?? []
    note = try c.decodeIfPresent(String.self, forKey: .note)
    base = try decodeAddress(c, .base)
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(name, forKey: .name)
    try c.encode(hexAddress(base), forKey: .base)
    try c.encode(size, forKey: .size)
    try c.encode(kind, forKey: .kind)
    try c.encode(holds, forKey: .holds)
    try c.encodeIfPresent(note, forKey: .note)
  }
}

extension Target.InstructionTimer: Codable {
  enum CodingKeys: String, CodingKey { case base, hz }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    base = try decodeAddress(c, .base)
    hz = try c.decode(Int.self, forKey: .hz)
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(hexAddress(base), forKey: .base)
    try c.encode(hz, forKey: .hz)
  }
}
