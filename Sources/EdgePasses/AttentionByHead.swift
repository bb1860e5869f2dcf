import EdgeCore

/// Attention computed head by head (MCUFormer's operator integration), so
/// the [1, H, T, T] logits and probabilities never exist whole — only one
/// head's [1, 1, T, T], which dies before the next head's is born:
///
///     BATCH_MATMUL(Q, K') → (MUL by a scalar) → SOFTMAX → BATCH_MATMUL(·, V)
///
/// with Q [1,H,T,d], K' [1,H,d,T], V [1,H,T,d] becomes H such chains over
/// the heads' [1,1,…] slices, concatenated into the [1,H,T,d] context
/// (`ChainSplit`: the slices are views of Q, K', V and each head's context is
/// written straight into its slice of the result). A head's output depends
/// only on that head's inputs, through the same kernels and quantization, so
/// the result is bit-identical. No MACs are added; each head is a kernel
/// call of its own.
public struct AttentionByHead: GraphPass {
  public init() {}

  public var name: String { "attention-by-head" }

  /// The attention chains of `graph` (operator indices, in stored order).
  static func chains(in graph: Graph) -> [ChainSplit] {
    let consumers = graph.consumers
    func only(_ op: Int) -> Int? {
      let outputs = graph.operators[op].outputs
      guard outputs.count == 1, consumers[outputs[0]].count == 1 else { return nil }
      return consumers[outputs[0]].first
    }
    var found: [ChainSplit] = []
    for (index, op) in graph.operators.enumerated() where op.kind == .batchMatMul {
      guard var next = only(index) else { continue }
      var chain = [index]
      var slots: [[Int]] = [[0, 1]]
      if graph.operators[next].kind == .mul, graph.operators[next].inputs.count == 2 {
        chain.append(next)
        slots.append([0, 1])
        guard let after = only(next) else { continue }
        next = after
      }
      guard graph.operators[next].kind == .softmax, let context = only(next),
        graph.operators[context].kind == .batchMatMul,
        graph.operators[context].inputs.first == graph.operators[next].outputs.first
      else { continue }
      chain += [next, context]
      slots += [[0], [0, 1]]
      let split = ChainSplit(chain: chain, dataSlots: slots)
      // Rank 4 with the heads on axis 1: [1, H, T, T] logits.
      guard graph.tensors[graph.operators[index].outputs[0]].shape.rank == 4, split.length(in: graph) != nil
      else { continue }
      found.append(split)
    }
    return found
  }

  public func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int) {
    var graph = graph
    var rewrites = 0
    // Each split renumbers operators, so find the chains again after each.
    while let split = Self.chains(in: graph).first, let heads = split.length(in: graph),
      let rewritten = split.split(graph, pieces: heads, label: "head")
    {
      graph = rewritten
      rewrites += 1
    }
    return (graph, rewrites)
  }
}
