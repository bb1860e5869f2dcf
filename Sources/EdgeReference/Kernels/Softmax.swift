#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import EdgeCore

// SOFTMAX over the last axis. int8 → int8 is TFLM's gemmlowp path
// (softmax_common.cc, reference/softmax.h): differences to the row maximum are
// scaled to Q5.26, exponentiated in fixed point, summed in Q12.19, and
// multiplied by the reciprocal of the sum. float32 is exp((x - max) · beta) / sum.

func lowerSoftmax(_ context: OpContext) throws -> LoweredOp {
  let (input, output) = (try context.input(0), try context.output())
  guard input.shape.rank >= 1, input.shape == output.shape else {
    throw context.error(.invalidGraph, "SOFTMAX input '\(input.name)' \(input.shape) and output '\(output.name)' \(output.shape) must have the same shape of rank ≥ 1")
  }
  guard case .softmax(let beta) = context.op.options else {
    throw context.error(.invalidGraph, "SOFTMAX has no SoftmaxOptions (beta)")
  }
  let depth = input.shape.dims[input.shape.rank - 1]
  let outer = depth == 0 ? 0 : input.elementCount / depth
  switch input.type {
  case .int8:
    try context.require(output, is: .int8, role: "output")
    let (qi, qo) = try (context.int8Quantization(of: input), context.int8Quantization(of: output))
    guard qo.zeroPoint == -128, qo.scale == 1.0 / 256 else {
      throw context.error(.unsupported, "int8 SOFTMAX output '\(output.name)' must have scale 1/256 and zero point -128 (TFLM requires it), got \(qo.scale) and \(qo.zeroPoint)")
    }
    // PreprocessSoftmaxScaling with 5 integer bits for the scaled differences.
    let integerBits = 5
    let real = min(
      Double(beta) * Double(qi.scale) * Double(1 << (31 - integerBits)), Double((Int64(1) << 31) - 1))
    let multiplier = QuantizedMultiplier(real)
    guard real > 1, multiplier.shift >= 0 else {
      throw context.error(.unsupported, "SOFTMAX beta × input scale (\(beta) × \(qi.scale)) is too small for TFLM's int8 softmax")
    }
    // CalculateInputRadius: the largest difference whose scaled value fits.
    let radius = (Double((1 << integerBits) - 1) * Double(Int64(1) << (31 - integerBits))
      / Double(Int64(1) << Int64(multiplier.shift))).rounded(.down)
    return context.kernel(
      SoftmaxS8Kernel(
        outer: Int32(outer), depth: Int32(depth), inputMultiplier: multiplier.multiplier,
        inputLeftShift: multiplier.shift, diffMin: -Int32(radius), outputOffset: qo.zeroPoint))
  case .float32:
    try context.require(output, is: .float32, role: "output")
    return context.kernel(SoftmaxF32Kernel(outer: Int32(outer), depth: Int32(depth), beta: beta))
  default:
    throw context.error(.unsupported, "SOFTMAX on \(input.type.rawValue) tensors is not supported (int8 and float32 are)")
  }
}

public struct SoftmaxS8Kernel: PreparedKernel {
  public var outer: Int32, depth: Int32
  public var inputMultiplier: Int32, inputLeftShift: Int32
  /// Differences below this are treated as exp(-∞) = 0.
  public var diffMin: Int32
  public var outputOffset: Int32

  public var cFunction: String { "edgec_softmax_s8" }
  public var cParamsType: String { "edgec_softmax_s8_params" }
  public var cFields: [NamedKernelField] {
    [
      NamedKernelField("outer", .int(outer)),
      NamedKernelField("depth", .int(depth)),
      NamedKernelField("input_multiplier", .int(inputMultiplier)),
      NamedKernelField("input_left_shift", .int(inputLeftShift)),
      NamedKernelField("diff_min", .int(diffMin)),
      NamedKernelField("output_offset", .int(outputOffset)),
    ]
  }

  static let scaledDiffIntegerBits = 5
  static let accumulationIntegerBits = 12

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0]?.elements(as: Int8.self) else { return }
    let (rows, depth) = (Int(outer), Int(depth))
    var result = [Int8](repeating: 0, count: input.count)
    input.withUnsafeBufferPointer { x in
      for row in 0..<rows {
        let base = row * depth
        let maxInRow = Int32(x[base..<(base + depth)].max() ?? .min)
        /// exp(x - max) in Q0.31, or nil when the difference is below diff_min.
        func expOfDifference(_ c: Int) -> Int32? {
          let diff = Int32(x[base + c]) - maxInRow
          guard diff >= diffMin else { return nil }
          let scaled = saturatingRoundingDoublingHighMul(diff << inputLeftShift, inputMultiplier)
          return Gemmlowp.expOnNegativeValues(scaled, integerBits: Self.scaledDiffIntegerBits)
        }
        var sumOfExps: Int32 = 0
        for c in 0..<depth {
          if let e = expOfDifference(c) {
            sumOfExps = sumOfExps &+ Gemmlowp.rescale(e, from: 0, to: Self.accumulationIntegerBits)
          }
        }
        let (scale, bitsOverUnit) = Gemmlowp.reciprocal(sumOfExps, integerBits: Self.accumulationIntegerBits)
        let exponent = Int32(bitsOverUnit + 31 - 8)
        for c in 0..<depth {
          guard let e = expOfDifference(c) else {
            result[base + c] = -128
            continue
          }
          // TFLM aborts when the sum of exps reaches 256 (exponent > 31); the
          // quotient is then below half a step, so edgec writes 0 (i.e. -128).
          let unsaturated = exponent > 31 ? 0 : roundingDivideByPOT(Gemmlowp.mul(scale, e), exponent)
          result[base + c] = Int8(min(127, max(-128, unsaturated &+ outputOffset)))
        }
      }
    }
    outputs[0] = TensorValue(result, type: .int8, shape: outputs[0].shape)
  }
}

public struct SoftmaxF32Kernel: PreparedKernel {
  public var outer: Int32, depth: Int32
  public var beta: Float

  public var cFunction: String { "edgec_softmax_f32" }
  public var cParamsType: String { "edgec_softmax_f32_params" }
  public var cFields: [NamedKernelField] {
    [
      NamedKernelField("outer", .int(outer)),
      NamedKernelField("depth", .int(depth)),
      NamedKernelField("beta", .float(beta)),
    ]
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0]?.floats else { return }
    let (rows, depth) = (Int(outer), Int(depth))
    var result = [Float](repeating: 0, count: input.count)
    input.withUnsafeBufferPointer { x in
      for row in 0..<rows {
        let base = row * depth
        var maximum = -Float.greatestFiniteMagnitude
        for c in 0..<depth { maximum = maximum < x[base + c] ? x[base + c] : maximum }
        var sum: Float = 0
        for c in 0..<depth {
          let e = expf((x[base + c] - maximum) * beta)
          result[base + c] = e
          sum += e
        }
        for c in 0..<depth { result[base + c] /= sum }
      }
    }
    outputs[0] = TensorValue(floats: result, shape: outputs[0].shape)
  }
}
