import EdgeCore

/// Where a firmware's parts live among the target's memory regions: the
/// arena in one RAM region (the first in the target file's order that may
/// hold it and has room — files list the fastest RAM first), the stack
/// reserve in the first region with room left after it, weights and code in
/// flash. An arena that fits no single region may span adjacent regions whose
/// addresses are contiguous; they are then declared to the linker as one.
public struct MemoryPlacement: Hashable, Sendable {
  /// One region of the target, or adjacent regions merged into one span.
  public struct Span: Hashable, Sendable {
    /// The target's region names, in address order.
    public var regions: [String]
    public var base: UInt64
    public var size: Int
    public var kind: String
    /// The name people read: "DTCM", or "DTCM+SRAM1" for a merged span.
    public var name: String { regions.joined(separator: "+") }
    /// The name the linker script declares it under ("DTCM_SRAM1").
    public var linkerName: String { regions.joined(separator: "_") }
  }

  /// A part of the firmware and the span it was placed in.
  public struct Placed: Hashable, Sendable {
    public var span: Span
    public var bytes: Int
  }

  public var arena: Placed
  public var stack: Placed
  public var weights: Placed
  public var code: Placed
  /// Every region of the target, in file order, with the arena's regions
  /// merged where it spans several: the linker script's MEMORY block.
  public var spans: [Span]

  public init(target: Target, arenaBytes: Int, stackBytes: Int, weightsBytes: Int, codeBytes: Int) throws {
    let regions = target.memory
    func single(_ r: Target.MemoryRegion) -> Span {
      Span(regions: [r.name], base: r.base, size: r.size, kind: r.kind)
    }
    func may(_ r: Target.MemoryRegion, _ what: String) -> Bool { r.holds.contains(what) }

    // The arena: the first single region with room, else the smallest run of
    // contiguous regions that has room, preferring the run whose first region
    // comes first in the file.
    let arenaRegions = regions.filter { $0.kind == "ram" && may($0, "arena") }
    var arenaSpan = arenaRegions.first(where: { $0.size >= arenaBytes }).map(single)
    if arenaSpan == nil {
      arenaSpan = MemoryPlacement.contiguousRuns(of: arenaRegions)
        .filter { run in run.map(\.size).reduce(0, +) >= arenaBytes }
        .min { a, b in
          a.count != b.count ? a.count < b.count
            : (arenaRegions.firstIndex(of: a[0]) ?? 0) < (arenaRegions.firstIndex(of: b[0]) ?? 0)
        }
        .map { run in Span(regions: run.map(\.name), base: run[0].base, size: run.map(\.size).reduce(0, +), kind: "ram") }
    }
    guard let arenaSpan else {
      throw MemoryPlacement.arenaError(target: target, regions: arenaRegions, arenaBytes: arenaBytes)
    }
    let merged = regions.filter { arenaSpan.regions.count > 1 && arenaSpan.regions.contains($0.name) }
    var spans: [Span] = []
    for region in regions where !merged.contains(region) { spans.append(single(region)) }
    if !merged.isEmpty {
      let at = regions.firstIndex { $0.name == arenaSpan.regions[0] } ?? 0
      spans.insert(arenaSpan, at: min(at, spans.count))
    }

    // The stack: the first span that may hold it (every region of a merged
    // span must) with room left beside whatever is already there.
    func holds(_ span: Span, _ what: String) -> Bool {
      span.regions.allSatisfy { name in regions.first { $0.name == name }.map { may($0, what) } ?? false }
    }
    func free(_ span: Span) -> Int { span.size - (span == arenaSpan ? arenaBytes : 0) }
    guard let stackSpan = spans.first(where: { $0.kind == "ram" && holds($0, "stack") && free($0) >= stackBytes }) else {
      let options = spans.filter { $0.kind == "ram" && holds($0, "stack") }
        .map { "\($0.name) has \(free($0)) free" }.joined(separator: ", ")
      throw EdgeError(
        .doesNotFit,
        "the \(stackBytes)-byte stack reserve fits no RAM region of \(target.name) that may hold the stack once the \(arenaBytes)-byte arena is in \(arenaSpan.name) (\(options.isEmpty ? "no region may hold the stack" : options)); lower stack_reserve_bytes in the target file or shrink the arena")
    }

    // Weights, then code: flash regions in file order; one region may take both.
    var used: [Span: Int] = [:]
    func placeInFlash(_ what: String, _ bytes: Int) throws -> Span {
      let candidates = spans.filter { $0.kind == "flash" && holds($0, what) }
      if let span = candidates.first(where: { $0.size - used[$0, default: 0] >= bytes }) {
        used[span, default: 0] += bytes
        return span
      }
      let options = candidates.map { "\($0.name) has \($0.size - used[$0, default: 0]) free" }.joined(separator: ", ")
      throw EdgeError(
        .doesNotFit,
        "the model's \(what) need \(bytes) bytes of flash; \(target.name) has \(options.isEmpty ? "no flash region that may hold \(what)" : options) (weights \(weightsBytes) + code \(codeBytes) bytes in all)")
    }
    let weightsSpan = try placeInFlash("weights", weightsBytes)
    let codeSpan = try placeInFlash("code", codeBytes)

    arena = Placed(span: arenaSpan, bytes: arenaBytes)
    stack = Placed(span: stackSpan, bytes: stackBytes)
    weights = Placed(span: weightsSpan, bytes: weightsBytes)
    code = Placed(span: codeSpan, bytes: codeBytes)
    self.spans = spans
  }

  /// Runs of two or more regions, each starting where the previous ends.
  static func contiguousRuns(of regions: [Target.MemoryRegion]) -> [[Target.MemoryRegion]] {
    let sorted = regions.sorted { $0.base < $1.base }
    var runs: [[Target.MemoryRegion]] = []
    for start in sorted.indices {
      var run = [sorted[start]]
      var next = start + 1
      while next < sorted.count, run[run.count - 1].base + UInt64(run[run.count - 1].size) == sorted[next].base {
        run.append(sorted[next])
        runs.append(run)
        next += 1
      }
    }
    return runs
  }

  static func arenaError(target: Target, regions: [Target.MemoryRegion], arenaBytes: Int) -> EdgeError {
    let each = regions.map { "\($0.name) \($0.size)" }
    let runs = contiguousRuns(of: regions).map { run in
      "\(run.map(\.name).joined(separator: "+")) \(run.map(\.size).reduce(0, +))"
    }
    let offer = regions.isEmpty
      ? "has no RAM region that may hold the arena"
      : "offers \((each + runs).joined(separator: ", ")) bytes"
    return EdgeError(
      .doesNotFit,
      "the arena needs \(arenaBytes) bytes in one RAM region or in adjacent ones merged; \(target.name) \(offer). Shrink the model's activations or choose a target with more SRAM")
  }

  /// report.json's "placement".
  public var json: JSON {
    func entry(_ placed: Placed) -> JSON {
      .object([
        ("region", .string(placed.span.name)),
        ("base", .string(hexAddress(placed.span.base))),
        ("region_bytes", .int(placed.span.size)),
        ("bytes", .int(placed.bytes)),
      ])
    }
    return .object([("arena", entry(arena)), ("stack", entry(stack)), ("weights", entry(weights)), ("code", entry(code))])
  }
}
