import EdgeCore

// DEPTHWISE_CONV_2D: TFLM's reference DepthwiseConvPerChannel (int8) and
// DepthwiseConv (float32). Output channel `ic * depth_multiplier + m` reads
// input channel `ic`; the filter is [1, kh, kw, out_c].

func lowerDepthwiseConv2D(_ context: OpContext) throws -> LoweredOp {
  guard case .depthwiseConv2D(let options) = context.op.options else {
    throw context.error(.invalidGraph, "DEPTHWISE_CONV_2D carries no DepthwiseConv2DOptions")
  }
  let input = try context.input(0)
  let filter = try context.constantInput(1)
  let bias = try context.inputID(2).map { _ in try context.input(2) }
  let output = try context.output()
  let arithmetic = try context.convArithmetic(input: input, filter: filter, bias: bias, output: output)
  let inDims = try context.nhwcDims(input, role: "input")
  let filterDims = try context.nhwcDims(filter, role: "filter")
  let outDims = try context.nhwcDims(output, role: "output")
  guard filterDims.n == 1, inDims.c >= 1, filterDims.c == outDims.c, outDims.c % inDims.c == 0 else {
    throw context.error(.invalidGraph, "filter '\(filter.name)' \(filter.shape) must be [1, kh, kw, \(outDims.c)] with the output depth a multiple of the input depth \(inDims.c)")
  }
  // TFLM loops over the option's depth multiplier; a model whose option
  // disagrees with the shapes would leave output channels unwritten there.
  let depthMultiplier = outDims.c / inDims.c
  guard options.depthMultiplier == depthMultiplier else {
    throw context.error(.invalidGraph, "depth_multiplier option is \(options.depthMultiplier) but the shapes give \(outDims.c) / \(inDims.c) = \(depthMultiplier)")
  }
  if let bias, bias.elementCount != outDims.c {
    throw context.error(.invalidGraph, "bias '\(bias.name)' has \(bias.elementCount) elements for \(outDims.c) output channels")
  }
  let window = try context.windowGeometry(
    padding: options.padding, strideH: options.strideH, strideW: options.strideW,
    dilationH: options.dilationH, dilationW: options.dilationW,
    input: inDims, filterH: filterDims.h, filterW: filterDims.w, output: outDims,
    explicit: options.explicitPadding)
  let tensors = [context.inputID(0), context.inputID(1), context.inputID(2)]

  switch arithmetic {
  case .int8:
    let q = try context.perChannelRequantization(input: input, filter: filter, output: output, channels: outDims.c, axis: 3)
    let kernel = DepthwiseConv2DS8Kernel(
      input: inDims, filter: filterDims, output: outDims, window: window, depthMultiplier: depthMultiplier,
      inputOffset: q.inputOffset, outputOffset: q.outputOffset, actMin: q.actMin, actMax: q.actMax,
      multipliers: q.multipliers, shifts: q.shifts, packedInt4: filter.type == .int4)
    if options.inPlace {
      guard filter.type != .int4 else {
        throw context.error(.unsupported, "in-place DEPTHWISE_CONV_2D with int4 weights '\(filter.name)' has no kernel; the in-place pass should have left it alone")
      }
      guard depthMultiplier == 1, try context.output(1).elementCount == inDims.h * inDims.w else {
        throw context.error(.invalidGraph, "computed in place, it needs depth_multiplier 1 and an [H·W] plane as its second output")
      }
      return context.kernel(DepthwiseConv2DInPlaceS8Kernel(base: kernel), inputs: tensors)
    }
    return context.kernel(kernel, inputs: tensors)
  case .float32:
    let range = try context.float32ActivationRange()
    let kernel = DepthwiseConv2DF32Kernel(
      input: inDims, filter: filterDims, output: outDims, window: window, depthMultiplier: depthMultiplier,
      actMin: range.min, actMax: range.max)
    return context.kernel(kernel, inputs: tensors)
  }
}

struct DepthwiseConv2DS8Kernel: PreparedKernel {
  var input: NHWCDims, filter: NHWCDims, output: NHWCDims
  var window: WindowGeometry
  var depthMultiplier: Int
  var inputOffset: Int32, outputOffset: Int32
  var actMin: Int32, actMax: Int32
  var multipliers: [Int32], shifts: [Int32]
  /// int4 weights, packed two a byte in flash: the `_s8w4` C kernel unpacks
  /// them as it reads; the arithmetic is this kernel's on the unpacked values.
  var packedInt4 = false

  var cFunction: String { packedInt4 ? "edgec_depthwise_conv2d_s8w4" : "edgec_depthwise_conv2d_s8" }
  var cParamsType: String { "edgec_depthwise_conv2d_s8_params" }
  var cFields: [NamedKernelField] {
    [NamedKernelField("input", input.field), NamedKernelField("filter", filter.field), NamedKernelField("output", output.field)]
      + window.cFields
      + [
        NamedKernelField("depth_multiplier", .int(Int32(depthMultiplier))),
        NamedKernelField("input_offset", .int(inputOffset)), NamedKernelField("output_offset", .int(outputOffset)),
        NamedKernelField("act_min", .int(actMin)), NamedKernelField("act_max", .int(actMax)),
        NamedKernelField("multiplier", .table(multipliers)), NamedKernelField("shift", .table(shifts)),
      ]
  }

  func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard inputs.count >= 2, let inputValue = inputs[0], let filterValue = inputs[1], !outputs.isEmpty else { return }
    let x = inputValue.windowKernelElements(as: Int8.self)
    let w = filterValue.kernelWeights()
    let bias = inputs.count > 2 ? inputs[2]?.windowKernelElements(as: Int32.self) : nil
    var y = [Int8](repeating: 0, count: output.elementCount)
    x.withUnsafeBufferPointer { x in
      w.withUnsafeBufferPointer { w in
        y.withUnsafeMutableBufferPointer { y in
          for b in 0..<output.n {
            for oy in 0..<output.h {
              let iy0 = oy * window.strideH - window.padH
              for ox in 0..<output.w {
                let ix0 = ox * window.strideW - window.padW
                let outBase = ((b * output.h + oy) * output.w + ox) * output.c
                for oc in 0..<output.c {
                  let ic = oc / depthMultiplier
                  var acc: Int32 = 0
                  for ky in 0..<filter.h {
                    let iy = iy0 + ky * window.dilationH
                    if iy < 0 || iy >= input.h { continue }
                    for kx in 0..<filter.w {
                      let ix = ix0 + kx * window.dilationW
                      if ix < 0 || ix >= input.w { continue }
                      let xv = Int32(x[((b * input.h + iy) * input.w + ix) * input.c + ic])
                      let wv = Int32(w[(ky * filter.w + kx) * filter.c + oc])
                      acc &+= wv &* (xv &+ inputOffset)
                    }
                  }
                  if let bias { acc &+= bias[oc] }
                  acc = multiplyByQuantizedMultiplier(acc, multipliers[oc], shifts[oc]) &+ outputOffset
                  y[outBase + oc] = Int8(truncatingIfNeeded: min(max(acc, actMin), actMax))
                }
              }
            }
          }
        }
      }
    }
    outputs[0].setWindowKernelElements(y)
  }
}

/// The int8 depthwise convolution computed channel by channel through a
/// one-channel plane (its second output), so that its output may be written
/// over its input's first bytes: `edgec_depthwise_conv2d_inplace_s8`, same
/// parameters, same arithmetic per element, so `run` is the plain kernel's.
struct DepthwiseConv2DInPlaceS8Kernel: PreparedKernel {
  var base: DepthwiseConv2DS8Kernel

  var cFunction: String { "edgec_depthwise_conv2d_inplace_s8" }
  var cParamsType: String { base.cParamsType }
  var cFields: [NamedKernelField] { base.cFields }
  var inPlaceInputs: [Int] { [0] }
  var inPlaceOutputMayBeSmaller: Bool { true }

  func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    base.run(inputs: inputs, outputs: &outputs)
  }
}

struct DepthwiseConv2DF32Kernel: PreparedKernel {
  var input: NHWCDims, filter: NHWCDims, output: NHWCDims
  var window: WindowGeometry
  var depthMultiplier: Int
  var actMin: Float, actMax: Float

  var cFunction: String { "edgec_depthwise_conv2d_f32" }
  var cParamsType: String { "edgec_depthwise_conv2d_f32_params" }
  var cFields: [NamedKernelField] {
    [NamedKernelField("input", input.field), NamedKernelField("filter", filter.field), NamedKernelField("output", output.field)]
      + window.cFields
      + [
        NamedKernelField("depth_multiplier", .int(Int32(depthMultiplier))),
        NamedKernelField("act_min", .float(actMin)), NamedKernelField("act_max", .float(actMax)),
      ]
  }

  func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard inputs.count >= 2, let inputValue = inputs[0], let filterValue = inputs[1], !outputs.isEmpty else { return }
    let x = inputValue.windowKernelElements(as: Float.self)
    let w = filterValue.windowKernelElements(as: Float.self)
    let bias = inputs.count > 2 ? inputs[2]?.windowKernelElements(as: Float.self) : nil
    var y = [Float](repeating: 0, count: output.elementCount)
    x.withUnsafeBufferPointer { x in
      w.withUnsafeBufferPointer { w in
        y.withUnsafeMutableBufferPointer { y in
          for b in 0..<output.n {
            for oy in 0..<output.h {
              let iy0 = oy * window.strideH - window.padH
              for ox in 0..<output.w {
                let ix0 = ox * window.strideW - window.padW
                let outBase = ((b * output.h + oy) * output.w + ox) * output.c
                for oc in 0..<output.c {
                  let ic = oc / depthMultiplier
                  var total: Float = 0
                  for ky in 0..<filter.h {
                    let iy = iy0 + ky * window.dilationH
                    if iy < 0 || iy >= input.h { continue }
                    for kx in 0..<filter.w {
                      let ix = ix0 + kx * window.dilationW
                      if ix < 0 || ix >= input.w { continue }
                      let product = x[((b * input.h + iy) * input.w + ix) * input.c + ic] * w[(ky * filter.w + kx) * filter.c + oc]
                      total += product
                    }
                  }
                  let value = total + (bias?[oc] ?? 0)
                  y[outBase + oc] = value < actMin ? actMin : (value > actMax ? actMax : value)
                }
              }
            }
          }
        }
      }
    }
    outputs[0].setWindowKernelElements(y)
  }
}
