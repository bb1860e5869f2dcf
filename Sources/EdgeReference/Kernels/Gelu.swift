#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import EdgeCore

// GELU. TFLM has no GELU kernel, so the peer is LiteRT (gelu.cc): int8 is a
// 256-entry table built in float by LUTPopulate — dequantize (scale · (q −
// zp) in float), GeluTransform (erfc form) or GeluTransformApproximate (tanh) per
// the `approximate` option, multiply by 1/output_scale, round half away from
// zero, add the zero point in float, truncate to int32, clamp. edgec builds
// the same table at compile time with the host's erff/tanhf (LiteRT uses the
// host libm too), so the target never evaluates erf. float32 evaluates the
// transform per element with the target's libm.

func lowerGelu(_ context: OpContext) throws -> LoweredOp {
  let (input, output) = try context.unaryOperands()
  guard case .gelu(let approximate) = context.op.options else {
    throw context.error(.invalidGraph, "GELU has no GeluOptions")
  }
  let size = Int32(input.elementCount)
  guard input.type == .int8 else {
    return context.kernel(UnaryF32Kernel(approximate ? .geluTanh : .gelu, size: size))
  }
  let (qi, qo) = try (context.int8Quantization(of: input), context.int8Quantization(of: output))
  let inverseScale = 1 / qo.scale
  let transform: (Float) -> Float = approximate ? geluTanh : geluErf
  return context.kernel(
    LookupS8Kernel(size: size) { q in
      let dequantized = qi.scale * Float(q - qi.zeroPoint)
      let rescaled = (transform(dequantized) * inverseScale).rounded(.toNearestOrAwayFromZero)
      let sum = rescaled + Float(qo.zeroPoint)
      // static_cast<int32_t> truncates; out-of-range floats only occur for
      // scales far outside int8's, where clamping the double is what matters.
      let quantized = sum.isFinite ? Int32(max(-2e9, min(2e9, sum)).rounded(.towardZero)) : (sum > 0 ? 127 : -128)
      return Int8(min(127, max(-128, quantized)))
    })
}
