import EdgeCore

/// Removes requantizations that do nothing, so their tensors take no memory
/// and their ops no time:
///
/// * QUANTIZE from int8 to int8 with the same scale and zero point;
/// * DEQUANTIZE to float32 followed by QUANTIZE back to the same int8
///   scale and zero point, the float read by nothing else (the islands the
///   converter leaves around float-only operators, once those are gone).
///
/// Both are exact: the first is the identity by definition; in the second,
/// (x − zp)·s / s rounds back to x − zp, since float32's error on numbers
/// below 256 is far under half a step. Longer chains with different scales
/// are not folded: two roundings are not one, and the result must stay
/// bit-identical. A graph output is never replaced (the API names it).
public struct FoldRequantize: GraphPass {
  public var name: String { "fold-requantize" }

  public init() {}

  public func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int) {
    var graph = graph
    var removed: Set<Int> = []
    var replacement: [TensorID: TensorID] = [:]
    let consumers = graph.consumers
    let producers = graph.producers
    for (index, op) in graph.operators.enumerated() where op.kind == .quantize {
      guard op.inputs.count == 1, let input = op.inputs[0], op.outputs.count == 1 else { continue }
      let output = op.outputs[0]
      guard !graph.isGraphOutput(output), graph.isPerTensorInt8(output) else { continue }
      let quantization = graph.tensors[output].quantization
      if graph.isPerTensorInt8(input), graph.tensors[input].quantization == quantization {
        removed.insert(index)
        replacement[output] = input
      } else if graph.tensors[input].type == .float32, let dequantize = producers[input],
        graph.operators[dequantize].kind == .dequantize, consumers[input] == [index],
        !graph.isGraphOutput(input), let source = graph.operators[dequantize].inputs.first ?? nil,
        graph.isPerTensorInt8(source), graph.tensors[source].quantization == quantization
      {
        removed.formUnion([index, dequantize])
        replacement[output] = source
      }
    }
    guard !removed.isEmpty else { return (graph, 0) }
    func resolve(_ id: TensorID) -> TensorID {
      var id = id
      while let next = replacement[id] { id = next }
      return id
    }
    for index in graph.operators.indices where !removed.contains(index) {
      graph.operators[index].inputs = graph.operators[index].inputs.map { $0.map(resolve) }
    }
    return (graph.removingOperators(removed), removed.count)
  }
}
