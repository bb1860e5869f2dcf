import EdgeCore

// HARD_SWISH: x · relu6(x + 3) / 6. int8 is TFLM's reference_ops::HardSwish
// (hard_swish_common.cc prepares it): the offset input goes to a "hi-res"
// scale (×128) in int16; one int16 multiplier takes it to the output scale
// before the final shift, another to the "relu-ish" scale where 3.0 is
// 32768, saturating; the relu-ish value is mapped from [-1, 1] to [0, 1] and
// multiplied (rounding toward zero, to cancel the biases of the rounding
// multiplies) into the pre-shift output. Every step is int16 gemmlowp
// arithmetic, reproduced below. float32 is the reference formula.

func lowerHardSwish(_ context: OpContext) throws -> LoweredOp {
  let (input, output) = try context.unaryOperands()
  let size = Int32(input.elementCount)
  guard input.type == .int8 else { return context.kernel(UnaryF32Kernel(.hardSwish, size: size)) }
  let (qi, qo) = try (context.int8Quantization(of: input), context.int8Quantization(of: output))
  let params = HardSwishParameters(inputScale: qi.scale, outputScale: qo.scale)
  guard params.outputExponent <= 0 else {
    throw context.error(
      .unsupported,
      "HARD_SWISH input scale \(qi.scale) / 128 over output scale \(qo.scale) is 1 or more; TFLM's int8 kernel requires it below 1")
  }
  return context.kernel(
    LookupS8Kernel(size: size) { x in params.apply(x, inputZeroPoint: qi.zeroPoint, outputZeroPoint: qo.zeroPoint) })
}

/// HardSwishParams' multipliers, computed in float as TFLM's Prepare does.
struct HardSwishParameters {
  var outputMultiplier: Int16, outputExponent: Int32
  var reluishMultiplier: Int16, reluishExponent: Int32

  init(inputScale: Float, outputScale: Float) {
    let hiresInputScale = (Float(1) / 128) * inputScale
    let reluishScale = Float(3) / 32768
    let output = QuantizedMultiplier(Double(hiresInputScale / outputScale))
    let reluish = QuantizedMultiplier(Double(hiresInputScale / reluishScale))
    (outputMultiplier, outputExponent) = (Self.downscale(output.multiplier), output.shift)
    (reluishMultiplier, reluishExponent) = (Self.downscale(reluish.multiplier), reluish.shift)
  }

  /// DownScaleInt32ToInt16Multiplier: round the Q0.31 multiplier to Q0.15.
  static func downscale(_ m: Int32) -> Int16 {
    if m >= Int32.max - (1 << 15) { return Int16.max }
    return Int16(truncatingIfNeeded: (m + (1 << 15)) >> 16)
  }

  func apply(_ x: Int32, inputZeroPoint: Int32, outputZeroPoint: Int32) -> Int8 {
    let inputValue = Int16(truncatingIfNeeded: x - inputZeroPoint)
    let hires = Int16(truncatingIfNeeded: Int32(inputValue) * 128)
    let preshiftOutput = Int16Fixed.srdhm(hires, outputMultiplier)
    var reluish = hires
    if reluishExponent > 0 { reluish = Int16Fixed.saturatingLeftShift(reluish, reluishExponent - 1) }
    reluish = Int16Fixed.srdhm(reluish, reluishMultiplier)
    if reluishExponent > 0 { reluish = Int16Fixed.saturatingLeftShift(reluish, 1) }
    if reluishExponent < 0 { reluish = Int16Fixed.roundingDivideByPOT(reluish, -reluishExponent) }
    reluish = Int16(truncatingIfNeeded: (Int32(reluish) + (1 << 15)) >> 1)
    let preshift = Int16Fixed.sdhm(reluish, preshiftOutput)
    var out = Int16Fixed.roundingDivideByPOT(preshift, -outputExponent)
    out = Int16(truncatingIfNeeded: Int32(out) + outputZeroPoint)  // int16 addition, as in TFLM
    return Int8(min(127, max(-128, out)))
  }
}

/// gemmlowp's int16 fixed-point primitives as reference_ops::HardSwish uses them.
enum Int16Fixed {
  /// SaturatingRoundingDoublingHighMul on int16: round(a·b / 2^15), ties up.
  static func srdhm(_ a: Int16, _ b: Int16) -> Int16 {
    if a == b && a == Int16.min { return Int16.max }
    let ab = Int32(a) * Int32(b)
    let nudge: Int32 = ab >= 0 ? (1 << 14) : (1 - (1 << 14))
    return Int16(truncatingIfNeeded: (ab + nudge) / (1 << 15))
  }

  /// SaturatingDoublingHighMul: a·b / 2^15 rounded toward zero.
  static func sdhm(_ a: Int16, _ b: Int16) -> Int16 {
    if a == b && a == Int16.min { return Int16.max }
    return Int16(truncatingIfNeeded: (Int32(a) * Int32(b)) / (1 << 15))
  }

  static func saturatingLeftShift(_ value: Int16, _ amount: Int32) -> Int16 {
    let result = Int64(value) * (Int64(1) << Int64(amount))
    return Int16(min(Int64(Int16.max), max(Int64(Int16.min), result)))
  }

  /// RoundingDivideByPOT: x / 2^exponent, ties away from zero.
  static func roundingDivideByPOT(_ x: Int16, _ exponent: Int32) -> Int16 {
    let v = Int32(x)
    let mask = (Int32(1) << exponent) - 1
    let remainder = v & mask
    let threshold = (mask >> 1) + (v < 0 ? 1 : 0)
    return Int16(truncatingIfNeeded: (v >> exponent) + (remainder > threshold ? 1 : 0))
  }
}
