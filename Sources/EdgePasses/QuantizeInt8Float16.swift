import EdgeCore

/// Turns float16 constants read through DEQUANTIZE (the TFLite converter's
/// float16 weight compression) into float32 constants, so that a float16
/// model is a plain float32 one for calibration and int8 quantization. Each
/// DEQUANTIZE of a float16 constant goes; its float32 output becomes the
/// constant (every float16 value is exact in float32).
public struct FoldFloat16Weights: GraphPass {
  public var name: String { "fold-float16-weights" }

  public init() {}

  public func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int) {
    var graph = graph
    var folded: Set<Int> = []
    for (index, op) in graph.operators.enumerated() where op.kind == .dequantize {
      guard let input = op.inputs.first ?? nil, let output = op.outputs.first,
        graph.tensors[input].type == .float16, let data = graph.tensors[input].data,
        graph.tensors[output].type == .float32, !graph.isGraphOutput(output),
        data.count == graph.tensors[input].byteSize, graph.tensors[output].elementCount == graph.tensors[input].elementCount
      else { continue }
      let halves = TensorValue(type: .float16, shape: graph.tensors[input].shape, bytes: data)
      let floats = halves.doubles.map { Float($0) }
      graph.tensors[output].data = TensorValue(floats: floats, shape: graph.tensors[output].shape).bytes
      folded.insert(index)
    }
    return (graph.removingOperators(folded), folded.count)
  }
}

extension QuantizeInt8 {
  /// The float graph calibration runs and the pass then rewrites: float16
  /// weights widened and compile-time shape arithmetic folded, so that the
  /// reference interpreter can lower every operator. Tensor ids are kept
  /// (both passes only remove operators), so calibrated ranges index it.
  public static func prepare(_ graph: Graph) throws -> Graph {
    try PassManager([FoldFloat16Weights(), FoldConstants()]).run(graph).graph
  }
}
