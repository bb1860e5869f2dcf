import EdgeCore

/// Who a byte of flash or RAM belongs to. `edgec size` splits every
/// allocated byte of the measured objects (or firmware) into these.
public enum SizeCategory: String, CaseIterable, Sendable {
  /// The model's constants: `<model>_t<N>` (ModelEmitter's weight symbols).
  case weights
  /// Runtime kernels: `edgec_*` functions and constants, and the static
  /// helpers of the `edgec_*.c` files.
  case kernels
  /// The model's own code and tables: `<model>_*` functions, the
  /// `op<N>_params` structs and `op<N>_<table>` arrays.
  case glue
  /// The activation arena, `<model>_arena*`.
  case arena
  /// Everything else: startup code, vector table, libc, libgcc, the application.
  case other
}

/// Bytes by the kind of memory they occupy. Berkeley `size` folds rodata
/// into text; here they are apart because weights are rodata.
public struct SizeBreakdown: Equatable, Sendable {
  public var text = 0
  public var rodata = 0
  /// Initialised writable data: its image is in flash, its copy in RAM.
  public var data = 0
  public var bss = 0

  public init(text: Int = 0, rodata: Int = 0, data: Int = 0, bss: Int = 0) {
    self.text = text
    self.rodata = rodata
    self.data = data
    self.bss = bss
  }

  public var flash: Int { text + rodata + data }
  public var ram: Int { data + bss }

  static func + (a: SizeBreakdown, b: SizeBreakdown) -> SizeBreakdown {
    SizeBreakdown(text: a.text + b.text, rodata: a.rodata + b.rodata, data: a.data + b.data, bss: a.bss + b.bss)
  }
}

/// The flash and RAM of one build directory or firmware, split by category.
public struct SizeReport: Sendable {
  /// The key in `--json` output and baselines: the model name for a build
  /// directory, the file name without extension for an ELF.
  public var name: String
  public var models: [String]
  public var target: String?
  /// How the numbers were obtained, for the reader.
  public var method: String
  public var categories: [SizeCategory: SizeBreakdown]
  /// RAM kept for the stack: the target's reserve, or the size of a linked
  /// firmware's stack section.
  public var stackBytes: Int
  /// The target's flash and RAM, for percentages; nil without a target.
  public var flashCapacity: Int?
  public var ramCapacity: Int?

  public init(
    name: String, models: [String], target: String?, method: String, categories: [SizeCategory: SizeBreakdown],
    stackBytes: Int, flashCapacity: Int?, ramCapacity: Int?
  ) {
    self.name = name
    self.models = models
    self.target = target
    self.method = method
    self.categories = categories
    self.stackBytes = stackBytes
    self.flashCapacity = flashCapacity
    self.ramCapacity = ramCapacity
  }

  public func bytes(_ category: SizeCategory) -> SizeBreakdown { categories[category] ?? SizeBreakdown() }

  public var total: SizeBreakdown { SizeCategory.allCases.map(bytes).reduce(SizeBreakdown(), +) }
  public var flashTotal: Int { total.flash }
  public var ramTotal: Int { total.ram + stackBytes }

  /// The figures a baseline holds and `--baseline` compares, in order.
  public var figures: [(String, Int)] {
    [
      ("flash_total", flashTotal),
      ("weights", bytes(.weights).flash),
      ("kernels", bytes(.kernels).flash),
      ("glue", bytes(.glue).flash),
      ("ram_total", ramTotal),
      ("arena", bytes(.arena).ram),
    ]
  }

  public var json: JSON {
    func breakdown(_ b: SizeBreakdown) -> JSON {
      .object([
        ("text", .int(b.text)), ("rodata", .int(b.rodata)), ("data", .int(b.data)), ("bss", .int(b.bss)),
        ("flash", .int(b.flash)), ("ram", .int(b.ram)),
      ])
    }
    let t = total, arena = bytes(.arena)
    return .object([
      ("target", target.map { .string($0) } ?? .null),
      ("models", .array(models.map { .string($0) })),
      ("method", .string(method)),
      ("flash", .object([("text", .int(t.text)), ("rodata", .int(t.rodata)), ("data", .int(t.data)), ("total", .int(flashTotal))])),
      ("ram", .object([
        ("data", .int(t.data - arena.data)), ("bss", .int(t.bss - arena.bss)), ("arena", .int(arena.ram)),
        ("stack_reserve", .int(stackBytes)), ("total", .int(ramTotal)),
      ])),
      ("categories", .object(SizeCategory.allCases.map { ($0.rawValue, breakdown(bytes($0))) })),
      ("figures", .object(figures.map { ($0.0, .int($0.1)) })),
    ])
  }

  /// `--json` for several reports: one object keyed by report name — the
  /// same shape a baseline file has.
  public static func json(_ reports: [SizeReport]) -> JSON {
    .object(reports.map { ($0.name, $0.json) })
  }
}
