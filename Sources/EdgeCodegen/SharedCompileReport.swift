import EdgeCore
import EdgeTargets

/// report.json of models compiled together: what the pair needs on the chip
/// (SRAM: the shared arena; flash: every model's weights plus the code, each
/// runtime kernel counted once), which model sets the arena, and each model's
/// own report as `edgec compile` gives it alone.
public struct SharedCompileReport: Sendable {
  /// Each model's report (its own arena, lower bound, weights, code alone).
  public let models: [CompileReport]
  public let target: String
  public let arena: SharedArena
  /// The largest of the models' arenas: the RAM the models' data needs.
  public let arenaBytes: Int
  /// The shared arena plus every stateful model's own state buffer (which
  /// no model shares: each keeps its variables between its invokes).
  public var peakSRAMBytes: Int { arenaBytes + stateBytes }
  public var stateBytes: Int { models.map(\.stateBytes).reduce(0, +) }
  /// The model whose arena is the largest (the first, on a tie).
  public var setBy: String { models.first { $0.arenaBytes == arenaBytes }?.model ?? "" }
  /// What the models would take with an arena each: the saving's reference.
  public var separateArenasBytes: Int { models.map(\.arenaBytes).reduce(0, +) }
  public var weightsBytes: Int { models.map(\.weightsBytes).reduce(0, +) }
  /// The code of all the models and of the runtime they share, measured together.
  public let code: CodeSize
  public let stackReserveBytes: Int
  public var kernels: [String] { Array(Set(models.flatMap(\.kernels))).sorted() }
  /// The region of the shared arena, stack, weights and code (set by `compileTogether`).
  public var placement: MemoryPlacement?

  init(models: [CompileReport], target: Target, arena: SharedArena, arenaBytes: Int, code: CodeSize) {
    self.models = models
    self.target = target.name
    self.arena = arena
    self.arenaBytes = arenaBytes
    self.code = code
    stackReserveBytes = target.stackReserveBytes
  }

  public var json: JSON {
    .object([
      ("target", .string(target)),
      ("shared_arena", .string(arena.symbol)),
      ("shared_arena_bytes", .int(arenaBytes)),
      ("peak_sram_bytes", .int(peakSRAMBytes)),
      ("state_bytes", .int(stateBytes)),
      ("peak_set_by", .string(setBy)),
      ("separate_arenas_bytes", .int(separateArenasBytes)),
      ("kernel_stack_bytes", code.stackBytes.map { .int($0) } ?? .null),
      ("sram_with_kernel_stack_bytes", code.stackBytes.map { .int(arenaBytes + $0) } ?? .null),
      ("stack_reserve_bytes", .int(stackReserveBytes)),
      ("weights_bytes", .int(weightsBytes)),
      ("code_bytes_estimate", .int(code.bytes)),
      ("code_bytes_method", .string(code.method)),
      ("flash_bytes", .int(weightsBytes + code.bytes)),
      ("kernels", .array(kernels.map { .string($0) })),
      ("models", .array(models.map(\.json))),
    ] + (placement.map { [("placement", $0.json)] } ?? []))
  }
}

/// The totals of the pair against the target: each model fitted alone when
/// it was compiled, but their weights and code add up in flash.
func checkSharedFit(_ report: SharedCompileReport, target: Target) throws {
  let names = report.models.map(\.model).joined(separator: ", ")
  if let stack = report.code.stackBytes, target.stackReserveBytes > 0, stack > target.stackReserveBytes {
    throw EdgeError(
      .doesNotFit,
      "the kernels of \(names) need up to \(stack) bytes of stack (measured with -fstack-usage); \(target.name) reserves \(target.stackReserveBytes). Raise stack_reserve_bytes in the target file if the application can spare it.")
  }
  if report.arenaBytes > target.sramBudgetBytes {
    throw EdgeError(
      .doesNotFit,
      "the shared arena of \(names) needs \(report.arenaBytes) bytes (set by \(report.setBy)); \(target.name) has \(target.sramBudgetBytes) (\(target.arenaCapacityBytes) minus a \(target.stackReserveBytes)-byte stack reserve)")
  }
  let flash = report.weightsBytes + report.code.bytes
  if flash > target.flashBytes {
    let weights = report.models.map { "\($0.model) \($0.weightsBytes)" }.joined(separator: ", ")
    throw EdgeError(
      .doesNotFit,
      "the models \(names) together need \(flash) bytes of flash (weights \(weights); code \(report.code.bytes)); \(target.name) has \(target.flashBytes). Drop a model or choose a target with more flash")
  }
}
