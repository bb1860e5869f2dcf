import EdgeCore
import EdgePasses
import EdgePlan
import EdgeReference
import EdgeTargets

/// Transformer memory chosen by `splitTokenWork` (report.json's `token_memory`).
public struct TokenMemoryChoice: Hashable, Sendable {
  /// Attention blocks computed head by head (`AttentionByHead`).
  public var attentionBlocks: Int
  /// MLPs run in chunks of token rows (`TokenChunks`), and how many chunks.
  public var mlpBlocks: Int
  public var mlpChunks: Int
  /// The arena without these rewrites (the plain plan) and with them.
  public var plainArenaBytes: Int
  public var arenaBytes: Int
}

/// MLP chunk counts tried (each clamped to the token count).
let tokenChunkCounts = [2, 4, 8, 16]

/// Attention head by head, then the MLPs in row chunks, each kept only when
/// it lowers the arena; among chunk counts the least arena wins (ties: fewer
/// chunks, fewer kernel calls). They add operators but no MACs and change
/// no output bit, so they run whatever the budget — before patches and
/// in-place depthwise convolutions, which cost time.
func splitTokenWork(_ fit: BudgetFit, target: Target, lowering: LoweringOptions) throws -> BudgetFit {
  let plain = fit.plan.arenaBytes
  var best = fit
  func attempt(_ pass: any GraphPass, on base: BudgetFit) throws -> (fit: BudgetFit, rewrites: Int)? {
    let (rewritten, rewrites) = try pass.run(on: base.graph)
    guard rewrites > 0 else { return nil }
    try verify(rewritten)
    let program = try lower(rewritten, options: lowering)
    let plan = try planProgramMemory(graph: rewritten, program: program, target: target)
    return (BudgetFit(graph: rewritten, program: program, plan: plan, patches: nil), rewrites)
  }
  var heads = 0
  if let byHead = try attempt(AttentionByHead(), on: fit), byHead.fit.plan.arenaBytes < best.plan.arenaBytes {
    best = byHead.fit
    heads = byHead.rewrites
  }
  var mlp = (blocks: 0, chunks: 0)
  let base = best
  for chunks in tokenChunkCounts {
    guard let chunked = try attempt(TokenChunks(chunks: chunks), on: base),
      chunked.fit.plan.arenaBytes < best.plan.arenaBytes
    else { continue }
    best = chunked.fit
    mlp = (chunked.rewrites, chunks)
  }
  guard heads > 0 || mlp.blocks > 0 else { return fit }
  best.tokens = TokenMemoryChoice(
    attentionBlocks: heads, mlpBlocks: mlp.blocks, mlpChunks: mlp.chunks, plainArenaBytes: plain,
    arenaBytes: best.plan.arenaBytes)
  return best
}

extension TokenMemoryChoice {
  /// report.json's `token_memory`.
  public var json: JSON {
    .object([
      ("attention_by_head", .int(attentionBlocks)), ("mlp_chunked", .int(mlpBlocks)), ("mlp_chunks", .int(mlpChunks)),
      ("plain_arena_bytes", .int(plainArenaBytes)), ("arena_bytes", .int(arenaBytes)),
    ])
  }
}
