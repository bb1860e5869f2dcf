import EdgeCore

/// Marks int8 DEPTHWISE_CONV_2D operators to be computed in place
/// (TinyEngine): channel by channel, input channel c is copied into a
/// one-channel plane (H·W bytes) and output channel c is computed from it
/// into the channel-c bytes of the same buffer. Output channel c writes only
/// bytes q·C + c with q < OH·OW ≤ H·W, which held input channel c — already
/// copied — so the output can take the input's first bytes and the arena
/// holds one feature map less at that step, for a plane and a slower kernel.
///
/// The rewrite sets `DepthwiseConv2DOptions.inPlace` and gives the op a
/// second output, the plane ([H·W] int8, read by nobody, so the planner
/// keeps it alive at that step only). The arithmetic per element is the
/// plain kernel's: the result is bit-identical. Whether the output really
/// lands on the input is the planner's choice (`chooseInPlaceWrites`); the
/// kernel is correct either way.
///
/// Fires on the operators in `operators` (indices in the graph it runs on;
/// nil: every one) that qualify: per-tensor int8 input and output,
/// depth_multiplier 1, batch 1, an output no larger than the input, an
/// input computed at run time, read by this op alone and not a graph output.
/// Not in `PassManager.standard`: it trades speed for SRAM, so the budget
/// search (`fitToBudget`) runs it only where it lowers the arena.
public struct DepthwiseInPlace: GraphPass {
  public var operators: Set<Int>?

  public var name: String { "depthwise-in-place" }

  public init(operators: Set<Int>? = nil) { self.operators = operators }

  public func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int) {
    var graph = graph
    var rewrites = 0
    let consumers = graph.consumers
    for index in graph.operators.indices where operators?.contains(index) ?? true {
      guard DepthwiseInPlace.qualifies(graph, index, consumers) else { continue }
      var op = graph.operators[index]
      guard case .depthwiseConv2D(var options) = op.options, let input = op.inputs.first ?? nil else { continue }
      let dims = graph.tensors[input].shape.dims
      let output = graph.tensors[op.outputs[0]]
      graph.tensors.append(Tensor(name: "\(output.name)/plane", type: .int8, shape: Shape([dims[1] * dims[2]])))
      options.inPlace = true
      op.options = .depthwiseConv2D(options)
      op.outputs = [op.outputs[0], graph.tensors.count - 1]
      graph.operators[index] = op
      rewrites += 1
    }
    return (graph, rewrites)
  }

  /// Whether the operator at `index` can be computed in place.
  public static func qualifies(_ graph: Graph, _ index: Int, _ consumers: [[Int]]) -> Bool {
    guard graph.operators.indices.contains(index) else { return false }
    let op = graph.operators[index]
    guard op.kind == .depthwiseConv2D, case .depthwiseConv2D(let options) = op.options, !options.inPlace,
      options.depthMultiplier == 1, op.outputs.count == 1, let input = op.inputs.first ?? nil,
      graph.isPerTensorInt8(input), graph.isPerTensorInt8(op.outputs[0]),
      !graph.tensors[input].isConstant, !graph.tensors[input].isVariable, !graph.isGraphOutput(input),
      consumers.indices.contains(input), consumers[input] == [index],
      // int4 weights have no in-place kernel.
      op.inputs.count < 2 || op.inputs[1].map({ graph.tensors[$0].type != .int4 }) ?? true
    else { return false }
    let inDims = graph.tensors[input].shape.dims
    let outDims = graph.tensors[op.outputs[0]].shape.dims
    guard inDims.count == 4, outDims.count == 4, inDims[0] == 1, outDims[0] == 1, inDims[3] == outDims[3],
      outDims[1] * outDims[2] <= inDims[1] * inDims[2]
    else { return false }
    return true
  }
}
