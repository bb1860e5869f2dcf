import EdgeCore

/// Patch-based inference (MCUNetV2) of a CNN's first stage, in row bands:
/// the first `layers` window operators run band by band, each band
/// recomputing the rows its receptive field shares with its neighbours
/// (the halo), so the stage's large activations never exist whole — only
/// one band of each, plus the stage's input and output.
///
///     X → op1 → … → opK → T    becomes, for each band b,
///     X_b = SLICE(X, rows) → op1_b → … → opK_b = T_b;   T = CONCATENATION(T_0 … T_n-1, axis 1)
///
/// Band operators are the originals with explicit padding: real padding at
/// the image's top and bottom, none between bands (the halo rows are real
/// data), so each output row is computed from exactly the inputs it was
/// before — bit-identical. Bands span whole rows, so with N = 1 every band
/// is a contiguous byte range: the planner places X_b inside X and T_b
/// inside T, and neither the SLICE nor the CONCATENATION copies anything.
///
/// The stage is the chain of CONV_2D (without a fused residual) and
/// DEPTHWISE_CONV_2D operators that starts at the first window operator
/// reading a rank-4 tensor with N = 1, each the only reader of the one
/// before; `layers` beyond its length are clamped. Extra MACs are the
/// halo's recomputation: compare GraphStatistics before and after.
public struct PatchStage: GraphPass {
  public var layers: Int
  public var bands: Int

  public init(layers: Int, bands: Int) {
    self.layers = layers
    self.bands = bands
  }

  public var name: String { "patch-stage" }

  /// The operator indices of the stage chain (at most `limit` long).
  public static func stage(of graph: Graph, limit: Int = .max) -> [Int] {
    let consumers = graph.consumers
    guard
      let first = graph.operators.indices.first(where: { isWindowOp(graph, $0) })
    else { return [] }
    var chain = [first]
    while chain.count < limit, let last = chain.last {
      let output = graph.operators[last].outputs[0]
      guard consumers[output].count == 1, !graph.outputs.contains(output), let next = consumers[output].first,
        isWindowOp(graph, next), graph.operators[next].inputs.first == output
      else { break }
      chain.append(next)
    }
    return chain
  }

  static func isWindowOp(_ graph: Graph, _ index: Int) -> Bool {
    let op = graph.operators[index]
    guard op.outputs.count == 1, let input = op.inputs.first ?? nil, graph.tensors[input].shape.rank == 4,
      graph.tensors[input].shape[0] == 1, graph.tensors[op.outputs[0]].shape.rank == 4
    else { return false }
    switch op.options {
    case .conv2D(let o): return op.kind == .conv2D && o.residual == nil
    case .depthwiseConv2D: return op.kind == .depthwiseConv2D
    default: return false
    }
  }

  public func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int) {
    let chain = Self.stage(of: graph, limit: max(layers, 0))
    guard !chain.isEmpty, bands >= 2, let stageInput = graph.operators[chain[0]].inputs[0] else {
      return (graph, 0)
    }
    let stageOutput = graph.operators[chain[chain.count - 1]].outputs[0]
    let outputRows = graph.tensors[stageOutput].shape[1]
    let bandCount = min(bands, outputRows)
    guard bandCount >= 2 else { return (graph, 0) }
    let windows = try chain.map { try Window(graph, $0) }

    let unchanged = graph
    var graph = graph
    var newOps: [Operator] = []
    var bandOutputs: [TensorID] = []
    for band in 0..<bandCount {
      let rows = (band * outputRows / bandCount)..<((band + 1) * outputRows / bandCount)
      // Rows each layer must produce (`wanted`, within its output) and the
      // input rows that reads (`reach`, possibly into the padding), from the
      // last layer back to the stage input.
      var wanted = [Range<Int>](repeating: 0..<0, count: chain.count + 1)
      var reach = [Range<Int>](repeating: 0..<0, count: chain.count)
      wanted[chain.count] = rows
      for (j, window) in windows.enumerated().reversed() {
        // A band whose rows some layer computes from padding alone (a PAD
        // folded into explicit padding taller than the filter) would read no
        // input row: no valid split into this many bands.
        guard !wanted[j + 1].isEmpty else { return (unchanged, 0) }
        reach[j] = window.inputRows(for: wanted[j + 1])
        wanted[j] = reach[j].clamped(to: 0..<window.inputHeight)
      }
      guard !wanted[0].isEmpty else { return (unchanged, 0) }
      var current = appendSlice(&graph, &newOps, of: stageInput, rows: wanted[0], band: band)
      for (j, window) in windows.enumerated() {
        let produced = wanted[j + 1]
        let isLast = j == windows.count - 1
        let original = graph.tensors[graph.operators[chain[j]].outputs[0]]
        var tensor = original
        tensor.name = "\(original.name)/band\(band)"
        tensor.shape = Shape([1, produced.count, original.shape[2], original.shape[3]])
        graph.tensors.append(tensor)
        let output = graph.tensors.count - 1
        var op = graph.operators[chain[j]]
        op.inputs[0] = current
        op.outputs = [output]
        op.options = window.options(
          top: wanted[j].lowerBound - reach[j].lowerBound, bottom: reach[j].upperBound - wanted[j].upperBound)
        newOps.append(op)
        current = output
        if isLast { bandOutputs.append(output) }
      }
    }
    newOps.append(
      Operator(
        kind: .concatenation, inputs: bandOutputs, outputs: [stageOutput],
        options: .concatenation(axis: 1, activation: .none), origin: graph.operators[chain[chain.count - 1]].origin))
    // The bands take the first stage operator's place; the rest of the chain goes.
    var operators: [Operator] = []
    for (index, op) in graph.operators.enumerated() {
      if index == chain[0] { operators += newOps } else if !chain.contains(index) { operators.append(op) }
    }
    graph.operators = operators
    return (graph, 1)
  }

  /// SLICE of `rows` of a rank-4 tensor, with its begin/size constants.
  private func appendSlice(
    _ graph: inout Graph, _ ops: inout [Operator], of input: TensorID, rows: Range<Int>, band: Int
  ) -> TensorID {
    let shape = graph.tensors[input].shape
    func constant(_ name: String, _ values: [Int]) -> TensorID {
      let bytes = values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: UInt32(truncatingIfNeeded: v) >> (8 * $0)) } }
      graph.tensors.append(Tensor(name: name, type: .int32, shape: Shape([values.count]), data: bytes))
      return graph.tensors.count - 1
    }
    let base = "\(graph.tensors[input].name)/band\(band)"
    let begin = constant("\(base)/begin", [0, rows.lowerBound, 0, 0])
    let size = constant("\(base)/size", [1, rows.count, shape[2], shape[3]])
    var sliced = graph.tensors[input]
    sliced.name = base
    sliced.shape = Shape([1, rows.count, shape[2], shape[3]])
    sliced.data = nil
    sliced.isVariable = false
    graph.tensors.append(sliced)
    let output = graph.tensors.count - 1
    ops.append(Operator(kind: .slice, inputs: [input, begin, size], outputs: [output]))
    return output
  }
}

/// One stage operator's vertical geometry, and how to rebuild its options
/// for a band.
private struct Window {
  var stride: Int, dilation: Int, filter: Int
  var inputHeight: Int
  /// The original top padding (SAME's, or an explicit one).
  var top: Int
  var horizontal: (left: Int, right: Int)
  var original: OperatorOptions

  init(_ graph: Graph, _ index: Int) throws {
    let op = graph.operators[index]
    guard let inputID = op.inputs[0], let filterID = op.inputs.count > 1 ? op.inputs[1] : nil else {
      throw EdgeError(.invalidGraph, "internal error: a stage operator without input or filter")
    }
    let input = graph.tensors[inputID].shape, output = graph.tensors[op.outputs[0]].shape
    let filterShape = graph.tensors[filterID].shape
    original = op.options
    inputHeight = input[1]
    let padding: Padding, explicit: ExplicitPadding?, strides: (Int, Int), dilations: (Int, Int)
    switch op.options {
    case .conv2D(let o):
      (padding, explicit, strides, dilations) = (o.padding, o.explicitPadding, (o.strideH, o.strideW), (o.dilationH, o.dilationW))
    case .depthwiseConv2D(let o):
      (padding, explicit, strides, dilations) = (o.padding, o.explicitPadding, (o.strideH, o.strideW), (o.dilationH, o.dilationW))
    default:
      throw EdgeError(.invalidGraph, "internal error: a stage operator that is not a convolution")
    }
    stride = strides.0
    dilation = dilations.0
    filter = filterShape[1]
    func same(_ size: Int, _ out: Int, _ filter: Int, _ stride: Int, _ dilation: Int) -> (Int, Int) {
      let total = max((out - 1) * stride + (filter - 1) * dilation + 1 - size, 0)
      return (total / 2, total - total / 2)
    }
    if let explicit {
      top = explicit.top
      horizontal = (explicit.left, explicit.right)
    } else if padding == .same {
      top = same(input[1], output[1], filterShape[1], strides.0, dilations.0).0
      horizontal = same(input[2], output[2], filterShape[2], strides.1, dilations.1)
    } else {
      top = 0
      horizontal = (0, 0)
    }
  }

  /// The input rows (possibly reaching into the padding: negative or past
  /// the end) that output rows `rows` read.
  func inputRows(for rows: Range<Int>) -> Range<Int> {
    let start = rows.lowerBound * stride - top
    let end = (rows.upperBound - 1) * stride - top + (filter - 1) * dilation + 1
    return start..<end
  }

  /// The operator's options for a band: explicit padding `top`/`bottom`
  /// rows (zero between bands), the original horizontal padding.
  func options(top: Int, bottom: Int) -> OperatorOptions {
    let padding = ExplicitPadding(top: top, bottom: bottom, left: horizontal.left, right: horizontal.right)
    switch original {
    case .conv2D(var o):
      o.explicitPadding = padding
      return .conv2D(o)
    case .depthwiseConv2D(var o):
      o.explicitPadding = padding
      return .depthwiseConv2D(o)
    default:
      return original
    }
  }
}
