import EdgeCore
import Testing

/// A graph of one operator whose inputs are graph inputs or constants.
func single(_ kind: OpKind, _ options: OperatorOptions, inputs: [Tensor?], output: Tensor) -> Graph {
  var tensors: [Tensor] = []
  var ids: [TensorID?] = []
  for input in inputs {
    if let input {
      ids.append(tensors.count)
      tensors.append(input)
    } else {
      ids.append(nil)
    }
  }
  tensors.append(output)
  let graphInputs = tensors.indices.dropLast().filter { !tensors[$0].isConstant }
  return Graph(
    name: "g", tensors: tensors,
    operators: [Operator(kind: kind, inputs: ids, outputs: [tensors.count - 1], options: options)],
    inputs: graphInputs, outputs: [tensors.count - 1])
}

let q8 = Quantization(scale: 0.05, zeroPoint: -3)

func conv(_ o: Conv2DOptions, input: [Int], filter: [Int], output: [Int]) -> Graph {
  single(
    .conv2D, .conv2D(o),
    inputs: [tensor("x", input), tensor("w", filter, constant: true), tensor("b", [filter[0]], constant: true)],
    output: tensor("y", output))
}

/// Per-operator checks: arity, types, quantization, output shapes.
@Suite struct VerifierOperatorTests {
  @Test func convolutionOutputSizesFollowTFLite() throws {
    // SAME: ceil(in / stride). VALID: (in + stride - effective) / stride, effective = (k - 1) × dilation + 1.
    try verify(conv(Conv2DOptions(padding: .same, strideH: 2, strideW: 3), input: [1, 5, 7, 2], filter: [4, 3, 3, 2], output: [1, 3, 3, 4]))
    try verify(conv(Conv2DOptions(padding: .valid, strideH: 2, strideW: 1), input: [1, 5, 7, 2], filter: [4, 3, 3, 2], output: [1, 2, 5, 4]))
    try verify(
      conv(Conv2DOptions(padding: .valid, strideH: 1, strideW: 1, dilationH: 2, dilationW: 3),
           input: [2, 5, 7, 2], filter: [4, 3, 3, 2], output: [2, 1, 1, 4]))
  }

  @Test func convolutionWithTheWrongOutputShape() {
    let error = verifyError(
      conv(Conv2DOptions(padding: .same, strideH: 2, strideW: 2), input: [1, 5, 5, 2], filter: [4, 3, 3, 2], output: [1, 5, 5, 4]))
    #expect(error?.kind == .invalidGraph)
    #expect(error?.message == "op 0 (CONV_2D): output tensor 3 'y' has shape [1, 5, 5, 4], but the convolution computes [1, 3, 3, 4]")
    #expect(error?.location == ErrorLocation(opIndex: 0, opName: "CONV_2D", tensorIndex: 3, tensorName: "y"))
  }

  @Test func zeroStrideDilationAndEmptyValidWindow() {
    var g = conv(Conv2DOptions(padding: .same, strideH: 1, strideW: 0), input: [1, 5, 5, 2], filter: [4, 3, 3, 2], output: [1, 5, 5, 4])
    #expect(verifyError(g)?.message == "op 0 (CONV_2D): stride_w is 0, must be between 1 and 2147483647")
    g = conv(Conv2DOptions(padding: .same, strideH: 1, strideW: 1, dilationH: 0), input: [1, 5, 5, 2], filter: [4, 3, 3, 2], output: [1, 5, 5, 4])
    #expect(verifyError(g)?.message == "op 0 (CONV_2D): dilation_h_factor is 0, must be between 1 and 2147483647")
    g = conv(Conv2DOptions(padding: .valid, strideH: 1, strideW: 1), input: [1, 2, 5, 2], filter: [4, 3, 3, 2], output: [1, 1, 3, 4])
    #expect(verifyError(g)?.message == "op 0 (CONV_2D): VALID padding with an effective filter height of 3 leaves no output on an input height of 2")
  }

  @Test func convolutionChannelMismatchAndGroups() {
    var g = conv(Conv2DOptions(padding: .same, strideH: 1, strideW: 1), input: [1, 5, 5, 3], filter: [4, 3, 3, 2], output: [1, 5, 5, 4])
    #expect(verifyError(g)?.kind == .invalidGraph)
    #expect(verifyError(g)?.message == "op 0 (CONV_2D): filter tensor 1 'w' has 2 input channels but input tensor 0 'x' has 3")
    // Two groups of 2 input channels, each producing 2 of the 4 outputs: valid.
    g = conv(Conv2DOptions(padding: .same, strideH: 1, strideW: 1), input: [1, 5, 5, 4], filter: [4, 3, 3, 2], output: [1, 5, 5, 4])
    #expect(verifyError(g) == nil)
    // Two groups cannot share 3 output channels.
    g = conv(Conv2DOptions(padding: .same, strideH: 1, strideW: 1), input: [1, 5, 5, 4], filter: [3, 3, 3, 2], output: [1, 5, 5, 3])
    #expect(verifyError(g)?.message == "op 0 (CONV_2D): filter tensor 1 'w' has 2 input channels but input tensor 0 'x' has 4 and 3 output channels do not split into 2 groups")
  }

  @Test func int8ConvolutionNeedsQuantizedInt8AndInt32Bias() throws {
    let wq = Quantization(scales: [0.1, 0.2, 0.3, 0.4], zeroPoints: [0, 0, 0, 0], axis: 0)
    let bq = Quantization(scales: [0.005, 0.01, 0.015, 0.02], zeroPoints: [0, 0, 0, 0], axis: 0)
    func graph(bias: Tensor, filterQ: Quantization? = wq, outputQ: Quantization? = q8) -> Graph {
      single(
        .conv2D, .conv2D(Conv2DOptions(padding: .same, strideH: 1, strideW: 1)),
        inputs: [tensor("x", [1, 4, 4, 2], .int8, q: q8), tensor("w", [4, 1, 1, 2], .int8, q: filterQ, constant: true), bias],
        output: tensor("y", [1, 4, 4, 4], .int8, q: outputQ))
    }
    try verify(graph(bias: tensor("b", [4], .int32, q: bq, constant: true)))
    #expect(verifyError(graph(bias: tensor("b", [4], .float32, constant: true)))?.message == "op 0 (CONV_2D): bias tensor 2 'b' is float32, expected int32")
    #expect(
      verifyError(graph(bias: tensor("b", [4], .int32, q: bq, constant: true), outputQ: nil))?.message
        == "op 0 (CONV_2D): output tensor 3 'y' is int8 but has no quantization parameters")
    let twoScales = Quantization(scales: [0.1, 0.2], zeroPoints: [0, 0], axis: 3)
    #expect(
      verifyError(graph(bias: tensor("b", [4], .int32, q: bq, constant: true), filterQ: twoScales))?.message
        == "op 0 (CONV_2D): filter tensor 1 'w' has 2 quantization scales along axis 3, expected 1 or 4 (one per output channel) along axis 0")
    let asymmetric = Quantization(scales: [0.1, 0.2, 0.3, 0.4], zeroPoints: [0, 1, 0, 0], axis: 0)
    #expect(verifyError(graph(bias: tensor("b", [4], .int32, q: bq, constant: true), filterQ: asymmetric))?.kind == .unsupported)
  }

  @Test func hybridIsValidInt16IsUnsupported() throws {
    // Dynamic-range quantized (kws_float): float32 activations, int8 weights.
    var hybrid = single(
      .fullyConnected, .fullyConnected(FullyConnectedOptions()),
      inputs: [tensor("x", [1, 8]), tensor("w", [3, 8], .int8, q: q8, constant: true)], output: tensor("y", [1, 3]))
    try verify(hybrid)
    hybrid.tensors[1].quantization = nil
    #expect(verifyError(hybrid)?.message == "op 0 (FULLY_CONNECTED): filter tensor 1 'w' is int8 but has no quantization parameters")
    let int16 = single(.logistic, .none, inputs: [tensor("x", [4], .int16, q: q8)], output: tensor("y", [4], .int16, q: q8))
    #expect(verifyError(int16)?.kind == .unsupported)
    #expect(verifyError(int16)?.message == "op 0 (LOGISTIC): input tensor 0 'x' is int16, expected float32 or int8")
  }

  @Test func depthwiseMultiplier() throws {
    func graph(_ multiplier: Int, output: [Int]) -> Graph {
      single(
        .depthwiseConv2D,
        .depthwiseConv2D(DepthwiseConv2DOptions(padding: .valid, strideH: 1, strideW: 1, depthMultiplier: multiplier)),
        inputs: [tensor("x", [1, 5, 5, 3]), tensor("w", [1, 3, 3, 6], constant: true), nil], output: tensor("y", output))
    }
    try verify(graph(2, output: [1, 3, 3, 6]))
    #expect(
      verifyError(graph(1, output: [1, 3, 3, 6]))?.message
        == "op 0 (DEPTHWISE_CONV_2D): filter tensor 1 'w' has 6 channels, but input tensor 0 'x' has 3 channels and depth_multiplier is 1")
    #expect(verifyError(graph(0, output: [1, 3, 3, 6]))?.message == "op 0 (DEPTHWISE_CONV_2D): depth_multiplier is 0, must be between 1 and 2147483647")
  }

  @Test func fullyConnectedOutputShape() throws {
    func graph(_ keep: Bool, input: [Int], output: [Int]) -> Graph {
      single(
        .fullyConnected, .fullyConnected(FullyConnectedOptions(keepNumDims: keep)),
        inputs: [tensor("x", input), tensor("w", [5, 8], constant: true), tensor("b", [5], constant: true)],
        output: tensor("y", output))
    }
    try verify(graph(false, input: [2, 2, 8], output: [4, 5]))
    try verify(graph(true, input: [2, 2, 8], output: [2, 2, 5]))
    #expect(verifyError(graph(false, input: [2, 2, 8], output: [2, 2, 5]))?.message
      == "op 0 (FULLY_CONNECTED): output tensor 3 'y' has shape [2, 2, 5], but the operator computes [4, 5]")
    #expect(verifyError(graph(false, input: [1, 12], output: [1, 5]))?.message
      == "op 0 (FULLY_CONNECTED): input tensor 0 'x' with shape [1, 12] cannot be read as rows of 8 values")
  }

  @Test func poolingOutputShapeAndQuantization() throws {
    func graph(_ padding: Padding, output: [Int], outQ: Quantization = q8) -> Graph {
      single(
        .averagePool2D, .pool2D(Pool2DOptions(padding: padding, strideH: 2, strideW: 2, filterH: 3, filterW: 3)),
        inputs: [tensor("x", [1, 7, 8, 3], .int8, q: q8)], output: tensor("y", output, .int8, q: outQ))
    }
    try verify(graph(.valid, output: [1, 3, 3, 3]))
    try verify(graph(.same, output: [1, 4, 4, 3]))
    #expect(verifyError(graph(.same, output: [1, 3, 3, 3]))?.message
      == "op 0 (AVERAGE_POOL_2D): output tensor 1 'y' has shape [1, 3, 3, 3], but the pooling computes [1, 4, 4, 3]")
    #expect(verifyError(graph(.valid, output: [1, 3, 3, 3], outQ: Quantization(scale: 0.1, zeroPoint: -3)))?.message.hasPrefix(
      "op 0 (AVERAGE_POOL_2D): output tensor 1 'y' has scale 0.1 and zero point -3, but this operator needs the same") == true)
  }

  @Test func addBroadcasting() throws {
    func graph(_ a: [Int], _ b: [Int], _ out: [Int]) -> Graph {
      single(.add, .activation(.relu), inputs: [tensor("a", a), tensor("b", b)], output: tensor("y", out))
    }
    try verify(graph([1, 4, 4, 3], [3], [1, 4, 4, 3]))
    try verify(graph([2, 1, 3], [4, 1], [2, 4, 3]))
    #expect(verifyError(graph([1, 4, 4, 3], [4], [1, 4, 4, 3]))?.message
      == "op 0 (ADD): input 0 tensor 0 'a' with shape [1, 4, 4, 3] and input 1 tensor 1 'b' with shape [4] do not broadcast")
    #expect(verifyError(graph([2, 1, 3], [4, 1], [2, 4, 1]))?.message
      == "op 0 (ADD): output tensor 2 'y' has shape [2, 4, 1], but broadcasting the inputs gives [2, 4, 3]")
  }

  @Test func concatenationAlongANegativeAxis() throws {
    func graph(_ out: [Int], axis: Int = -1) -> Graph {
      single(
        .concatenation, .concatenation(axis: axis, activation: .none),
        inputs: [tensor("a", [1, 2, 3]), tensor("b", [1, 2, 5])], output: tensor("y", out))
    }
    try verify(graph([1, 2, 8]))
    #expect(verifyError(graph([1, 2, 7]))?.message == "op 0 (CONCATENATION): output tensor 2 'y' has shape [1, 2, 7], but concatenating along axis 2 gives [1, 2, 8]")
    #expect(verifyError(graph([1, 4, 3], axis: 1))?.message
      == "op 0 (CONCATENATION): input 1 tensor 1 'b' has shape [1, 2, 5], which differs from output tensor 2 'y' [1, 4, 3] outside the concatenation axis 1")
    #expect(verifyError(graph([1, 2, 8], axis: 3))?.message == "op 0 (CONCATENATION): axis 3 is out of range for output tensor 2 'y' of rank 3")
  }

  @Test func padAndMean() throws {
    let pad = single(
      .pad, .none, inputs: [tensor("x", [1, 4, 4, 3]), int32Constant("p", [0, 0, 1, 2, 3, 4, 0, 0], dims: [4, 2])],
      output: tensor("y", [1, 7, 11, 3]))
    try verify(pad)
    var wrong = pad
    wrong.tensors[2].shape = Shape([1, 7, 11, 4])
    #expect(verifyError(wrong)?.message == "op 0 (PAD): output tensor 2 'y' has shape [1, 7, 11, 4], but padding the input gives [1, 7, 11, 3]")

    func mean(_ keep: Bool, _ out: [Int]) -> Graph {
      single(.mean, .reducer(keepDims: keep), inputs: [tensor("x", [1, 4, 4, 3]), int32Constant("axes", [1, -2])], output: tensor("y", out))
    }
    try verify(mean(true, [1, 1, 1, 3]))
    try verify(mean(false, [1, 3]))
    #expect(verifyError(mean(false, [1, 1, 1, 3]))?.message == "op 0 (MEAN): output tensor 2 'y' has shape [1, 1, 1, 3], but reducing axes [1, 2] gives [1, 3]")
  }

  @Test func reshapeSoftmaxQuantizeDequantize() throws {
    try verify(single(.reshape, .reshape(newShape: [1, -1]), inputs: [tensor("x", [1, 2, 3]), int32Constant("s", [1, -1])], output: tensor("y", [1, 6])))
    #expect(verifyError(single(.reshape, .reshape(newShape: nil), inputs: [tensor("x", [1, 2, 3])], output: tensor("y", [1, 5])))?.message
      == "op 0 (RESHAPE): output tensor 1 'y' has shape [1, 5] (5 elements), but input tensor 0 'x' has shape [1, 2, 3] (6 elements)")
    try verify(single(.softmax, .softmax(beta: 1), inputs: [tensor("x", [1, 10], .int8, q: q8)],
                      output: tensor("y", [1, 10], .int16, q: Quantization(scale: 1.0 / 32768, zeroPoint: 0))))
    try verify(single(.quantize, .none, inputs: [tensor("x", [2, 3])], output: tensor("y", [2, 3], .int8, q: q8)))
    try verify(single(.dequantize, .none, inputs: [tensor("x", [2, 3], .int8, q: q8)], output: tensor("y", [2, 3])))
    #expect(verifyError(single(.dequantize, .none, inputs: [tensor("x", [2, 3], .int8, q: q8)], output: tensor("y", [3, 2])))?.message
      == "op 0 (DEQUANTIZE): output tensor 1 'y' has shape [3, 2], but its input has shape [2, 3]")
  }

  @Test func arity() {
    let g = single(.softmax, .softmax(beta: 1), inputs: [tensor("x", [4]), tensor("z", [4])], output: tensor("y", [4]))
    #expect(verifyError(g)?.message == "op 0 (SOFTMAX): has 2 inputs, expected 1")
    let noFilter = single(.conv2D, .conv2D(Conv2DOptions(padding: .same, strideH: 1, strideW: 1)),
                          inputs: [tensor("x", [1, 2, 2, 1]), nil], output: tensor("y", [1, 2, 2, 1]))
    #expect(verifyError(noFilter)?.message == "op 0 (CONV_2D): filter (input 1) is absent")
  }
}
