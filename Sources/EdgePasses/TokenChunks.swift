import EdgeCore

/// A transformer's MLP in chunks of token rows, so that the [1, T, M] hidden
/// activation never exists whole — only T/k rows of it at a time:
///
///     FULLY_CONNECTED([1,T,C] → [1,T,M]) → (GELU | HARD_SWISH | LOGISTIC) → FULLY_CONNECTED(→ [1,T,C])
///
/// becomes k such chains over consecutive rows, concatenated into the
/// output (`ChainSplit`: the rows are views of the input and each chunk's
/// result is written straight into its rows of the output). Every token row
/// is computed from the same row by the same kernels: bit-identical, no
/// MACs added; the weights are read k times instead of once.
public struct TokenChunks: GraphPass {
  /// Chunks per MLP (clamped to the token count); below 2 the pass does nothing.
  public var chunks: Int

  public init(chunks: Int) { self.chunks = chunks }

  public var name: String { "token-chunks" }

  /// The MLP chains of `graph` (operator indices, in stored order).
  static func chains(in graph: Graph) -> [ChainSplit] {
    let consumers = graph.consumers
    func only(_ op: Int) -> Int? {
      let outputs = graph.operators[op].outputs
      guard outputs.count == 1, consumers[outputs[0]].count == 1 else { return nil }
      return consumers[outputs[0]].first
    }
    func rowWise(_ op: Operator) -> Bool {
      guard op.kind == .fullyConnected, case .fullyConnected(let o) = op.options, o.keepNumDims,
        let input = op.inputs.first ?? nil
      else { return false }
      return graph.tensors[input].shape.rank == 3
    }
    var found: [ChainSplit] = []
    for (index, op) in graph.operators.enumerated() where rowWise(op) {
      guard var next = only(index) else { continue }
      var chain = [index]
      var slots: [[Int]] = [[0]]
      if [.gelu, .hardSwish, .logistic].contains(graph.operators[next].kind) {
        chain.append(next)
        slots.append([0])
        guard let after = only(next) else { continue }
        next = after
      }
      let second = graph.operators[next]
      guard rowWise(second), second.inputs.first == graph.operators[chain[chain.count - 1]].outputs.first else {
        continue
      }
      chain.append(next)
      slots.append([0])
      let split = ChainSplit(chain: chain, dataSlots: slots)
      if split.length(in: graph) != nil { found.append(split) }
    }
    return found
  }

  public func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int) {
    guard chunks >= 2 else { return (graph, 0) }
    // Chunks are FC → act → FC again, so the chains are found once. Splitting
    // one only renumbers the operators after its first, so go from the last
    // chain back, over chains that do not interleave.
    var graph = graph
    var rewrites = 0
    var nextStart = Int.max
    for split in Self.chains(in: graph).reversed() {
      guard let last = split.chain.last, last < nextStart, let length = split.length(in: graph),
        let rewritten = split.split(graph, pieces: min(chunks, length), label: "rows")
      else { continue }
      nextStart = split.chain[0]
      graph = rewritten
      rewrites += 1
    }
    return (graph, rewrites)
  }
}
