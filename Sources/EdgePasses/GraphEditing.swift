import EdgeCore

extension Graph {
  /// The graph with the operators at `indices` removed and the others kept in
  /// their order. Their tensors stay (unreferenced tensors cost nothing: the
  /// planner gives them no memory and codegen emits nothing for them).
  func removingOperators(_ indices: Set<Int>) -> Graph {
    var graph = self
    graph.operators = operators.enumerated().filter { !indices.contains($0.offset) }.map(\.element)
    return graph
  }

  /// Whether `id` is one of the graph's outputs (which must stay as they are).
  func isGraphOutput(_ id: TensorID) -> Bool { outputs.contains(id) }

  /// A per-tensor int8 activation: the only kind the int8 fusions rewrite.
  func isPerTensorInt8(_ id: TensorID) -> Bool {
    guard tensors.indices.contains(id) else { return false }
    let tensor = tensors[id]
    guard tensor.type == .int8, let q = tensor.quantization else { return false }
    return q.scales.count == 1 && q.zeroPoints.count == 1 && q.scales[0] > 0
  }
}
