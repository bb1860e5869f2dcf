import EdgeCore

// Hybrid CONV_2D: float32 activations with int8 weights (TensorFlow's
// dynamic-range quantization, e.g. MLPerf Tiny's kws_float). TFLM cannot run
// these; the peer is LiteRT, whose kernel quantizes each batch of the input to
// int8 on the fly, accumulates in int32 and scales back to float. Which of its
// two paths runs depends on the weight scales (conv.cc, Prepare):
//   * all equal (per-tensor, or per-channel with one repeated value):
//     EvalHybrid — symmetric quantization, q = round(x * 127 / max|x|) in
//     [-127, 127]; out = acc * ((max|x| / 127) * s_w) + bias;
//   * differing per channel: EvalHybridPerChannel — asymmetric quantization
//     (AsymmetricQuantizeFloats: scale (max - min) / 255, a nudged zero
//     point), acc over q - zp; out = acc * s_w[c] * s + bias.
// Both are reproduced operation by operation, float and double where LiteRT
// uses them, so the result is LiteRT's to the last bit.

func lowerHybridConv2D(
  _ context: OpContext, options: Conv2DOptions, input: Tensor, filter: Tensor, bias: Tensor?, output: Tensor
) throws -> LoweredOp {
  if let bias, bias.type != .float32 {
    throw context.error(.unsupported, "hybrid CONV_2D bias '\(bias.name)' must be float32, it is \(bias.type.rawValue)")
  }
  let inDims = try context.nhwcDims(input, role: "input")
  let filterDims = try context.nhwcDims(filter, role: "filter")
  let outDims = try context.nhwcDims(output, role: "output")
  guard filterDims.c == inDims.c, outDims.c == filterDims.n else {
    throw context.error(.unsupported, "hybrid CONV_2D needs filter '\(filter.name)' \(filter.shape) to span all \(inDims.c) input channels and give the \(outDims.c) output channels (grouped hybrid convolution is not supported)")
  }
  if let bias, bias.elementCount != outDims.c {
    throw context.error(.invalidGraph, "bias '\(bias.name)' has \(bias.elementCount) elements for \(outDims.c) output channels")
  }
  let scales = try context.filterScales(filter, channels: outDims.c)
  let window = try context.windowGeometry(
    padding: options.padding, strideH: options.strideH, strideW: options.strideW,
    dilationH: options.dilationH, dilationW: options.dilationW,
    input: inDims, filterH: filterDims.h, filterW: filterDims.w, output: outDims,
    explicit: options.explicitPadding)
  let range = try context.float32ActivationRange()
  let asymmetric = scales.contains { $0 != scales[0] }
  let kernel = Conv2DHybridKernel(
    input: inDims, filter: filterDims, output: outDims, window: window, actMin: range.min, actMax: range.max,
    asymmetric: asymmetric, filterScales: asymmetric ? scales : [scales[0]])
  return context.kernel(kernel, inputs: [context.inputID(0), context.inputID(1), context.inputID(2)])
}

/// `edgec_conv2d_hybrid_f32`.
struct Conv2DHybridKernel: PreparedKernel {
  var input: NHWCDims, filter: NHWCDims, output: NHWCDims
  var window: WindowGeometry
  var actMin: Float, actMax: Float
  var asymmetric: Bool
  /// One scale (symmetric) or one per output channel (asymmetric).
  var filterScales: [Float]

  var cFunction: String { "edgec_conv2d_hybrid_f32" }
  var cParamsType: String { "edgec_conv2d_hybrid_f32_params" }
  var cFields: [NamedKernelField] {
    [NamedKernelField("input", input.field), NamedKernelField("filter", filter.field), NamedKernelField("output", output.field)]
      + window.cFields
      + [
        NamedKernelField("act_min", .float(actMin)), NamedKernelField("act_max", .float(actMax)),
        NamedKernelField("asymmetric", .int(asymmetric ? 1 : 0)),
        NamedKernelField("filter_scale", .table(filterScales.map { Int32(bitPattern: $0.bitPattern) })),
      ]
  }

  func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard inputs.count >= 2, let inputValue = inputs[0], let filterValue = inputs[1], !outputs.isEmpty else { return }
    let x = inputValue.windowKernelElements(as: Float.self)
    let w = filterValue.windowKernelElements(as: Int8.self)
    let bias = inputs.count > 2 ? inputs[2]?.windowKernelElements(as: Float.self) : nil
    var y = [Float](repeating: 0, count: output.elementCount)
    let batchSize = input.h * input.w * input.c
    for b in 0..<output.n {
      let batch = HybridBatchQuantization(x[(b * batchSize)..<((b + 1) * batchSize)], asymmetric: asymmetric)
      for oy in 0..<output.h {
        let iy0 = oy * window.strideH - window.padH
        for ox in 0..<output.w {
          let ix0 = ox * window.strideW - window.padW
          for oc in 0..<output.c {
            var acc: Int32 = 0
            for ky in 0..<filter.h {
              let iy = iy0 + ky * window.dilationH
              if iy < 0 || iy >= input.h { continue }
              for kx in 0..<filter.w {
                let ix = ix0 + kx * window.dilationW
                if ix < 0 || ix >= input.w { continue }
                let xBase = ((b * input.h + iy) * input.w + ix) * input.c
                let wBase = ((oc * filter.h + ky) * filter.w + kx) * filter.c
                for ic in 0..<filter.c {
                  acc &+= Int32(w[wBase + ic]) &* (batch.quantize(x[xBase + ic]) &- batch.offset)
                }
              }
            }
            var value: Float
            if asymmetric {
              value = Float(acc) * filterScales[oc]
              value = value * batch.scale
            } else {
              value = Float(acc) * (batch.scale * filterScales[0])
            }
            value = value + (bias?[oc] ?? 0)
            y[((b * output.h + oy) * output.w + ox) * output.c + oc] = value < actMin ? actMin : (value > actMax ? actMax : value)
          }
        }
      }
    }
    outputs[0].setWindowKernelElements(y)
  }
}

/// How LiteRT quantizes one batch of a hybrid operator's float input:
/// PortableSymmetricQuantizeFloats or PortableAsymmetricQuantizeFloats.
struct HybridBatchQuantization {
  /// The float scaling factor of the batch.
  var scale: Float = 1
  /// The zero point subtracted from every quantized value (0 when symmetric).
  var offset: Int32 = 0
  private var inverse: Float = 0
  private var asymmetric: Bool

  init(_ values: ArraySlice<Float>, asymmetric: Bool) {
    self.asymmetric = asymmetric
    // std::minmax_element: the first smallest and the last largest; NaNs never compare.
    var low = values.first ?? 0, high = values.first ?? 0
    for v in values {
      if v < low { low = v }
      if !(v < high) { high = v }
    }
    if asymmetric {
      // The installed LiteRT keeps min and max in float: the range is a
      // float subtraction, the rest double (checked bit for bit against it;
      // newer sources subtract in double, which is one ulp off at times).
      let rmin = low < 0 ? low : 0, rmax = 0 < high ? high : 0
      guard rmin != rmax else { return }
      let scale = Double(rmax - rmin) / 255.0
      let minRatio = Double(rmin) / scale, maxRatio = Double(rmax) / scale
      let zeroPoint = 128.0 + abs(minRatio) < 127.0 + abs(maxRatio) ? -128.0 - minRatio : 127.0 - maxRatio
      offset = zeroPoint <= -128 ? -128 : (zeroPoint >= 127 ? 127 : Int32(zeroPoint.rounded(.toNearestOrAwayFromZero)))
      self.scale = Float(scale)
      inverse = Float(1.0 / Double(self.scale))
    } else {
      let range = max(abs(low), abs(high))
      guard range != 0 else { return }
      self.scale = range / 127
      inverse = 127 / range
    }
  }

  /// The quantized value of `x`, rounded half away from zero and clamped.
  @inline(__always)
  func quantize(_ x: Float) -> Int32 {
    if inverse == 0 { return 0 }
    let v = asymmetric ? Float(offset) + x * inverse : x * inverse
    // A NaN lands on the low clamp, as the x86 conversion LiteRT relies on does.
    let bounded = !(v >= -129) ? -129 : (v > 128 ? 128 : v)
    let q = Int32(bounded.rounded(.toNearestOrAwayFromZero))
    return asymmetric ? min(max(q, -128), 127) : min(max(q, -127), 127)
  }
}
