import EdgeCore

// TensorFlow Lite's fixed-point requantization, reproduced operation by
// operation (tensorflow/lite/kernels/internal/common.h and
// quantization_util.cc). The C runtime has the same functions in
// Runtime-C/include/edgec/fixedpoint.h; the two must stay in lockstep because
// bit-exactness with TFLM lives or dies here.

/// A real multiplier encoded as a Q31 significand and a power-of-two exponent:
/// real ≈ multiplier · 2^(shift − 31).
public struct QuantizedMultiplier: Hashable, Sendable {
  public var multiplier: Int32
  public var shift: Int32

  public init(multiplier: Int32, shift: Int32) {
    self.multiplier = multiplier
    self.shift = shift
  }

  /// TFLite's `QuantizeMultiplier`: frexp, round half away from zero,
  /// renormalise 2^31, flush multipliers below 2^-31 to zero.
  public init(_ real: Double) {
    if real == 0 {
      self.init(multiplier: 0, shift: 0)
      return
    }
    let (fraction, exponent) = frexp(real)
    var shift = Int32(exponent)
    var fixed = Int64((fraction * Double(Int64(1) << 31)).rounded(.toNearestOrAwayFromZero))
    if fixed == Int64(1) << 31 {
      fixed /= 2
      shift += 1
    }
    if shift < -31 {
      shift = 0
      fixed = 0
    }
    self.init(multiplier: Int32(truncatingIfNeeded: fixed), shift: shift)
  }
}

/// `frexp` without Foundation: fraction in [0.5, 1) and the binary exponent.
@inline(__always)
func frexp(_ x: Double) -> (Double, Int) {
  if x == 0 || !x.isFinite { return (x, 0) }
  let exponent = Int(x.exponent) + 1
  return (Double(sign: x.sign, exponent: -1, significand: x.significand), exponent)
}

/// gemmlowp's `SaturatingRoundingDoublingHighMul`: round(a·b / 2^31) with ties
/// toward +infinity (its nudge of 1 − 2^30 for negative products turns −3.5
/// into −3), saturating the one overflow case.
@inline(__always)
public func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
  if a == b && a == Int32.min { return Int32.max }
  let ab = Int64(a) * Int64(b)
  let nudge: Int64 = ab >= 0 ? (1 << 30) : (1 - (1 << 30))
  return Int32(truncatingIfNeeded: (ab + nudge) / (Int64(1) << 31))
}

/// gemmlowp's `RoundingDivideByPOT`: x / 2^exponent rounded to nearest, ties away from zero.
@inline(__always)
public func roundingDivideByPOT(_ x: Int32, _ exponent: Int32) -> Int32 {
  let mask = Int32(truncatingIfNeeded: (Int64(1) << Int64(exponent)) - 1)
  let remainder = x & mask
  let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
  return (x >> exponent) + (remainder > threshold ? 1 : 0)
}

/// TFLite's `MultiplyByQuantizedMultiplier` as TFLM builds it (without
/// TFLITE_SINGLE_ROUNDING): a rounding high multiply, then a rounding shift.
@inline(__always)
public func multiplyByQuantizedMultiplier(_ x: Int32, _ multiplier: Int32, _ shift: Int32) -> Int32 {
  let leftShift = shift > 0 ? shift : 0
  let rightShift = shift > 0 ? 0 : -shift
  return roundingDivideByPOT(
    saturatingRoundingDoublingHighMul(x &* (1 << leftShift), multiplier), rightShift)
}

/// The single-rounding variant (TFLITE_SINGLE_ROUNDING): one 64-bit product,
/// one rounding shift. LiteRT's reference FULLY_CONNECTED rounds this way.
@inline(__always)
public func multiplyByQuantizedMultiplierSingleRounding(
  _ x: Int32, _ multiplier: Int32, _ shift: Int32
) -> Int32 {
  let totalShift = Int64(31 - shift)
  let round = Int64(1) << (totalShift - 1)
  let result = (Int64(x) * Int64(multiplier) + round) >> totalShift
  return Int32(truncatingIfNeeded: result)
}

/// TFLite's `MultiplyByQuantizedMultiplierSmallerThanOneExp` (ADD's rescaling).
@inline(__always)
public func multiplyByQuantizedMultiplierSmallerThanOneExp(
  _ x: Int32, _ multiplier: Int32, _ leftShift: Int32
) -> Int32 {
  roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, multiplier), -leftShift)
}

/// How a fused activation clamps int8/float outputs, given the output quantization.
/// Mirrors TFLite's `CalculateActivationRangeQuantized`.
public func quantizedActivationRange(
  _ activation: FusedActivation, scale: Float, zeroPoint: Int32, type: DataType
) -> (min: Int32, max: Int32) {
  let qmin: Int32, qmax: Int32
  switch type {
  case .int8: (qmin, qmax) = (-128, 127)
  case .uint8: (qmin, qmax) = (0, 255)
  case .int16: (qmin, qmax) = (-32768, 32767)
  default: (qmin, qmax) = (Int32.min, Int32.max)
  }
  func quantize(_ x: Float) -> Int32 {
    let q = Double(zeroPoint) + Double((x / scale).rounded(.toNearestOrAwayFromZero))
    return Int32(clamping: Int64(q))
  }
  switch activation {
  case .relu: return (max(qmin, quantize(0)), qmax)
  case .relu6: return (max(qmin, quantize(0)), min(qmax, quantize(6)))
  case .reluN1To1: return (max(qmin, quantize(-1)), min(qmax, quantize(1)))
  default: return (qmin, qmax)
  }
}

/// TFLite's `CalculateActivationRange` for float outputs.
public func floatActivationRange(_ activation: FusedActivation) -> (min: Float, max: Float) {
  switch activation {
  case .relu: return (0, .greatestFiniteMagnitude)
  case .relu6: return (0, 6)
  case .reluN1To1: return (-1, 1)
  default: return (-.greatestFiniteMagnitude, .greatestFiniteMagnitude)
  }
}
