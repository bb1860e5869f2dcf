import EdgeCodegen
import EdgeCore
import EdgePasses
import EdgePlan

/// What `edgec plan` reports: the chosen plan next to the stored order's and
/// TFLM's arena, as text, as JSON and as the SVG's title lines.
struct PlanSummary {
  let model: String
  /// The model file as the user named it.
  let file: String
  let target: String
  let plan: MemoryPlan
  let stored: MemoryPlan
  let schedule: MemorySchedule
  let tflm: TFLMBaseline
  /// What the passes rewrote and, over the budget, the patch-based stage.
  var passes: [PassRecord] = []
  var patches: PatchChoice? = nil
  /// Attention by head / MLP row chunks, when they lowered the arena.
  var tokens: TokenMemoryChoice? = nil

  /// `plain plan 22,528 B -> transformer plan 18,432 B (attention by head ×1, …)`.
  var tokensText: String? {
    tokens.map {
      var parts: [String] = []
      if $0.attentionBlocks > 0 { parts.append("attention by head ×\($0.attentionBlocks)") }
      if $0.mlpBlocks > 0 { parts.append("MLP in \($0.mlpChunks) row chunks ×\($0.mlpBlocks)") }
      return "plain plan \(grouped($0.plainArenaBytes)) B → transformer plan \(grouped($0.arenaBytes)) B ("
        + parts.joined(separator: ", ") + ")"
    }
  }

  /// `fuse-residual-add ×3, fold-pad ×1`, or `none`.
  var rewrites: String {
    let done = passes.filter { $0.rewrites > 0 }.map { "\($0.name) ×\($0.rewrites)" }
    return done.isEmpty ? "none" : done.joined(separator: ", ")
  }

  var patchesText: String? {
    patches.map {
      "first \($0.layers) layers in \($0.bands) row bands, +\(grouped($0.extraMACs)) MACs"
        + String(format: " (+%.1f%%)", Double($0.extraMACs) * 100 / Double(max($0.baseMACs, 1)))
    }
  }

  /// Steps that run a different op than the stored order does.
  var movedSteps: Int { plan.order.enumerated().filter { $0.offset != $0.element }.count }

  var versusTFLM: String {
    guard let tflmArena = tflm.arenaBytes, let saving = tflm.saving(for: plan.arenaBytes) else {
      return "TFLM arena unknown"
    }
    return saving >= 0
      ? "\(saving)% below TFLM's \(grouped(tflmArena)) B"
      : "\(-saving)% above TFLM's \(grouped(tflmArena)) B"
  }

  var title: String {
    "\(model): arena \(grouped(plan.arenaBytes)) B, \(versusTFLM)"
  }

  var notes: [String] {
    [
      "\(file) for \(target), alignment \(plan.alignment) B: lower bound \(grouped(plan.lowerBoundBytes)) B,"
        + " fragmentation \(grouped(plan.fragmentationBytes)) B",
      "schedule \(plan.schedule.rawValue), \(movedSteps) of \(plan.order.count) steps moved;"
        + " stored order: arena \(grouped(stored.arenaBytes)) B, lower bound \(grouped(stored.lowerBoundBytes)) B",
      "passes: \(rewrites)" + (patchesText.map { "; patches: \($0)" } ?? ""),
    ] + (tokensText.map { [$0] } ?? [])
  }

  func text(svg: String?) -> String {
    func row(_ label: String, _ value: String) -> String {
      label.padding(toLength: 22, withPad: " ", startingAt: 0) + value + "\n"
    }
    var out =
      "plan \(model) (\(file)) for \(target): \(plan.order.count) ops, alignment \(plan.alignment) B\n"
    out += row("  arena (peak)", "\(grouped(plan.arenaBytes)) B")
    out += row("  lower bound", "\(grouped(plan.lowerBoundBytes)) B")
    out += row(
      "  fragmentation",
      "\(grouped(plan.fragmentationBytes)) B (placed by \(plan.placementOrder.rawValue))")
    let how: String
    switch schedule.method {
    case .exact where schedule.states == 0:
      how = "no search needed: the stored order's peak is one op's own inputs and outputs"
    case .exact: how = "exact search, \(grouped(schedule.states)) sets of ops"
    case .heuristic:
      how = "heuristic (search budget exceeded), \(grouped(schedule.states)) sets of ops"
    case .stored, .given: how = "not searched"
    }
    out += row(
      "  schedule",
      "\(plan.schedule.rawValue): \(movedSteps) of \(plan.order.count) steps reordered (\(how))")
    out += row("  passes", rewrites)
    if let patchesText { out += row("  patches", patchesText) }
    if let tokensText { out += row("  token memory", tokensText) }
    out += row(
      "  stored order",
      "arena \(grouped(stored.arenaBytes)) B, lower bound \(grouped(stored.lowerBoundBytes)) B")
    if let tflmArena = tflm.arenaBytes, let saving = tflm.saving(for: plan.arenaBytes) {
      out += row("  TFLM arena", "\(grouped(tflmArena)) B (\(tflm.note))")
      out += row("  saving", "\(saving)% of TFLM's arena")
    } else {
      out += row("  TFLM arena", "unknown: \(tflm.note)")
    }
    if let svg { out += row("  picture", svg) }
    return out
  }

  var json: JSON {
    .object([
      ("model", .string(model)),
      ("file", .string(file)),
      ("target", .string(target)),
      ("arena_bytes", .int(plan.arenaBytes)),
      ("lower_bound_bytes", .int(plan.lowerBoundBytes)),
      ("fragmentation_bytes", .int(plan.fragmentationBytes)),
      ("schedule", .string(plan.schedule.rawValue)),
      ("schedule_search", .string(schedule.method.rawValue)),
      ("schedule_states", .int(schedule.states)),
      ("stored_arena_bytes", .int(stored.arenaBytes)),
      ("stored_lower_bound_bytes", .int(stored.lowerBoundBytes)),
      ("tflm_arena_bytes", tflm.arenaBytes.map { .int($0) } ?? .null),
      ("saving_percent", tflm.saving(for: plan.arenaBytes).map { .double($0) } ?? .null),
      ("token_memory", tokens?.json ?? .null),
      ("plan", plan.jsonValue(model: model)),
    ])
  }
}
