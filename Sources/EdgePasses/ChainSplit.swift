import EdgeCore

/// Runs a chain of operators piece by piece along axis 1 (attention heads,
/// token rows), so that the chain's intermediates never exist whole:
///
///     X → op1 → … → opK → Y    becomes, for each piece p,
///     X_p = SLICE(X, axis 1) → op1_p → … → opK_p = Y_p;   Y = CONCATENATION(Y_0 … Y_n-1, axis 1)
///
/// Every operator of the chain must compute each index of axis 1 of its
/// output from the same index of axis 1 of its data inputs (batch matmul over
/// heads, fully connected and element-wise ops over token rows), so each
/// output element is computed from the same inputs by the same kernel with
/// the same quantization: bit-identical. With axis 0 of size 1 every piece is
/// one contiguous byte range; the planner places X_p inside X and Y_p inside
/// Y, so neither the SLICE nor the CONCATENATION copies.
struct ChainSplit {
  /// The chain's operator indices, each output read only by the next one.
  var chain: [Int]
  /// Per chain operator, the input slots that carry data along axis 1 (the
  /// others — weights, biases, scalars — are shared by every piece).
  var dataSlots: [[Int]]

  /// Whether the chain can be split: intermediates read only inside it and
  /// not graph outputs; every data input a constant scalar (shared) or of
  /// rank ≥ 3 with axis 0 of size 1 and axis 1 of the chain's length
  /// (sliced) or 1 (broadcast, shared). Returns that length.
  func length(in graph: Graph) -> Int? {
    let consumers = graph.consumers
    guard let last = chain.last, graph.operators[last].outputs.count == 1 else { return nil }
    let output = graph.tensors[graph.operators[last].outputs[0]].shape
    guard output.rank >= 3, output[0] == 1, output[1] >= 2 else { return nil }
    let length = output[1]
    for (position, index) in chain.enumerated() {
      let op = graph.operators[index]
      guard op.outputs.count == 1 else { return nil }
      let produced = op.outputs[0]
      let shape = graph.tensors[produced].shape
      guard shape.rank >= 3, shape[0] == 1, shape[1] == length else { return nil }
      if position < chain.count - 1 {
        guard consumers[produced] == [chain[position + 1]], !graph.outputs.contains(produced) else { return nil }
      }
      for slot in dataSlots[position] {
        guard slot < op.inputs.count, let input = op.inputs[slot] else { return nil }
        if position > 0, input == graph.operators[chain[position - 1]].outputs[0] { continue }
        let tensor = graph.tensors[input]
        // A scalar (the attention scale) is shared by every piece.
        if tensor.isConstant, tensor.shape.dims.allSatisfy({ $0 == 1 }) { continue }
        guard tensor.shape.rank >= 3, tensor.shape[0] == 1, tensor.shape[1] == length || tensor.shape[1] == 1,
          !tensor.isVariable
        else { return nil }
      }
    }
    return length
  }

  /// The graph with the chain run in `pieces` pieces of consecutive indices
  /// of axis 1 (as even as they divide), in place of its last operator (every
  /// input of the chain exists by then). Nil when the chain cannot be split.
  func split(_ graph: Graph, pieces: Int, label: String) -> Graph? {
    guard let length = length(in: graph), pieces >= 2, pieces <= length else { return nil }
    var graph = graph
    var newOps: [Operator] = []
    var pieceOutputs: [TensorID] = []
    let lastOp = graph.operators[chain[chain.count - 1]]
    for piece in 0..<pieces {
      let range = (piece * length / pieces)..<((piece + 1) * length / pieces)
      var sliced: [TensorID: TensorID] = [:]
      var previous: (original: TensorID, piece: TensorID)?
      for (position, index) in chain.enumerated() {
        var op = graph.operators[index]
        for slot in dataSlots[position] {
          guard let input = op.inputs[slot] else { continue }
          if let previous, input == previous.original {
            op.inputs[slot] = previous.piece
          } else if graph.tensors[input].shape.rank >= 3, graph.tensors[input].shape[1] == length {
            if sliced[input] == nil {
              sliced[input] = appendSlice(&graph, &newOps, of: input, range: range, name: "\(label)\(piece)")
            }
            op.inputs[slot] = sliced[input]
          }
        }
        let original = graph.tensors[op.outputs[0]]
        var tensor = original
        tensor.name = "\(original.name)/\(label)\(piece)"
        var dims = original.shape.dims
        dims[1] = range.count
        tensor.shape = Shape(dims)
        graph.tensors.append(tensor)
        let produced = graph.tensors.count - 1
        previous = (op.outputs[0], produced)
        op.outputs = [produced]
        newOps.append(op)
      }
      if let previous { pieceOutputs.append(previous.piece) }
    }
    newOps.append(
      Operator(
        kind: .concatenation, inputs: pieceOutputs, outputs: lastOp.outputs,
        options: .concatenation(axis: 1, activation: .none), origin: lastOp.origin))
    var operators: [Operator] = []
    let members = Set(chain)
    for (index, op) in graph.operators.enumerated() {
      if index == chain[chain.count - 1] { operators += newOps } else if !members.contains(index) { operators.append(op) }
    }
    graph.operators = operators
    return graph
  }

  /// SLICE of `range` along axis 1, with its begin/size constants.
  private func appendSlice(
    _ graph: inout Graph, _ ops: inout [Operator], of input: TensorID, range: Range<Int>, name: String
  ) -> TensorID {
    let shape = graph.tensors[input].shape
    func constant(_ suffix: String, _ values: [Int]) -> TensorID {
      let bytes = values.flatMap { v in
        (0..<4).map { UInt8(truncatingIfNeeded: UInt32(truncatingIfNeeded: v) >> (8 * $0)) }
      }
      graph.tensors.append(
        Tensor(name: "\(graph.tensors[input].name)/\(name)/\(suffix)", type: .int32, shape: Shape([values.count]), data: bytes))
      return graph.tensors.count - 1
    }
    var begin = [Int](repeating: 0, count: shape.rank)
    begin[1] = range.lowerBound
    var size = shape.dims
    size[1] = range.count
    let beginID = constant("begin", begin)
    let sizeID = constant("size", size)
    var tensor = graph.tensors[input]
    tensor.name = "\(tensor.name)/\(name)"
    tensor.shape = Shape(size)
    tensor.data = nil
    tensor.isVariable = false
    graph.tensors.append(tensor)
    let output = graph.tensors.count - 1
    ops.append(Operator(kind: .slice, inputs: [input, beginID, sizeID], outputs: [output]))
    return output
  }
}
