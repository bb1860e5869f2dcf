import EdgeCore

// FULLY_CONNECTED: TFLM's reference FullyConnected / FullyConnectedPerChannel
// (int8) and FullyConnected (float32). The input, of any rank, is read as
// `batches` rows of `accum_depth` features; the weights are [out, in].
//
// Requantization is where the two peers part ways (verified with the venv's
// tflite-micro and ai-edge-litert 2.3, tools/golden/fc_rounding_probe.py shows it):
// TFLM multiplies by a Q31 multiplier and rounds twice (MultiplyByQuantizedMultiplier);
// LiteRT's reference kernel computes round(double(acc) * s_in * s_w / s_out)
// in double precision, one rounding, ties away from zero.

func lowerFullyConnected(_ context: OpContext) throws -> LoweredOp {
  guard case .fullyConnected = context.op.options else {
    throw context.error(.invalidGraph, "FULLY_CONNECTED carries no FullyConnectedOptions")
  }
  let input = try context.input(0)
  let filter = try context.constantInput(1)
  let bias = try context.inputID(2).map { _ in try context.input(2) }
  let output = try context.output()
  let arithmetic = try context.convArithmetic(input: input, filter: filter, bias: bias, output: output)
  guard filter.shape.rank == 2, filter.shape[0] >= 1, filter.shape[1] >= 1 else {
    throw context.error(.invalidGraph, "weights '\(filter.name)' must be [outputs, inputs], got \(filter.shape)")
  }
  let (outputDepth, accumDepth) = (filter.shape[0], filter.shape[1])
  guard input.elementCount % accumDepth == 0 else {
    throw context.error(.invalidGraph, "input '\(input.name)' \(input.shape) has \(input.elementCount) elements, not a multiple of the \(accumDepth) features of weights '\(filter.name)'")
  }
  let batches = input.elementCount / accumDepth
  guard output.elementCount == batches * outputDepth, output.shape.dims.last == outputDepth else {
    throw context.error(.invalidGraph, "output '\(output.name)' \(output.shape) should hold \(batches) rows of \(outputDepth) features")
  }
  if let bias, bias.elementCount != outputDepth {
    throw context.error(.invalidGraph, "bias '\(bias.name)' has \(bias.elementCount) elements for \(outputDepth) outputs")
  }
  let tensors = [context.inputID(0), context.inputID(1), context.inputID(2)]

  switch arithmetic {
  case .float32:
    let range = try context.float32ActivationRange()
    let kernel = FullyConnectedF32Kernel(
      batches: batches, accumDepth: accumDepth, outputDepth: outputDepth, actMin: range.min, actMax: range.max)
    return context.kernel(kernel, inputs: tensors)
  case .int8:
    let filterQ = try context.quantization(of: filter)
    let filterScales = try context.filterScales(filter, channels: outputDepth)
    let perChannel = filterScales.count > 1
    if perChannel && filterQ.axis != 0 {
      throw context.error(.invalidGraph, "FULLY_CONNECTED weights '\(filter.name)' are quantized along axis \(filterQ.axis); TFLite requires axis 0")
    }
    let inputScale = try context.activationScale(input)
    let outputScale = try context.activationScale(output)
    // double(s_in) * double(s_w) / double(s_out), per channel or per tensor.
    // TFLM's GetQuantizedConvolutionMultipler source forms s_in * s_w in
    // float, but the tflite-micro build edgec is checked against does not:
    // wherever the two multipliers give different outputs (20 of 20 in
    // tools/golden/fc_rounding_probe.py, and on MLPerf Tiny's ad01) it
    // follows the double product.
    let realScales = convChannelScales(
      inputScale: inputScale, filterScales: filterScales, outputScale: outputScale, channels: filterScales.count)
    let multipliers = try context.requantization(realScales, what: "FULLY_CONNECTED '\(output.name)'")
    let range = try context.int8ActivationRange(output: output)
    let kernel = FullyConnectedS8Kernel(
      batches: batches, accumDepth: accumDepth, outputDepth: outputDepth,
      inputOffset: -(try context.int8ZeroPoint(input)),
      // Per-channel weights are symmetric by the spec; TFLM ignores their zero point.
      filterOffset: perChannel ? 0 : -(try context.int8ZeroPoint(filter)),
      outputOffset: try context.int8ZeroPoint(output),
      actMin: range.min, actMax: range.max, perChannel: perChannel,
      multipliers: multipliers.map(\.multiplier), shifts: multipliers.map(\.shift),
      realScales: context.options.rounding == .litert ? realScales : [], packedInt4: filter.type == .int4)
    return context.kernel(kernel, inputs: tensors)
  }
}

struct FullyConnectedS8Kernel: PreparedKernel {
  var batches: Int, accumDepth: Int, outputDepth: Int
  var inputOffset: Int32, filterOffset: Int32, outputOffset: Int32
  var actMin: Int32, actMax: Int32
  var perChannel: Bool
  var multipliers: [Int32], shifts: [Int32]
  /// LiteRT's double-precision scales; non-empty selects EDGEC_ROUND_SINGLE.
  var realScales: [Double]
  /// int4 weights, packed two a byte in flash: the `_s8w4` C kernel unpacks
  /// them as it reads; the arithmetic is this kernel's on the unpacked values.
  var packedInt4 = false

  var takesScratch: Bool { true }
  var cFunction: String { packedInt4 ? "edgec_fully_connected_s8w4" : "edgec_fully_connected_s8" }
  var cParamsType: String { "edgec_fully_connected_s8_params" }
  var cFields: [NamedKernelField] {
    [
      NamedKernelField("batches", .int(Int32(batches))), NamedKernelField("accum_depth", .int(Int32(accumDepth))),
      NamedKernelField("output_depth", .int(Int32(outputDepth))),
      NamedKernelField("input_offset", .int(inputOffset)), NamedKernelField("filter_offset", .int(filterOffset)),
      NamedKernelField("output_offset", .int(outputOffset)),
      NamedKernelField("act_min", .int(actMin)), NamedKernelField("act_max", .int(actMax)),
      NamedKernelField("per_channel", .int(perChannel ? 1 : 0)),
      NamedKernelField("rounding", .int(realScales.isEmpty ? 0 : 1)),
      NamedKernelField("multiplier", .table(multipliers)), NamedKernelField("shift", .table(shifts)),
      // A null pointer (C's 0) unless the single-rounding path needs the doubles.
      NamedKernelField("real_scale", realScales.isEmpty ? .int(0) : .table(realScales.flatMap(Self.words))),
    ]
  }

  /// A double as the (low, high) 32-bit words of its IEEE-754 bit pattern.
  static func words(_ value: Double) -> [Int32] {
    let bits = value.bitPattern
    return [Int32(truncatingIfNeeded: bits), Int32(truncatingIfNeeded: bits >> 32)]
  }

  func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard inputs.count >= 2, let inputValue = inputs[0], let filterValue = inputs[1], !outputs.isEmpty else { return }
    let x = inputValue.windowKernelElements(as: Int8.self)
    let w = filterValue.kernelWeights()
    let bias = inputs.count > 2 ? inputs[2]?.windowKernelElements(as: Int32.self) : nil
    var y = [Int8](repeating: 0, count: batches * outputDepth)
    x.withUnsafeBufferPointer { x in
      w.withUnsafeBufferPointer { w in
        y.withUnsafeMutableBufferPointer { y in
          for b in 0..<batches {
            for oc in 0..<outputDepth {
              var acc: Int32 = 0
              let xBase = b * accumDepth, wBase = oc * accumDepth
              for d in 0..<accumDepth {
                acc &+= (Int32(w[wBase + d]) &+ filterOffset) &* (Int32(x[xBase + d]) &+ inputOffset)
              }
              if let bias { acc &+= bias[oc] }
              let channel = perChannel ? oc : 0
              if realScales.isEmpty {
                acc = multiplyByQuantizedMultiplier(acc, multipliers[channel], shifts[channel])
              } else {
                acc = fullyConnectedRoundedProduct(acc, realScales[channel])
              }
              acc &+= outputOffset
              y[b * outputDepth + oc] = Int8(truncatingIfNeeded: min(max(acc, actMin), actMax))
            }
          }
        }
      }
    }
    outputs[0].setWindowKernelElements(y)
  }
}

/// LiteRT's `static_cast<int32_t>(round(double(acc) * scale))`. Products past
/// ±2^24 are clamped there first: they saturate any int8 output the same way,
/// and the clamp keeps the conversion defined (LiteRT's is not, that far out).
func fullyConnectedRoundedProduct(_ acc: Int32, _ scale: Double) -> Int32 {
  let limit = 16_777_216.0
  let product = min(max(Double(acc) * scale, -limit), limit)
  return Int32(product.rounded(.toNearestOrAwayFromZero))
}

struct FullyConnectedF32Kernel: PreparedKernel {
  var batches: Int, accumDepth: Int, outputDepth: Int
  var actMin: Float, actMax: Float

  var cFunction: String { "edgec_fully_connected_f32" }
  var cParamsType: String { "edgec_fully_connected_f32_params" }
  var cFields: [NamedKernelField] {
    [
      NamedKernelField("batches", .int(Int32(batches))), NamedKernelField("accum_depth", .int(Int32(accumDepth))),
      NamedKernelField("output_depth", .int(Int32(outputDepth))),
      NamedKernelField("act_min", .float(actMin)), NamedKernelField("act_max", .float(actMax)),
    ]
  }

  func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard inputs.count >= 2, let inputValue = inputs[0], let filterValue = inputs[1], !outputs.isEmpty else { return }
    let x = inputValue.windowKernelElements(as: Float.self)
    let w = filterValue.windowKernelElements(as: Float.self)
    let bias = inputs.count > 2 ? inputs[2]?.windowKernelElements(as: Float.self) : nil
    var y = [Float](repeating: 0, count: batches * outputDepth)
    x.withUnsafeBufferPointer { x in
      w.withUnsafeBufferPointer { w in
        y.withUnsafeMutableBufferPointer { y in
          for b in 0..<batches {
            for oc in 0..<outputDepth {
              var total: Float = 0
              let xBase = b * accumDepth, wBase = oc * accumDepth
              for d in 0..<accumDepth {
                let product = x[xBase + d] * w[wBase + d]
                total += product
              }
              let value = total + (bias?[oc] ?? 0)
              y[b * outputDepth + oc] = value < actMin ? actMin : (value > actMax ? actMax : value)
            }
          }
        }
      }
    }
    outputs[0].setWindowKernelElements(y)
  }
}
