/// gemmlowp's fixed-point math (fixedpoint/fixedpoint.h) on raw Int32 values,
/// as TFLM's int8 SOFTMAX and LOGISTIC use it. gemmlowp carries the number of
/// integer bits in the type (`FixedPoint<int32_t, N>`); here it is a parameter,
/// and a product of Qa and Qb values is a Q(a+b) value. Plain additions wrap,
/// as the C++ ones do on every compiler TFLM runs on. The C runtime has the
/// same functions in Runtime-C/src/portable/edgec_gemmlowp.h.
public enum Gemmlowp {
  /// The fixed-point product: `SaturatingRoundingDoublingHighMul`.
  @inline(__always)
  public static func mul(_ a: Int32, _ b: Int32) -> Int32 {
    saturatingRoundingDoublingHighMul(a, b)
  }

  /// `SaturatingRoundingMultiplyByPOT<exponent>`: a saturating left shift for
  /// a positive exponent, a rounding right shift for a negative one.
  @inline(__always)
  public static func saturatingRoundingMultiplyByPOT(_ x: Int32, _ exponent: Int) -> Int32 {
    if exponent == 0 { return x }
    if exponent < 0 { return roundingDivideByPOT(x, Int32(-exponent)) }
    let threshold = Int32((1 << (31 - exponent)) - 1)
    if x > threshold { return .max }
    if x < -threshold { return .min }
    return x << Int32(exponent)
  }

  /// `Rescale<to>` of a value with `from` integer bits.
  @inline(__always)
  public static func rescale(_ x: Int32, from: Int, to: Int) -> Int32 {
    saturatingRoundingMultiplyByPOT(x, from - to)
  }

  /// `RoundingHalfSum`: (a + b) / 2 rounded half away from zero.
  @inline(__always)
  public static func roundingHalfSum(_ a: Int32, _ b: Int32) -> Int32 {
    let sum = Int64(a) + Int64(b)
    return Int32(truncatingIfNeeded: (sum + (sum >= 0 ? 1 : -1)) / 2)
  }

  /// exp(a) for a Q0.31 value a in [-1/4, 0): a Taylor expansion around -1/8.
  public static func expOnIntervalBetweenNegativeOneQuarterAnd0Excl(_ a: Int32) -> Int32 {
    let constantTerm: Int32 = 1_895_147_668  // exp(-1/8)
    let oneThird: Int32 = 715_827_883
    let x = a &+ (1 << 28)  // a + 1/8
    let x2 = mul(x, x)
    let x3 = mul(x2, x)
    let x4 = mul(x2, x2)
    let x4Over4 = saturatingRoundingMultiplyByPOT(x4, -2)
    let x4Over24PlusX3Over6PlusX2Over2 = saturatingRoundingMultiplyByPOT(
      mul(x4Over4 &+ x3, oneThird) &+ x2, -1)
    return constantTerm &+ mul(constantTerm, x &+ x4Over24PlusX3Over6PlusX2Over2)
  }

  /// exp(a) for a ≤ 0 given with `integerBits` integer bits; the result is Q0.31.
  public static func expOnNegativeValues(_ a: Int32, integerBits: Int) -> Int32 {
    let fractionalBits = 31 - integerBits
    let oneQuarter = Int32(1) << Int32(fractionalBits - 2)
    let aModQuarterMinusOneQuarter = (a & (oneQuarter - 1)) &- oneQuarter
    var result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
      rescale(aModQuarterMinusOneQuarter, from: integerBits, to: 0))
    let remainder = aModQuarterMinusOneQuarter &- a
    // Multiply in exp(-2^k) for every bit of the whole part: a barrel shifter.
    let barrel: [(exponent: Int, multiplier: Int32)] = [
      (-2, 1_672_461_947), (-1, 1_302_514_674), (0, 790_015_084), (1, 290_630_308),
      (2, 39_332_535), (3, 720_401), (4, 242),
    ]
    for (exponent, multiplier) in barrel where integerBits > exponent {
      if remainder & (Int32(1) << Int32(fractionalBits + exponent)) != 0 {
        result = mul(result, multiplier)
      }
    }
    if integerBits > 5 {
      let clamp = -(Int32(1) << Int32(36 - integerBits))  // -32.0
      if a < clamp { result = 0 }
    }
    return a == 0 ? .max : result
  }

  /// 1 / (1 + a) for a Q0.31 value a in [0, 1): three Newton-Raphson steps in Q2.29.
  public static func oneOverOnePlusXForXIn01(_ a: Int32) -> Int32 {
    let halfDenominator = roundingHalfSum(a, .max)
    let fortyEightOver17: Int32 = 1_515_870_810
    let minusThirtyTwoOver17: Int32 = -1_010_580_540
    let one: Int32 = 1 << 29  // 1.0 in Q2.29
    var x = fortyEightOver17 &+ mul(halfDenominator, minusThirtyTwoOver17)
    for _ in 0..<3 {
      let oneMinusHalfDenominatorTimesX = one &- mul(halfDenominator, x)
      x = x &+ rescale(mul(x, oneMinusHalfDenominatorTimesX), from: 4, to: 2)
    }
    // x / 2 exactly (Q2 → Q1), then to Q0.
    return rescale(x, from: 1, to: 0)
  }

  /// The logistic function of a value with `integerBits` integer bits, Q0.31 result.
  public static func logistic(_ a: Int32, integerBits: Int) -> Int32 {
    if a == 0 { return 1 << 30 }
    let absolute = a > 0 ? a : 0 &- a
    let ifPositive = oneOverOnePlusXForXIn01(expOnNegativeValues(0 &- absolute, integerBits: integerBits))
    return a > 0 ? ifPositive : Int32.max &- ifPositive
  }

  /// TFLite's `GetReciprocal`: 1 / x for a positive x with `integerBits`
  /// integer bits, as a Q0.31 scale and the number of bits x has above 1.0.
  public static func reciprocal(_ x: Int32, integerBits: Int) -> (scale: Int32, bitsOverUnit: Int) {
    let headroomPlusOne = UInt32(bitPattern: x).leadingZeroBitCount
    let shiftedSumMinusOne = Int32(
      bitPattern: (UInt32(bitPattern: x) << UInt32(headroomPlusOne)) &- (UInt32(1) << 31))
    return (oneOverOnePlusXForXIn01(shiftedSumMinusOne), integerBits - headroomPlusOne)
  }
}
