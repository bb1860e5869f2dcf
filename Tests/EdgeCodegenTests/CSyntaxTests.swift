@testable import EdgeCodegen
import Foundation
import Testing

@Suite struct CSyntaxTests {
  /// Every float prints as a literal that parses back to the same bits, so the
  /// C computes with exactly the reference interpreter's constants.
  @Test func floatLiteralsRoundTrip() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var values: [Float] = [1, -1, 0.5, 3.0e-39, -1.0e-45, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude]
    for _ in 0..<20000 {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      let bits = UInt32(truncatingIfNeeded: state >> 32)
      let f = Float(bitPattern: bits)
      if f.isFinite { values.append(f) }
    }
    for v in values {
      let literal = CSyntax.float(v)
      #expect(literal.hasSuffix("f"))
      let parsed = strtof(String(literal.dropLast()), nil)
      #expect(parsed.bitPattern == v.bitPattern, "\(v) printed as \(literal) parses to \(parsed)")
    }
  }

  @Test func specialValues() {
    #expect(CSyntax.float(0) == "0.0f")
    #expect(CSyntax.float(-0.0) == "-0.0f")
    #expect(CSyntax.float(1) == "0x1p0f")
    #expect(CSyntax.float(0.75) == "0x1.8p-1f")
    #expect(CSyntax.float(.infinity) == "INFINITY")
    #expect(CSyntax.int(Int32.min) == "(-2147483647 - 1)")
  }

  @Test func commentsCannotEndEarly() {
    #expect(CSyntax.comment("a */ b") == "/* a * / b */")
  }
}
