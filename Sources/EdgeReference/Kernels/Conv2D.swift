import EdgeCore

// CONV_2D: TFLM's reference ConvPerChannel (int8) and Conv (float32),
// including grouped convolution (filter input depth dividing the input depth).

func lowerConv2D(_ context: OpContext) throws -> LoweredOp {
  guard case .conv2D(let options) = context.op.options else {
    throw context.error(.invalidGraph, "CONV_2D carries no Conv2DOptions")
  }
  let input = try context.input(0)
  let filter = try context.constantInput(1)
  let bias = try context.inputID(2).map { _ in try context.input(2) }
  // With a fused residual ADD the convolution's own output is the tensor the
  // fusion pass removed; its shape is the ADD's output's.
  let output = try options.residual.map { residual in
    let sum = try context.output()
    return Tensor(
      name: residual.convOutputName, type: residual.convOutputType, shape: sum.shape,
      quantization: residual.convOutputQuantization)
  } ?? context.output()
  if input.type == .float32, filter.type == .int8, output.type == .float32 {
    return try lowerHybridConv2D(context, options: options, input: input, filter: filter, bias: bias, output: output)
  }
  let arithmetic = try context.convArithmetic(input: input, filter: filter, bias: bias, output: output)
  let inDims = try context.nhwcDims(input, role: "input")
  let filterDims = try context.nhwcDims(filter, role: "filter")
  let outDims = try context.nhwcDims(output, role: "output")
  guard filterDims.c >= 1, inDims.c % filterDims.c == 0 else {
    throw context.error(.invalidGraph, "filter '\(filter.name)' input depth \(filterDims.c) does not divide the input depth \(inDims.c)")
  }
  let groups = inDims.c / filterDims.c
  guard outDims.c == filterDims.n, filterDims.n % groups == 0 else {
    throw context.error(.invalidGraph, "filter '\(filter.name)' \(filter.shape) does not produce output '\(output.name)' \(output.shape) in \(groups) group(s)")
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
    let q = try context.perChannelRequantization(input: input, filter: filter, output: output, channels: outDims.c, axis: 0)
    let kernel = Conv2DS8Kernel(
      input: inDims, filter: filterDims, output: outDims, window: window,
      inputOffset: q.inputOffset, outputOffset: q.outputOffset, actMin: q.actMin, actMax: q.actMax,
      multipliers: q.multipliers, shifts: q.shifts, packedInt4: filter.type == .int4)
    if let residual = options.residual {
      guard filter.type != .int4 else {
        throw context.error(.unsupported, "a residual ADD fused into a CONV_2D with int4 weights '\(filter.name)' has no kernel; the fusion pass should have left it apart")
      }
      return try lowerResidualAdd(context, conv: kernel, convOutput: output, residual: residual)
    }
    return context.kernel(kernel, inputs: tensors)
  case .float32:
    guard options.residual == nil else {
      throw context.error(.unsupported, "a fused residual ADD is int8 only")
    }
    let range = try context.float32ActivationRange()
    let kernel = Conv2DF32Kernel(
      input: inDims, filter: filterDims, output: outDims, window: window, actMin: range.min, actMax: range.max)
    return context.kernel(kernel, inputs: tensors)
  }
}

/// `edgec_conv2d_s8`: int32 accumulation of filter × (input + input_offset),
/// bias, per-channel double-rounding requantization, output offset, clamp.
struct Conv2DS8Kernel: PreparedKernel {
  var input: NHWCDims, filter: NHWCDims, output: NHWCDims
  var window: WindowGeometry
  var inputOffset: Int32, outputOffset: Int32
  var actMin: Int32, actMax: Int32
  var multipliers: [Int32], shifts: [Int32]
  /// int4 weights, packed two a byte in flash: the `_s8w4` C kernel unpacks
  /// them as it reads; the arithmetic is this kernel's on the unpacked values.
  var packedInt4 = false

  var takesScratch: Bool { true }
  var cFunction: String { packedInt4 ? "edgec_conv2d_s8w4" : "edgec_conv2d_s8" }
  var cParamsType: String { "edgec_conv2d_s8_params" }
  var cFields: [NamedKernelField] {
    [NamedKernelField("input", input.field), NamedKernelField("filter", filter.field), NamedKernelField("output", output.field)]
      + window.cFields
      + [
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
    let perGroup = output.c / max(input.c / filter.c, 1)
    x.withUnsafeBufferPointer { x in
      w.withUnsafeBufferPointer { w in
        y.withUnsafeMutableBufferPointer { y in
          var o = 0
          for b in 0..<output.n {
            for oy in 0..<output.h {
              let iy0 = oy * window.strideH - window.padH
              for ox in 0..<output.w {
                let ix0 = ox * window.strideW - window.padW
                for oc in 0..<output.c {
                  let channelBase = (oc / perGroup) * filter.c
                  var acc: Int32 = 0
                  for ky in 0..<filter.h {
                    let iy = iy0 + ky * window.dilationH
                    if iy < 0 || iy >= input.h { continue }
                    for kx in 0..<filter.w {
                      let ix = ix0 + kx * window.dilationW
                      if ix < 0 || ix >= input.w { continue }
                      let xBase = ((b * input.h + iy) * input.w + ix) * input.c + channelBase
                      let wBase = ((oc * filter.h + ky) * filter.w + kx) * filter.c
                      for ic in 0..<filter.c {
                        acc &+= Int32(w[wBase + ic]) &* (Int32(x[xBase + ic]) &+ inputOffset)
                      }
                    }
                  }
                  if let bias { acc &+= bias[oc] }
                  acc = multiplyByQuantizedMultiplier(acc, multipliers[oc], shifts[oc]) &+ outputOffset
                  y[o] = Int8(truncatingIfNeeded: min(max(acc, actMin), actMax))
                  o += 1
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

/// `edgec_conv2d_f32`: float accumulation in TFLM's order (ky, kx, ic), then
/// `total + bias`, then the activation clamp.
struct Conv2DF32Kernel: PreparedKernel {
  var input: NHWCDims, filter: NHWCDims, output: NHWCDims
  var window: WindowGeometry
  var actMin: Float, actMax: Float

  var cFunction: String { "edgec_conv2d_f32" }
  var cParamsType: String { "edgec_conv2d_f32_params" }
  var cFields: [NamedKernelField] {
    [NamedKernelField("input", input.field), NamedKernelField("filter", filter.field), NamedKernelField("output", output.field)]
      + window.cFields
      + [NamedKernelField("act_min", .float(actMin)), NamedKernelField("act_max", .float(actMax))]
  }

  func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard inputs.count >= 2, let inputValue = inputs[0], let filterValue = inputs[1], !outputs.isEmpty else { return }
    let x = inputValue.windowKernelElements(as: Float.self)
    let w = filterValue.windowKernelElements(as: Float.self)
    let bias = inputs.count > 2 ? inputs[2]?.windowKernelElements(as: Float.self) : nil
    var y = [Float](repeating: 0, count: output.elementCount)
    let perGroup = output.c / max(input.c / filter.c, 1)
    x.withUnsafeBufferPointer { x in
      w.withUnsafeBufferPointer { w in
        y.withUnsafeMutableBufferPointer { y in
          var o = 0
          for b in 0..<output.n {
            for oy in 0..<output.h {
              let iy0 = oy * window.strideH - window.padH
              for ox in 0..<output.w {
                let ix0 = ox * window.strideW - window.padW
                for oc in 0..<output.c {
                  let channelBase = (oc / perGroup) * filter.c
                  var total: Float = 0
                  for ky in 0..<filter.h {
                    let iy = iy0 + ky * window.dilationH
                    if iy < 0 || iy >= input.h { continue }
                    for kx in 0..<filter.w {
                      let ix = ix0 + kx * window.dilationW
                      if ix < 0 || ix >= input.w { continue }
                      let xBase = ((b * input.h + iy) * input.w + ix) * input.c + channelBase
                      let wBase = ((oc * filter.h + ky) * filter.w + kx) * filter.c
                      for ic in 0..<filter.c {
                        let product = x[xBase + ic] * w[wBase + ic]
                        total += product
                      }
                    }
                  }
                  let value = total + (bias?[oc] ?? 0)
                  y[o] = value < actMin ? actMin : (value > actMax ? actMax : value)
                  o += 1
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
