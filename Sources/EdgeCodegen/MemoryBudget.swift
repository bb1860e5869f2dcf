import EdgeCore
import EdgePasses
import EdgePlan
import EdgeReference
import EdgeTargets

/// Patch-based execution chosen to meet an SRAM budget (report.json's `patches`).
public struct PatchChoice: Hashable, Sendable {
  public var layers: Int
  public var bands: Int
  public var arenaBytes: Int
  /// MACs spent recomputing the bands' overlapping rows.
  public var extraMACs: Int
  public var baseMACs: Int
}

/// The graph, program and plan that meet `budget` at the least cost.
///
/// The free transformations (folding, fusion, in-place writes, views, the
/// schedule) have already run. If the arena still exceeds the budget, the
/// first stage runs in row bands (`PatchStage`): every split of its first k
/// window operators into n bands is planned, and the one that fits with the
/// fewest extra MACs wins (ties: the smaller arena). When none fits, the
/// error names the least arena reached and how.
struct BudgetFit {
  var graph: Graph
  var program: [LoweredOp]
  var plan: MemoryPlan
  var patches: PatchChoice?
  /// Attention by head and MLP row chunks (TokenMemory.swift), when they lowered the arena.
  var tokens: TokenMemoryChoice? = nil
}

/// Band counts tried for each stage depth.
let patchBandCounts = [2, 3, 4, 5, 6, 8, 10, 12, 16]

func fitToBudget(
  _ graph: Graph, program: [LoweredOp], plan: MemoryPlan, budget: Int, explicitBudget: Int?, target: Target,
  lowering: LoweringOptions, splitTokens: Bool = true
) throws -> BudgetFit {
  // Transformer work split by head and by token rows costs no MACs: first,
  // whatever the budget (TokenMemory.swift).
  let plain = BudgetFit(graph: graph, program: program, plan: plan, patches: nil)
  let split = splitTokens ? try splitTokenWork(plain, target: target, lowering: lowering) : plain
  var fit = try fitPatches(
    split.graph, program: split.program, plan: split.plan, budget: budget, explicitBudget: explicitBudget,
    target: target, lowering: lowering)
  fit.tokens = split.tokens
  return fit
}

private func fitPatches(
  _ graph: Graph, program: [LoweredOp], plan: MemoryPlan, budget: Int, explicitBudget: Int?, target: Target,
  lowering: LoweringOptions
) throws -> BudgetFit {
  let unpatched = BudgetFit(graph: graph, program: program, plan: plan, patches: nil)
  guard plan.arenaBytes > budget else { return unpatched.growingScratch(upTo: explicitBudget, target: target) }
  // Depthwise convolutions in place cost no MACs, only a slower kernel: tried
  // first. Patches then start again from the unconverted graph (PatchStage
  // bands plain operators).
  let inPlace = try depthwiseInPlace(unpatched, budget: budget, target: target, lowering: lowering)
  if inPlace.plan.arenaBytes <= budget { return inPlace.growingScratch(upTo: explicitBudget, target: target) }
  let baseMACs = GraphStatistics(graph).totalMACs
  let depth = PatchStage.stage(of: graph).count
  var best: (fit: Bool, choice: PatchChoice)?
  for layers in stride(from: 1, through: depth, by: 1) {
    for bands in patchBandCounts {
      let (banded, rewrites) = try PatchStage(layers: layers, bands: bands).run(on: graph)
      guard rewrites > 0 else { continue }
      try verify(banded)
      let bandedProgram = try lower(banded, options: lowering)
      // Candidates are compared in their stored (band by band) order; the
      // winner is scheduled below.
      let candidate = try planProgramMemory(graph: banded, program: bandedProgram, target: target, schedule: false)
      let choice = PatchChoice(
        layers: layers, bands: bands, arenaBytes: candidate.arenaBytes,
        extraMACs: GraphStatistics(banded).totalMACs - baseMACs, baseMACs: baseMACs)
      let fits = choice.arenaBytes <= budget
      if let current = best {
        let better =
          fits
          ? !current.fit || (choice.extraMACs, choice.arenaBytes) < (current.choice.extraMACs, current.choice.arenaBytes)
          : !current.fit && choice.arenaBytes < current.choice.arenaBytes
        if better { best = (fits, choice) }
      } else {
        best = (fits, choice)
      }
    }
  }
  guard let best, best.fit else {
    var patched = best.map { min($0.choice.arenaBytes, plan.arenaBytes) } ?? plan.arenaBytes
    var how = best.map {
      $0.choice.arenaBytes < plan.arenaBytes
        ? " (running the first \($0.choice.layers) layers in \($0.choice.bands) row bands, +\($0.choice.extraMACs) MACs)" : ""
    } ?? ""
    // The smallest banding with depthwise convolutions in place on top.
    if let best, best.choice.arenaBytes < plan.arenaBytes {
      let both = try depthwiseInPlace(
        try banding(graph, best.choice, target: target, lowering: lowering), budget: budget, target: target,
        lowering: lowering)
      if both.plan.arenaBytes <= budget { return both.growingScratch(upTo: explicitBudget, target: target) }
      if both.plan.arenaBytes < patched {
        patched = both.plan.arenaBytes
        how = " (running the first \(best.choice.layers) layers in \(best.choice.bands) row bands, +\(best.choice.extraMACs) MACs, and depthwise convolutions in place)"
      }
    }
    if inPlace.plan.arenaBytes < patched { how = " (depthwise convolutions computed in place)" }
    let least = min(patched, inPlace.plan.arenaBytes)
    let limit =
      explicitBudget != nil
      ? "the --sram-budget is \(budget) bytes"
      : "\(target.name) has \(budget) (\(target.arenaCapacityBytes) minus a \(target.stackReserveBytes)-byte stack reserve)"
    throw EdgeError(
      .doesNotFit,
      "the model needs at least \(least) bytes of SRAM\(how); \(limit). Without patches: \(plan.arenaBytes) bytes, lower bound \(plan.lowerBoundBytes).")
  }
  return try banding(graph, best.choice, target: target, lowering: lowering)
    .growingScratch(upTo: explicitBudget, target: target)
}

/// `graph` with `choice`'s first stage in bands, lowered and planned (scheduled).
private func banding(_ graph: Graph, _ choice: PatchChoice, target: Target, lowering: LoweringOptions) throws
  -> BudgetFit
{
  let (banded, _) = try PatchStage(layers: choice.layers, bands: choice.bands).run(on: graph)
  let bandedProgram = try lower(banded, options: lowering)
  let bandedPlan = try planProgramMemory(graph: banded, program: bandedProgram, target: target)
  var choice = choice
  choice.arenaBytes = bandedPlan.arenaBytes
  return BudgetFit(graph: banded, program: bandedProgram, plan: bandedPlan, patches: choice)
}

extension BudgetFit {
  /// Under a budget the user gave, kernels short of scratch get it from
  /// arena bytes the budget still allows (MemoryPlan.grantScratch).
  func growingScratch(upTo budget: Int?, target: Target) -> BudgetFit {
    guard let budget else { return self }
    var fit = self
    fit.plan.grantScratch(
      scratchRequests(graph: graph, program: program, flavour: target.kernels), growingUpTo: budget)
    return fit
  }
}
