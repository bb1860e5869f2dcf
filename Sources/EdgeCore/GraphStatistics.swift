/// Per-operator and whole-model figures for `edgec inspect` and report.json.
///
/// MACs count the multiply-accumulates of the arithmetic-heavy operators the
/// way MLPerf Tiny and TFLM's benchmarks do: convolutions, depthwise
/// convolutions and fully connected layers (one per weight use), and batched
/// matrix products (BATCH_MATMUL: one per inner-axis product); element-wise
/// and pooling operators are cheap by comparison and count zero.
public struct GraphStatistics: Sendable {
  public struct OpStatistics: Hashable, Sendable {
    public var index: Int
    /// Elements of constant inputs (weights, biases).
    public var parameters: Int
    public var weightBytes: Int
    public var macs: Int
    /// Bytes of the op's run-time inputs and outputs.
    public var activationBytes: Int
  }

  public let perOp: [OpStatistics]

  public init(_ graph: Graph) {
    perOp = graph.operators.enumerated().map { index, op in
      let constants = op.inputs.compactMap { $0 }.filter { graph.tensors.indices.contains($0) && graph.tensors[$0].isConstant }
      let activations = (op.inputs.compactMap { $0 } + op.outputs)
        .filter { graph.tensors.indices.contains($0) && !graph.tensors[$0].isConstant }
      return OpStatistics(
        index: index,
        parameters: constants.map { graph.tensors[$0].elementCount }.reduce(0, +),
        weightBytes: constants.map { graph.tensors[$0].byteSize }.reduce(0, +),
        macs: GraphStatistics.macs(of: op, in: graph),
        activationBytes: Set(activations).map { graph.tensors[$0].byteSize }.reduce(0, +))
    }
  }

  public var totalMACs: Int { perOp.map(\.macs).reduce(0, +) }
  public var totalParameters: Int { perOp.map(\.parameters).reduce(0, +) }

  static func macs(of op: Operator, in graph: Graph) -> Int {
    func tensor(_ slot: Int) -> Tensor? {
      guard slot < op.inputs.count, let id = op.inputs[slot], graph.tensors.indices.contains(id) else { return nil }
      return graph.tensors[id]
    }
    guard let outputID = op.outputs.first, graph.tensors.indices.contains(outputID),
      let filter = tensor(1), filter.shape.rank >= 2
    else { return 0 }
    let output = graph.tensors[outputID]
    switch op.kind {
    case .conv2D:
      // Each output element: kh·kw·in_c products.
      guard filter.shape.rank == 4 else { return 0 }
      return output.elementCount * filter.shape[1] * filter.shape[2] * filter.shape[3]
    case .depthwiseConv2D:
      guard filter.shape.rank == 4 else { return 0 }
      return output.elementCount * filter.shape[1] * filter.shape[2]
    case .fullyConnected:
      return output.elementCount * filter.shape.dims[filter.shape.rank - 1]
    case .batchMatMul:
      // Each output element: the inner axis' products (lhs columns; rows under adj_x).
      guard let lhs = tensor(0), lhs.shape.rank >= 2 else { return 0 }
      var adjX = false
      if case .batchMatMul(let x, _) = op.options { adjX = x }
      return output.elementCount * lhs.shape[lhs.shape.rank - (adjX ? 2 : 1)]
    default:
      return 0
    }
  }
}
