#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import EdgeCore

// LOGISTIC. int8 is TFLM's fixed-point path (logistic_common.cc,
// reference/integer_ops/logistic.h): the offset input is scaled to Q4.27,
// gemmlowp's logistic gives Q0.31, which is rounded to 1/256 steps. Inputs
// beyond the radius where the result saturates skip the arithmetic. float32
// is the reference kernel's clipped formula.

func lowerLogistic(_ context: OpContext) throws -> LoweredOp {
  let (input, output) = (try context.input(0), try context.output())
  guard input.elementCount == output.elementCount else {
    throw context.error(.invalidGraph, "LOGISTIC input '\(input.name)' \(input.shape) and output '\(output.name)' \(output.shape) differ in size")
  }
  switch input.type {
  case .int8:
    try context.require(output, is: .int8, role: "output")
    let (qi, qo) = try (context.int8Quantization(of: input), context.int8Quantization(of: output))
    // TFLM checks only the zero point; the kernel assumes a 1/256 scale.
    guard qo.zeroPoint == -128 else {
      throw context.error(.unsupported, "int8 LOGISTIC output '\(output.name)' must have zero point -128 (TFLM requires it), got \(qo.zeroPoint)")
    }
    let integerBits = 4
    let real = Double(qi.scale) * Double(1 << (31 - integerBits))
    // TFLM rounds frexp's fraction itself here, without QuantizeMultiplier's
    // renormalisation when it rounds up to 2^31.
    let exponent = Int(real.exponent) + 1
    let fraction = Double(sign: .plus, exponent: -1, significand: real.significand)
    let fixed = (fraction * Double(Int64(1) << 31)).rounded(.toNearestOrAwayFromZero)
    guard (0...62).contains(exponent) else {
      throw context.error(.unsupported, "LOGISTIC input scale \(qi.scale) is outside the range TFLM's int8 kernel handles")
    }
    let radius = (Double((1 << integerBits) - 1) * Double(Int64(1) << (31 - integerBits))
      / Double(Int64(1) << Int64(exponent))).rounded(.down)
    return context.kernel(
      LogisticS8Kernel(
        size: Int32(input.elementCount), inputZeroPoint: qi.zeroPoint,
        inputRangeRadius: Int32(radius),
        inputMultiplier: Int32(truncatingIfNeeded: Int64(fixed)), inputLeftShift: Int32(exponent)))
  case .float32:
    try context.require(output, is: .float32, role: "output")
    return context.kernel(LogisticF32Kernel(size: Int32(input.elementCount)))
  default:
    throw context.error(.unsupported, "LOGISTIC on \(input.type.rawValue) tensors is not supported (int8 and float32 are)")
  }
}

public struct LogisticS8Kernel: PreparedKernel {
  public var size: Int32
  public var inputZeroPoint: Int32
  public var inputRangeRadius: Int32
  public var inputMultiplier: Int32, inputLeftShift: Int32

  public var inPlaceInputs: [Int] { [0] }
  public var cFunction: String { "edgec_logistic_s8" }
  public var cParamsType: String { "edgec_logistic_s8_params" }
  public var cFields: [NamedKernelField] {
    [
      NamedKernelField("size", .int(size)),
      NamedKernelField("input_zero_point", .int(inputZeroPoint)),
      NamedKernelField("input_range_radius", .int(inputRangeRadius)),
      NamedKernelField("input_multiplier", .int(inputMultiplier)),
      NamedKernelField("input_left_shift", .int(inputLeftShift)),
    ]
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0]?.elements(as: Int8.self) else { return }
    let result = input.map { q -> Int8 in
      let x = Int32(q) - inputZeroPoint
      if x <= -inputRangeRadius { return -128 }
      if x >= inputRangeRadius { return 127 }
      let inQ4 = multiplyByQuantizedMultiplier(x, inputMultiplier, inputLeftShift)
      let inQ0 = Gemmlowp.logistic(inQ4, integerBits: 4)
      return Int8(min(127, max(-128, roundingDivideByPOT(inQ0, 31 - 8) - 128)))
    }
    outputs[0] = TensorValue(result, type: .int8, shape: outputs[0].shape)
  }
}

public struct LogisticF32Kernel: PreparedKernel {
  public var size: Int32

  public var cFunction: String { "edgec_logistic_f32" }
  public var cParamsType: String { "edgec_logistic_f32_params" }
  public var cFields: [NamedKernelField] { [NamedKernelField("size", .int(size))] }

  /// Above this the float result rounds to 1; below the lower cutoff exp(x) is used.
  static let cutoffUpper: Float = 16.619047164916992188
  static let cutoffLower: Float = -9

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0]?.floats else { return }
    let result = input.map { x -> Float in
      if x > Self.cutoffUpper { return 1 }
      if x < Self.cutoffLower { return expf(x) }
      return 1 / (1 + expf(-x))
    }
    outputs[0] = TensorValue(floats: result, shape: outputs[0].shape)
  }
}
