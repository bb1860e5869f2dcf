import EdgeCore

extension QuantizeInt8 {
  /// Quantizes the float32 constants operator `index` reads, in `graph`
  /// (whose activations are already int8): weights per channel, bias int32,
  /// any other operand per tensor. A constant read by several operators is
  /// quantized once, by the first.
  func quantizeConstants(
    of op: Operator, index: Int, in graph: inout Graph, quantization: [TensorID: Quantization],
    done: inout Set<TensorID>
  ) throws {
    let weightAxis: Int?
    switch op.kind {
    case .conv2D, .fullyConnected: weightAxis = 0
    case .depthwiseConv2D: weightAxis = 3
    default: weightAxis = nil
    }
    for (position, id) in op.inputs.enumerated() {
      guard let id, !done.contains(id), graph.tensors[id].type == .float32, let data = graph.tensors[id].data else {
        continue
      }
      let tensor = graph.tensors[id]
      guard data.count == tensor.byteSize else {
        throw failure(graph, index, op, "constant \(graph.describe(tensor: id)) holds \(data.count) bytes, expected \(tensor.byteSize)")
      }
      let values = TensorValue(type: .float32, shape: tensor.shape, bytes: data).floats
      if let axis = weightAxis, position == 1 {
        guard tensor.shape.rank > axis else {
          throw failure(graph, index, op, "weights \(graph.describe(tensor: id)) \(tensor.shape) have no axis \(axis)")
        }
        switch int4Operators.contains(index) ? .int4 : weights {
        case .int8:
          let (q, int8) = Int8Parameters.weights(values, shape: tensor.shape, axis: axis)
          store(int8, type: .int8, quantization: q, at: id, in: &graph)
        case .int4:
          // TFLM's FULLY_CONNECTED rejects per-channel INT4 weights
          // (fully_connected_common.cc), so they get one scale there.
          let shape = op.kind == .fullyConnected ? Shape([1, tensor.elementCount]) : tensor.shape
          let (q, int4) = Int8Parameters.weights(values, shape: shape, axis: op.kind == .fullyConnected ? 0 : axis, limit: 7)
          graph.tensors[id].type = .int4
          graph.tensors[id].quantization = q
          graph.tensors[id].data = packInt4(int4)
        }
      } else if weightAxis != nil, position == 2 {
        guard let input = op.inputs.first ?? nil, let inputQ = graph.tensors[input].quantization,
          let weights = op.inputs[1], let weightsQ = graph.tensors[weights].quantization
        else {
          throw failure(graph, index, op, "bias \(graph.describe(tensor: id)) needs int8 input and weights")
        }
        guard weightsQ.scales.count == 1 || weightsQ.scales.count == tensor.elementCount else {
          throw failure(graph, index, op, "bias \(graph.describe(tensor: id)) has \(tensor.elementCount) values for \(weightsQ.scales.count) output channels")
        }
        let (q, int32) = Int8Parameters.bias(values, inputScale: inputQ.scale, weights: weightsQ)
        store(int32, type: .int32, quantization: q, at: id, in: &graph)
      } else {
        let (q, int8) = Int8Parameters.constant(values, quantization: quantization[id])
        store(int8, type: .int8, quantization: q, at: id, in: &graph)
      }
      done.insert(id)
    }
  }

  private func store<T: FixedWidthInteger>(
    _ values: [T], type: DataType, quantization: Quantization, at id: TensorID, in graph: inout Graph
  ) {
    graph.tensors[id].type = type
    graph.tensors[id].quantization = quantization
    graph.tensors[id].data = TensorValue(values, type: type, shape: graph.tensors[id].shape).bytes
  }

  private func failure(_ graph: Graph, _ index: Int, _ op: Operator, _ message: String) -> EdgeError {
    EdgeError(.invalidGraph, "--quantize int8: \(message)", at: ErrorLocation(opIndex: op.origin ?? index, opName: op.kind.name))
  }
}
