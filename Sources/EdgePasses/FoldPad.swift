import EdgeCore

/// Folds a PAD into the CONV_2D or DEPTHWISE_CONV_2D that reads it:
///
///     p = PAD(x, [[0,0],[t,b],[l,r],[0,0]]); y = CONV_2D(p, …, VALID)
///       →  y = CONV_2D(x, …, explicit padding t, b, l, r)
///
/// Exact because the convolution kernels treat a tap outside the input as
/// contributing nothing, and a padded element contributes nothing either:
/// int8 PAD fills with the zero point, which the kernel's input offset
/// cancels; float32 PAD fills with 0.0. The padded tensor — the largest
/// activation of many Keras MobileNet stages — is never written.
///
/// Fires only when: the PAD is spatial (batch and channel amounts 0); its
/// padded tensor has one reader, that convolution's input 0, and is not a
/// graph output; a PADV2 constant equals the fill above; input and output
/// share type and quantization; the convolution is int8 or float32 (not
/// hybrid). A SAME convolution adds its own padding to the PAD's. Pools are
/// left alone: TFLite's SAME average pool leaves padding out of the count
/// and max pool ignores it, so a folded PAD would change their results.
public struct FoldPad: GraphPass {
  public var name: String { "fold-pad" }

  public init() {}

  public func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int) {
    var graph = graph
    let consumers = graph.consumers
    var removed: Set<Int> = []
    for (padIndex, pad) in graph.operators.enumerated() {
      guard pad.kind == .pad, pad.outputs.count == 1, let x = pad.inputs.first ?? nil,
        let amounts = spatialAmounts(graph, pad), fillIsNeutral(graph, pad)
      else { continue }
      let padded = pad.outputs[0]
      guard consumers[padded].count == 1, let convIndex = consumers[padded].first, !graph.isGraphOutput(padded),
        graph.tensors[x].type == graph.tensors[padded].type,
        graph.tensors[x].quantization == graph.tensors[padded].quantization
      else { continue }
      var conv = graph.operators[convIndex]
      guard conv.inputs.first == padded, !conv.inputs.dropFirst().contains(padded),
        let filter = conv.inputs.count > 1 ? conv.inputs[1] : nil,
        graph.tensors[filter].type == graph.tensors[x].type
      else { continue }
      let paddedShape = graph.tensors[padded].shape
      let filterShape = graph.tensors[filter].shape
      switch conv.options {
      case .conv2D(var o) where o.explicitPadding == nil:
        o.explicitPadding = combined(
          amounts, o.padding, paddedShape, filterH: filterShape[1], filterW: filterShape[2],
          strides: (o.strideH, o.strideW), dilations: (o.dilationH, o.dilationW))
        conv.options = .conv2D(o)
      case .depthwiseConv2D(var o) where o.explicitPadding == nil:
        o.explicitPadding = combined(
          amounts, o.padding, paddedShape, filterH: filterShape[1], filterW: filterShape[2],
          strides: (o.strideH, o.strideW), dilations: (o.dilationH, o.dilationW))
        conv.options = .depthwiseConv2D(o)
      default:
        continue
      }
      conv.inputs[0] = x
      graph.operators[convIndex] = conv
      removed.insert(padIndex)
    }
    return (graph.removingOperators(removed), removed.count)
  }

  /// The PAD's (top, bottom, left, right) when it pads only H and W of a
  /// rank-4 tensor.
  private func spatialAmounts(_ graph: Graph, _ pad: Operator) -> ExplicitPadding? {
    guard pad.inputs.count >= 2, let x = pad.inputs[0], let p = pad.inputs[1],
      graph.tensors[x].shape.rank == 4, graph.tensors[p].isConstant,
      graph.tensors[p].shape.dims == [4, 2], let data = graph.tensors[p].data
    else { return nil }
    let value = TensorValue(type: graph.tensors[p].type, shape: graph.tensors[p].shape, bytes: data)
    let amounts: [Int]
    switch graph.tensors[p].type {
    case .int32: amounts = value.elements(as: Int32.self).map(Int.init)
    case .int64: amounts = value.elements(as: Int64.self).map { Int(clamping: $0) }
    default: return nil
    }
    guard amounts.count == 8, amounts.allSatisfy({ (0...(1 << 20)).contains($0) }),
      amounts[0] == 0, amounts[1] == 0, amounts[6] == 0, amounts[7] == 0
    else { return nil }
    return ExplicitPadding(top: amounts[2], bottom: amounts[3], left: amounts[4], right: amounts[5])
  }

  /// Whether the PAD fills with what the convolution treats as nothing: the
  /// int8 zero point (PAD's default) or 0.0; a PADV2 constant must equal it.
  private func fillIsNeutral(_ graph: Graph, _ pad: Operator) -> Bool {
    guard let output = pad.outputs.first else { return false }
    let tensor = graph.tensors[output]
    switch tensor.type {
    case .int8:
      guard let q = tensor.quantization, q.zeroPoints.count == 1 else { return false }
      guard pad.inputs.count > 2, let c = pad.inputs[2] else { return true }
      guard let data = graph.tensors[c].data, data.count == 1 else { return false }
      return Int64(Int8(bitPattern: data[0])) == q.zeroPoints[0]
    case .float32:
      guard pad.inputs.count > 2, let c = pad.inputs[2] else { return true }
      guard let data = graph.tensors[c].data, data.count == 4 else { return false }
      return data.allSatisfy { $0 == 0 }
    default:
      return false
    }
  }

  /// The PAD's amounts plus the convolution's own SAME padding, computed on
  /// the padded size as TFLite does (extra row to the bottom/right).
  private func combined(
    _ pad: ExplicitPadding, _ padding: Padding, _ padded: Shape, filterH: Int, filterW: Int,
    strides: (Int, Int), dilations: (Int, Int)
  ) -> ExplicitPadding {
    guard padding == .same else { return pad }
    func same(_ size: Int, _ filter: Int, _ stride: Int, _ dilation: Int) -> (Int, Int) {
      let effective = (filter - 1) * dilation + 1
      let out = (size + stride - 1) / stride
      let total = max((out - 1) * stride + effective - size, 0)
      return (total / 2, total - total / 2)
    }
    let (top, bottom) = same(padded[1], filterH, strides.0, dilations.0)
    let (left, right) = same(padded[2], filterW, strides.1, dilations.1)
    return ExplicitPadding(
      top: pad.top + top, bottom: pad.bottom + bottom, left: pad.left + left, right: pad.right + right)
  }
}
