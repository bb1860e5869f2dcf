import Foundation
import Testing

@testable import EdgeReference

// gemmlowp's fixed-point functions (Gemmlowp in GemmlowpFixedPoint.swift)
// against their definitions: exact values where gemmlowp defines them, the
// real function within the precision gemmlowp documents elsewhere.

@Suite("gemmlowp fixed point")
struct FixedPointTests {
  /// A Q(integerBits) raw value as a real number.
  func real(_ raw: Int32, integerBits: Int) -> Double { Double(raw) / Double(Int64(1) << (31 - integerBits)) }

  @Test("SaturatingRoundingMultiplyByPOT saturates left shifts and rounds right shifts")
  func multiplyByPOT() {
    #expect(Gemmlowp.saturatingRoundingMultiplyByPOT(1 << 28, 2) == 1 << 30)
    #expect(Gemmlowp.saturatingRoundingMultiplyByPOT((1 << 29) - 1, 2) == (1 << 31) - 4)
    #expect(Gemmlowp.saturatingRoundingMultiplyByPOT(1 << 29, 2) == .max)
    #expect(Gemmlowp.saturatingRoundingMultiplyByPOT(-(1 << 29), 2) == .min)
    #expect(Gemmlowp.saturatingRoundingMultiplyByPOT(-((1 << 29) - 1), 2) == -(1 << 31) + 4)
    #expect(Gemmlowp.saturatingRoundingMultiplyByPOT(5, -1) == 3)
    #expect(Gemmlowp.saturatingRoundingMultiplyByPOT(-5, -1) == -3)
    #expect(Gemmlowp.saturatingRoundingMultiplyByPOT(-6, -2) == -2)
    #expect(Gemmlowp.saturatingRoundingMultiplyByPOT(7, 0) == 7)
  }

  @Test("RoundingHalfSum rounds half away from zero without overflow")
  func roundingHalfSum() {
    #expect(Gemmlowp.roundingHalfSum(3, 4) == 4)
    #expect(Gemmlowp.roundingHalfSum(-3, -4) == -4)
    #expect(Gemmlowp.roundingHalfSum(.max, .max) == .max)
    #expect(Gemmlowp.roundingHalfSum(.min, .min) == .min)
  }

  @Test("exp on negative values: exact at 0, within 2^-21 of exp elsewhere")
  func expOnNegativeValues() {
    for integerBits in [4, 5] {
      #expect(Gemmlowp.expOnNegativeValues(0, integerBits: integerBits) == .max)
      let one = Int32(1) << Int32(31 - integerBits)
      for k in 1...200 {
        let x = -Int32(k) * (one / 16) - Int32(k * 7919 % 1000)
        let exact = Foundation.exp(real(x, integerBits: integerBits))
        // The fourth-order Taylor step on [-1/4, 0) is good to (1/8)^5 / 120 ≈ 2.5e-7.
        #expect(abs(real(Gemmlowp.expOnNegativeValues(x, integerBits: integerBits), integerBits: 0) - exact) < 0x1p-21)
      }
    }
    // At -32, the lowest Q5.26 value, every barrel factor applies and the result underflows to 0.
    #expect(Gemmlowp.expOnNegativeValues(.min, integerBits: 5) == 0)
  }

  @Test("1/(1+x) on [0, 1): 1 at 0, 1/2 at 1, within 2^-28 between")
  func oneOverOnePlusX() {
    #expect(abs(real(Gemmlowp.oneOverOnePlusXForXIn01(0), integerBits: 0) - 1) < 0x1p-28)
    #expect(abs(real(Gemmlowp.oneOverOnePlusXForXIn01(.max), integerBits: 0) - 0.5) < 0x1p-28)
    for k in stride(from: 1, to: 1000, by: 37) {
      let x = Int32(k) << 21
      let exact = 1 / (1 + real(x, integerBits: 0))
      #expect(abs(real(Gemmlowp.oneOverOnePlusXForXIn01(x), integerBits: 0) - exact) < 0x1p-28)
    }
  }

  @Test("logistic: 1/2 at 0, exactly one minus its mirror, within 2^-21 of the sigmoid")
  func logistic() {
    #expect(Gemmlowp.logistic(0, integerBits: 4) == 1 << 30)
    for k in 1...300 {
      let x = Int32(k) * 1_000_003
      let positive = Gemmlowp.logistic(x, integerBits: 4)
      #expect(Gemmlowp.logistic(-x, integerBits: 4) == Int32.max - positive)
      let exact = 1 / (1 + Foundation.exp(-real(x, integerBits: 4)))
      #expect(abs(real(positive, integerBits: 0) - exact) < 0x1p-21)
    }
  }

  @Test("GetReciprocal normalises the sum and reports its bits above one")
  func reciprocal() {
    // 3.0 in Q12.19 is 1.5 · 2^1: one bit over one, and 1/3 = (1/1.5) / 2^1.
    let three = Int32(3) << 19
    let (scale, bits) = Gemmlowp.reciprocal(three, integerBits: 12)
    #expect(bits == 1)
    #expect(abs(real(scale, integerBits: 0) - 2.0 / 3.0) < 0x1p-28)
    let (unitScale, unitBits) = Gemmlowp.reciprocal(1 << 19, integerBits: 12)
    #expect(unitBits == 0)
    #expect(abs(real(unitScale, integerBits: 0) - 1) < 0x1p-28)
  }
}
