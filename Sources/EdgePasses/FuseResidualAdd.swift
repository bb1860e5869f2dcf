import EdgeCore

/// Fuses an int8 ADD into the CONV_2D that produces one of its operands:
///
///     y = CONV_2D(x, w, b); z = ADD(y, skip)   →   z = CONV_2D(x, w, b, skip)
///
/// The fused operator computes each convolution output element exactly as
/// before (requantized, clamped by the convolution's own activation) and adds
/// the skip element at the same position with the ADD's arithmetic, so the
/// result is bit-identical. What it buys is memory: `y` never exists whole,
/// and the planner may write `z` over `skip` in place when `skip` dies there
/// — a ResNet or MobileNetV2 block then holds two feature maps, not three.
///
/// Fires only when: every tensor is per-tensor int8; `skip` is not `y`; `y`, `skip` and `z` have
/// one shape (no broadcasting); `y` is read by the ADD alone and is not a
/// graph output; the convolution has no residual yet; the ADD's activation is
/// one edgec's ADD supports. When both operands are convolution outputs, the
/// convolution stored later absorbs the ADD (the other's output becomes the
/// skip, already computed by then in the stored order).
public struct FuseResidualAdd: GraphPass {
  public var name: String { "fuse-residual-add" }

  public init() {}

  public func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int) {
    var graph = graph
    let producers = graph.producers
    let consumers = graph.consumers
    var removed: Set<Int> = []
    var rewrites = 0
    for addIndex in graph.operators.indices {
      let add = graph.operators[addIndex]
      guard add.kind == .add, add.inputs.count == 2, add.outputs.count == 1,
        case let (a?, b?) = (add.inputs[0], add.inputs[1])
      else { continue }
      let activation = add.fusedActivation
      guard [.none, .relu, .relu6, .reluN1To1].contains(activation) else { continue }
      let output = add.outputs[0]
      guard [a, b, output].allSatisfy(graph.isPerTensorInt8),
        graph.tensors[a].shape == graph.tensors[output].shape,
        graph.tensors[b].shape == graph.tensors[output].shape
      else { continue }
      // The candidate convolutions, the later-stored first.
      let candidates = [(a, b), (b, a)]
        .compactMap { operand, skip -> (conv: Int, operand: TensorID, skip: TensorID)? in
          // ADD(y, y): the skip would be the convolution's own output,
          // which no longer exists once fused.
          guard operand != skip, let conv = producers[operand], !removed.contains(conv) else { return nil }
          return (conv, operand, skip)
        }
        .sorted { $0.conv > $1.conv }
      guard let chosen = candidates.first(where: { fusable(graph, $0.conv, $0.operand, consumers) }) else {
        continue
      }
      var conv = graph.operators[chosen.conv]
      guard case .conv2D(var options) = conv.options else { continue }
      let convOutput = graph.tensors[chosen.operand]
      guard let quantization = convOutput.quantization else { continue }
      options.residual = ResidualAdd(
        convOutputType: convOutput.type, convOutputQuantization: quantization,
        activation: activation, convOutputName: convOutput.name)
      var inputs = conv.inputs
      while inputs.count < 3 { inputs.append(nil) }
      conv.inputs = inputs + [chosen.skip]
      conv.outputs = [output]
      conv.options = .conv2D(options)
      // The fused operator takes the ADD's place: both the convolution's
      // inputs and the skip are computed before it there.
      graph.operators[addIndex] = conv
      removed.insert(chosen.conv)
      rewrites += 1
    }
    return (graph.removingOperators(removed), rewrites)
  }

  private func fusable(_ graph: Graph, _ convIndex: Int, _ operand: TensorID, _ consumers: [[Int]]) -> Bool {
    let conv = graph.operators[convIndex]
    guard conv.kind == .conv2D, case .conv2D(let options) = conv.options, options.residual == nil,
      conv.outputs == [operand], consumers[operand].count == 1, !graph.isGraphOutput(operand),
      let input = conv.inputs.first ?? nil, graph.isPerTensorInt8(input),
      let filter = conv.inputs.count > 1 ? conv.inputs[1] : nil, graph.tensors[filter].type == .int8
    else { return false }
    return true
  }
}
