/// One check per operator kind: arity, ranks, element types, quantization and
/// the output shape TFLite computes for the operator.
extension OperatorVerifier {
  /// CONV_2D: input [N,H,W,Cin], filter [Cout,KH,KW,Cin], bias [Cout], output [N,OH,OW,Cout].
  func verifyConv2D() throws {
    guard case .conv2D(let o) = op.options else { throw failure("has no Conv2DOptions") }
    try arity(inputs: o.residual == nil ? 2...3 : 4...4)
    let (input, filter, bias, out) = (try input(0, "input"), try input(1, "filter"), optionalInput(2, "bias"), output())
    for operand in [input, filter, out] { try rank(operand, 4) }
    let cout = filter.dims[0]
    try weightedTypes(input: input, filter: filter, bias: bias, output: out, channelAxis: 0, channels: cout)
    for (value, name) in [(o.strideH, "stride_h"), (o.strideW, "stride_w"), (o.dilationH, "dilation_h_factor"),
                          (o.dilationW, "dilation_w_factor"), (filter.dims[1], "filter height"),
                          (filter.dims[2], "filter width")] { try positive(value, name) }
    let (cin, filterCin) = (input.dims[3], filter.dims[3])
    // Grouped convolution (TFLite since 2.9): the filter's input depth divides
    // the input's, and each group produces an equal share of the output channels.
    let groups = filterCin > 0 && cin % filterCin == 0 ? cin / filterCin : 0
    guard groups >= 1, cout % groups == 0 else {
      throw failure("\(describe(filter)) has \(filterCin) input channels but \(describe(input)) has \(cin)"
          + (groups >= 1 ? " and \(cout) output channels do not split into \(groups) groups" : ""), filter)
    }
    let oh = try windowOutput(o.padding, input.dims[1], filter.dims[1], o.strideH, o.dilationH, "height",
                              explicit: o.explicitPadding.map { ($0.top, $0.bottom) })
    let ow = try windowOutput(o.padding, input.dims[2], filter.dims[2], o.strideW, o.dilationW, "width",
                              explicit: o.explicitPadding.map { ($0.left, $0.right) })
    try shape(out, [input.dims[0], oh, ow, cout], "the convolution computes")
    if o.residual != nil {
      // A fused residual ADD (EdgePasses): int8 only, no broadcasting.
      let skip = try self.input(3, "skip")
      try type(out, [.int8])
      try sameType(skip, out)
      try sameShape(skip, out)
      _ = try activationQuantization(skip)
    }
  }

  /// DEPTHWISE_CONV_2D: filter [1,KH,KW,Cin×multiplier]; output channels likewise.
  func verifyDepthwiseConv2D() throws {
    guard case .depthwiseConv2D(let o) = op.options else { throw failure("has no DepthwiseConv2DOptions") }
    // In place (EdgePasses' depthwise-in-place), a second output is the plane.
    try arity(inputs: 2...3, outputs: o.inPlace ? 2 : 1)
    let (input, filter, bias, out) = (try input(0, "input"), try input(1, "filter"), optionalInput(2, "bias"), output())
    for operand in [input, filter, out] { try rank(operand, 4) }
    let cout = filter.dims[3]
    try weightedTypes(input: input, filter: filter, bias: bias, output: out, channelAxis: 3, channels: cout)
    for (value, name) in [(o.strideH, "stride_h"), (o.strideW, "stride_w"), (o.dilationH, "dilation_h_factor"),
                          (o.dilationW, "dilation_w_factor"), (o.depthMultiplier, "depth_multiplier"),
                          (filter.dims[1], "filter height"), (filter.dims[2], "filter width")] {
      try positive(value, name)
    }
    guard filter.dims[0] == 1 else { throw failure("\(describe(filter)) must have 1 as its first dimension", filter) }
    guard input.dims[3] * o.depthMultiplier == cout else {
      throw failure("\(describe(filter)) has \(cout) channels, but \(describe(input)) has \(input.dims[3]) channels "
          + "and depth_multiplier is \(o.depthMultiplier)", filter)
    }
    let oh = try windowOutput(o.padding, input.dims[1], filter.dims[1], o.strideH, o.dilationH, "height",
                              explicit: o.explicitPadding.map { ($0.top, $0.bottom) })
    let ow = try windowOutput(o.padding, input.dims[2], filter.dims[2], o.strideW, o.dilationW, "width",
                              explicit: o.explicitPadding.map { ($0.left, $0.right) })
    try shape(out, [input.dims[0], oh, ow, cout], "the depthwise convolution computes")
    if o.inPlace {
      // One channel of the input at a time; the output fits in the input's bytes.
      let plane = output(1)
      try type(input, [.int8])
      try type(plane, [.int8])
      try shape(plane, [input.dims[1] * input.dims[2]], "the in-place depthwise convolution's plane is")
      guard o.depthMultiplier == 1, oh * ow <= input.dims[1] * input.dims[2] else {
        throw failure("computed in place, it needs depth_multiplier 1 and an output no larger than its input")
      }
    }
  }

  /// FULLY_CONNECTED: filter [Units,K]; the input is read as rows of K.
  func verifyFullyConnected() throws {
    guard case .fullyConnected(let o) = op.options else { throw failure("has no FullyConnectedOptions") }
    try arity(inputs: 2...3)
    let (input, filter, bias, out) = (try input(0, "input"), try input(1, "filter"), optionalInput(2, "bias"), output())
    try rank(filter, 2)
    let (units, depth) = (filter.dims[0], filter.dims[1])
    try weightedTypes(input: input, filter: filter, bias: bias, output: out, channelAxis: 0, channels: units)
    try positive(depth, "filter depth (dimension 1)")
    guard input.shape.rank >= 1, input.tensor.elementCount % depth == 0 else {
      throw failure("\(describe(input)) with shape \(input.shape) cannot be read as rows of \(depth) values", input)
    }
    if o.keepNumDims {
      guard input.dims.last == depth else {
        throw failure("\(describe(input)) must end in \(depth) (the filter depth) when keep_num_dims is set", input)
      }
      try shape(out, Array(input.dims.dropLast()) + [units], "with keep_num_dims the operator computes")
    } else {
      try shape(out, [input.tensor.elementCount / depth, units], "the operator computes")
    }
  }

  /// Types shared by CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: float32
  /// throughout, or int8 activations and weights with an int32 bias, all
  /// quantized. Hybrid operators (float32 activations, quantized int8 weights,
  /// as in dynamic-range quantized models) are valid TFLite and pass here; the
  /// lowering decides whether it runs them.
  func weightedTypes(
    input: Operand, filter: Operand, bias: Operand?, output: Operand, channelAxis: Int, channels: Int
  ) throws {
    let t = try computeType(input)
    if t == .float32 && filter.type == .int8 {
      try channelQuantization(filter, axis: channelAxis, channels: channels)
    } else {
      // int8 activations take int4 weights too (TFLite's INT4, unpacked by the kernel).
      try type(filter, t == .int8 ? [.int8, .int4] : [t])
    }
    try sameType(input, output)
    if let bias {
      try type(bias, [t == .int8 ? .int32 : .float32])
      guard bias.tensor.elementCount == channels else {
        throw failure(
          "\(describe(bias)) has \(bias.tensor.elementCount) elements, expected \(channels) "
            + "(one per output channel)", bias)
      }
    }
    guard t == .int8 else { return }
    _ = try activationQuantization(input)
    _ = try activationQuantization(output)
    try channelQuantization(filter, axis: channelAxis, channels: channels)
    if let bias { try channelQuantization(bias, axis: 0, channels: channels) }
    if op.kind != .fullyConnected, let bad = try quantization(filter).zeroPoints.first(where: { $0 != 0 }) {
      throw failure(
        "\(describe(filter)) has zero point \(bad); int8 convolution weights must be symmetric (zero point 0)",
        filter, kind: .unsupported)
    }
  }

  /// AVERAGE_POOL_2D and MAX_POOL_2D: [N,H,W,C] → [N,OH,OW,C].
  func verifyPool2D() throws {
    guard case .pool2D(let o) = op.options else { throw failure("has no Pool2DOptions") }
    try arity(inputs: 1...1)
    let (input, out) = (try input(0, "input"), output())
    for operand in [input, out] { try rank(operand, 4) }
    let t = try computeType(input)
    try sameType(input, out)
    if t == .int8 { try sameQuantization(input, out) }
    for (value, name) in [(o.strideH, "stride_h"), (o.strideW, "stride_w"), (o.filterH, "filter_height"),
                          (o.filterW, "filter_width")] { try positive(value, name) }
    let oh = try windowOutput(o.padding, input.dims[1], o.filterH, o.strideH, 1, "height")
    let ow = try windowOutput(o.padding, input.dims[2], o.filterW, o.strideW, 1, "width")
    try shape(out, [input.dims[0], oh, ow, input.dims[3]], "the pooling computes")
  }

  /// The output size along one spatial axis, as TFLite's ComputeOutSize.
  func windowOutput(
    _ padding: Padding, _ size: Int, _ filter: Int, _ stride: Int, _ dilation: Int, _ axis: String,
    explicit: (before: Int, after: Int)? = nil
  ) throws -> Int {
    // All operands are within 0...Int32.max here, so no product or sum overflows.
    let effective = (filter - 1) * dilation + 1
    if let explicit {
      let padded = size + explicit.before + explicit.after
      guard explicit.before >= 0, explicit.after >= 0, padded >= effective else {
        throw failure("explicit padding \(explicit) of the \(axis) leaves no output for an effective filter of \(effective)")
      }
      return (padded - effective) / stride + 1
    }
    switch padding {
    case .same: return (size + stride - 1) / stride
    case .valid:
      guard size >= effective else {
        throw failure(
          "VALID padding with an effective filter \(axis) of \(effective) leaves no output on an input "
            + "\(axis) of \(size)")
      }
      return (size + stride - effective) / stride
    }
  }
}
