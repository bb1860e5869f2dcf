import EdgeCore

/// One field of a kernel's C parameter struct, in the form the code generator
/// prints it. The Swift kernel reads the same values, so what runs in the
/// reference interpreter is exactly what the generated C is given.
public indirect enum KernelField: Hashable, Sendable {
  /// An `int32_t` field.
  case int(Int32)
  /// An unsigned 32-bit field (bit patterns, e.g. a pad value).
  case uint(UInt32)
  /// A `float` field.
  case float(Float)
  /// A fixed-size `int32_t` array, or a struct of int32_t such as `edgec_dims`,
  /// printed inline as `{a, b, c}`.
  case inline([Int32])
  /// A `const int32_t *` to a table the code generator emits beside the struct
  /// (per-channel multipliers and shifts).
  case table([Int32])
  /// A nested struct, printed as `{ .name = value, ... }`.
  case record([NamedKernelField])
}

public struct NamedKernelField: Hashable, Sendable {
  public var name: String
  public var value: KernelField
  public init(_ name: String, _ value: KernelField) {
    self.name = name
    self.value = value
  }
}

/// A kernel with its parameters prepared at compile time: TFLM's Prepare
/// result, ready for either executor (the Swift `run` or the emitted C call).
public protocol PreparedKernel: Sendable {
  /// The C function it lowers to, e.g. `edgec_conv2d_s8`.
  var cFunction: String { get }
  /// The C type of its parameter struct, e.g. `edgec_conv2d_s8_params`.
  var cParamsType: String { get }
  /// The struct's fields in declaration order, named as in kernels.h.
  var cFields: [NamedKernelField] { get }
  /// Whether the C function takes its inputs as one `const void *const *`
  /// array (CONCATENATION) rather than one pointer argument per input.
  var takesInputArray: Bool { get }
  /// Whether the C function takes its outputs as one `void *const *` array
  /// (SPLIT, SPLIT_V) rather than one pointer argument per output.
  var takesOutputArray: Bool { get }
  /// Inputs the output may be written over (the planner's in-place
  /// candidates): the kernel reads each element of such an input before it
  /// writes the output element at the same byte position, and nothing else
  /// of it afterwards. Only inputs with the output's byte size qualify.
  var inPlaceInputs: [Int] { get }
  /// Whether an in-place output may be smaller than the input it overwrites,
  /// occupying that input's first bytes (the in-place depthwise convolution,
  /// whose output has fewer pixels under a stride or valid padding).
  var inPlaceOutputMayBeSmaller: Bool { get }
  /// Whether the C function ends with `void *scratch, int32_t scratch_bytes`:
  /// working memory the code generator carves from the arena (optimized
  /// kernels use it; every kernel must also run with none).
  var takesScratch: Bool { get }
  /// When every input is a contiguous byte range of the output (a
  /// CONCATENATION whose axis has no outer rows), the inputs' byte offsets in
  /// the output: placed there by the planner, the op has nothing to copy.
  var inputSlicesOfOutput: [Int]? { get }
  /// When the output is one contiguous byte range of input 0 (a SLICE of a
  /// band of rows), its byte offset there: placed there, nothing is copied.
  var outputSliceOfInput: Int? { get }
  /// Computes the outputs from the inputs. `inputs` holds nil for absent
  /// optional inputs; `outputs` arrive zero-filled with their final type and shape.
  func run(inputs: [TensorValue?], outputs: inout [TensorValue])
}

extension PreparedKernel {
  public var takesInputArray: Bool { false }
  public var takesOutputArray: Bool { false }
  public var inPlaceInputs: [Int] { [] }
  public var inPlaceOutputMayBeSmaller: Bool { false }
  public var takesScratch: Bool { false }
  public var inputSlicesOfOutput: [Int]? { nil }
  public var outputSliceOfInput: Int? { nil }
}

/// One step of the lowered program.
public enum LoweredOp: Sendable {
  /// Call `kernel` on the given tensors (inputs in C argument order; nil for an
  /// absent optional input), then the outputs.
  case kernel(opIndex: Int, kernel: any PreparedKernel, inputs: [TensorID?], outputs: [TensorID])
  /// The output is the input's bytes under another shape (RESHAPE): no code,
  /// the planner gives both the same storage.
  case alias(opIndex: Int, input: TensorID, output: TensorID)

  public var opIndex: Int {
    switch self {
    case .kernel(let index, _, _, _), .alias(let index, _, _): return index
    }
  }
}

extension KernelField {
  /// `edgec_dims {n, h, w, c}` of a rank-4 shape.
  public static func dims(_ shape: Shape) -> KernelField {
    .inline(shape.dims.map { Int32(truncatingIfNeeded: $0) })
  }
}
