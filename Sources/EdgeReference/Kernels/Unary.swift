#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import EdgeCore

// The element-wise unary operators of issue 6 (NEG, RSQRT, HARD_SWISH, GELU)
// share two kernels. int8: any function of one int8 value is a 256-entry
// table, so each lowering runs its peer's exact integer (or float) arithmetic
// once per possible input at compile time and the kernel only looks values
// up — bit-exact by construction, and cheaper on the target than the
// fixed-point Newton iterations of RSQRT. float32: one C function per
// operator, the peers' reference formula element by element.

/// int8 → int8 through a 256-entry table indexed by `x + 128`. The table is
/// stored four entries to an int32 word (entry i in byte i mod 4, low byte
/// first), so it costs 256 bytes of flash and the C kernel needs no char table type.
public struct LookupS8Kernel: PreparedKernel {
  public var size: Int32
  /// table[x + 128] is the output for input x.
  public var table: [Int8]

  public init(size: Int32, table: [Int8]) {
    self.size = size
    self.table = table
  }

  /// Builds the table by evaluating `f` on every int8 value.
  public init(size: Int32, _ f: (Int32) -> Int8) {
    self.init(size: size, table: (-128...127).map { f(Int32($0)) })
  }

  /// The table packed four entries per word, as the C kernel reads it.
  public var packedTable: [Int32] {
    stride(from: 0, to: 256, by: 4).map { base in
      var word: UInt32 = 0
      for k in 0..<4 { word |= UInt32(UInt8(bitPattern: table[base + k])) << (8 * UInt32(k)) }
      return Int32(bitPattern: word)
    }
  }

  public var inPlaceInputs: [Int] { [0] }
  public var cFunction: String { "edgec_lookup_s8" }
  public var cParamsType: String { "edgec_lookup_s8_params" }
  public var cFields: [NamedKernelField] {
    [NamedKernelField("size", .int(size)), NamedKernelField("table", .table(packedTable))]
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0]?.elements(as: Int8.self) else { return }
    let result = input.map { table[Int($0) + 128] }
    outputs[0] = TensorValue(result, type: .int8, shape: outputs[0].shape)
  }
}

/// float32 element-wise functions, each the peer's reference formula in the
/// same operation order (so results are exact where the C library's sqrtf,
/// erff and tanhf agree; erff/tanhf may differ in the last bit between libms).
public struct UnaryF32Kernel: PreparedKernel {
  public enum Function: String, Sendable {
    case neg, rsqrt, hardSwish = "hard_swish", gelu, geluTanh = "gelu_tanh"
  }
  public var function: Function
  public var size: Int32

  public init(_ function: Function, size: Int32) {
    self.function = function
    self.size = size
  }

  public var inPlaceInputs: [Int] { [0] }
  public var cFunction: String { "edgec_\(function.rawValue)_f32" }
  public var cParamsType: String { "edgec_unary_f32_params" }
  public var cFields: [NamedKernelField] { [NamedKernelField("size", .int(size))] }

  public static func apply(_ function: Function, _ x: Float) -> Float {
    switch function {
    case .neg: return -x
    case .rsqrt: return 1 / sqrtf(x)
    // reference_ops::HardSwish: in * min(6, max(0, in + 3)) / 6.
    case .hardSwish: return x * min(6, max(0, x + 3)) / 6
    case .gelu: return geluErf(x)
    case .geluTanh: return geluTanh(x)
    }
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0]?.floats else { return }
    let f = function
    outputs[0] = TensorValue(floats: input.map { Self.apply(f, $0) }, shape: outputs[0].shape)
  }
}

/// LiteRT's GeluTransform: 0.5 · x · (1 + erf(x / √2)), in float, written
/// as 0.5 · x · erfc(−x / √2) as LiteRT does (1 + erf cancels catastrophically
/// for large negative x; the erf form differs in int8 tables whose output
/// scale resolves GELU's tiny negative tail).
@inline(__always)
func geluErf(_ x: Float) -> Float {
  0.5 * x * erfcf(x * Float(-0.70710678118654752440))
}

/// LiteRT's GeluTransformApproximate: 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 x³))),
/// the constant √(2/π) rounded from double as M_2_SQRTPI * M_SQRT1_2.
@inline(__always)
func geluTanh(_ x: Float) -> Float {
  let k = Float(1.12837916709551257390 * 0.70710678118654752440)
  return 0.5 * x * (1 + tanhf(k * (x + 0.044715 * x * x * x)))
}

extension OpContext {
  /// Input and output of a one-input operator, checked to have the same size
  /// and the same element type (int8 or float32).
  func unaryOperands() throws -> (input: Tensor, output: Tensor) {
    let (input, output) = (try input(0), try output())
    guard input.elementCount == output.elementCount else {
      throw error(.invalidGraph, "\(op.kind.name) input '\(input.name)' \(input.shape) and output '\(output.name)' \(output.shape) differ in size")
    }
    guard input.type == .int8 || input.type == .float32 else {
      throw error(.unsupported, "\(op.kind.name) on \(input.type.rawValue) tensors is not supported (int8 and float32 are)")
    }
    try require(output, is: input.type, role: "output")
    return (input, output)
  }
}
