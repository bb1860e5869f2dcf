import EdgeCore

// RSQRT. int8 is TFLM's elementwise.cc RsqrtEvalQuantized: for v = x - zp,
// GetInvSqrtQuantizedMultiplierExp turns v into a fixed-point 1/√v (Newton–
// Raphson in gemmlowp Q3.28, five iterations from 1), which is applied to 1
// with 20 bits of headroom and then scaled by 1/(√s_in · s_out) back to the
// output. v = 0 gives 127 (TFLM: "any value close to 0 is the max"); v < 0
// makes TFLM fail at run time ("Rsqrt is only defined for positive values"),
// where edgec's table also gives 127. float32 is 1 / sqrtf(x).

func lowerRsqrt(_ context: OpContext) throws -> LoweredOp {
  let (input, output) = try context.unaryOperands()
  let size = Int32(input.elementCount)
  guard input.type == .int8 else { return context.kernel(UnaryF32Kernel(.rsqrt, size: size)) }
  let (qi, qo) = try (context.int8Quantization(of: input), context.int8Quantization(of: output))
  let scale = QuantizedMultiplier(1.0 / ((Double(qi.scale)).squareRoot() * Double(qo.scale)))
  return context.kernel(
    LookupS8Kernel(size: size) { x in
      rsqrtS8(x, inputZeroPoint: qi.zeroPoint, outputZeroPoint: qo.zeroPoint, scale: scale)
    })
}

/// One int8 RSQRT value, as TFLM's RsqrtEvalQuantized computes it.
func rsqrtS8(_ x: Int32, inputZeroPoint: Int32, outputZeroPoint: Int32, scale: QuantizedMultiplier) -> Int8 {
  let value = x - inputZeroPoint
  let headroom: Int32 = 20  // kShift: keeps the intermediate 1/√v an integer
  guard value > 0 else { return 127 }
  let (invSqrt, invShift) = invSqrtQuantizedMultiplier(value)
  let data = multiplyByQuantizedMultiplier(1, invSqrt, invShift + headroom)
  let out = multiplyByQuantizedMultiplier(data, scale.multiplier, scale.shift - headroom) &+ outputZeroPoint
  return Int8(min(127, max(-128, out)))
}

/// TFLite's GetInvSqrtQuantizedMultiplierExp with reverse_shift = -1: a
/// multiplier and a left shift whose product with 1 is 1/√input.
func invSqrtQuantizedMultiplier(_ value: Int32) -> (multiplier: Int32, shift: Int32) {
  if value <= 1 { return (Int32.max, 0) }  // 1 separately: the general path overflows
  var input = value
  var shift: Int32 = 11
  while input >= (1 << 29) {
    input /= 4
    shift += 1
  }
  let maxLeftShiftBits = Int32(UInt32(bitPattern: input).leadingZeroBitCount) - 1
  let leftShiftBitPairs = maxLeftShiftBits / 2 - 1
  shift -= leftShiftBitPairs
  input <<= 2 * leftShiftBitPairs
  // Q3.28 Newton–Raphson for 1/√(input/2^28 · 2): x ← 1.5 x − (input/2) x³.
  let fixedInput = input >> 1
  let halfInput = roundingDivideByPOT(fixedInput, 1)
  let halfThree: Int32 = (1 << 28) + (1 << 27)
  var x: Int32 = 1 << 28
  for _ in 0..<5 {
    let x3 = Gemmlowp.rescale(Gemmlowp.mul(Gemmlowp.mul(x, x), x), from: 9, to: 3)
    x = Gemmlowp.rescale(Gemmlowp.mul(halfThree, x) &- Gemmlowp.mul(halfInput, x3), from: 6, to: 3)
  }
  let halfSqrt2: Int32 = 1_518_500_250  // √2 / 2 in Q0.31
  var multiplier = Gemmlowp.mul(x, halfSqrt2)
  if shift < 0 {
    multiplier = multiplier &<< -shift
    shift = 0
  }
  return (multiplier, -shift)
}
