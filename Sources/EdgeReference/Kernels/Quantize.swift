import EdgeCore

// QUANTIZE: float32 → int8 (TFLM's AffineQuantize) and int8 → int8
// (TFLM's Requantize, for tensors whose scale or zero point change).

func lowerQuantize(_ context: OpContext) throws -> LoweredOp {
  let (input, output) = (try context.input(0), try context.output())
  guard input.elementCount == output.elementCount else {
    throw context.error(.invalidGraph, "QUANTIZE input '\(input.name)' \(input.shape) and output '\(output.name)' \(output.shape) differ in size")
  }
  switch (input.type, output.type) {
  case (.float32, .int8):
    let q = try context.int8Quantization(of: output)
    return context.kernel(QuantizeF32S8Kernel(size: Int32(input.elementCount), scale: q.scale, zeroPoint: q.zeroPoint))
  case (.int8, .int8):
    let (qi, qo) = try (context.int8Quantization(of: input), context.int8Quantization(of: output))
    return context.kernel(
      RequantizeS8Kernel(
        size: Int32(input.elementCount), inputZeroPoint: qi.zeroPoint, outputZeroPoint: qo.zeroPoint,
        multiplier: QuantizedMultiplier(Double(qi.scale) / Double(qo.scale))))
  default:
    throw context.error(
      .unsupported,
      "QUANTIZE from \(input.type.rawValue) to \(output.type.rawValue) is not supported (float32 → int8 and int8 → int8 are)")
  }
}

public struct QuantizeF32S8Kernel: PreparedKernel {
  public var size: Int32
  public var scale: Float
  public var zeroPoint: Int32

  public var cFunction: String { "edgec_quantize_f32_s8" }
  public var cParamsType: String { "edgec_quantize_f32_s8_params" }
  public var cFields: [NamedKernelField] {
    [
      NamedKernelField("size", .int(size)),
      NamedKernelField("scale", .float(scale)),
      NamedKernelField("zero_point", .int(zeroPoint)),
    ]
  }

  /// round(x / scale) + zero point, clamped. Out-of-range and NaN quotients
  /// become INT32_MIN before the zero point is added (with wrap-around), which
  /// is what TFLM's float → int32 conversion does on x86, the host of the
  /// tflite-micro package edgec is checked against.
  @inline(__always)
  public static func quantize(_ x: Float, scale: Float, zeroPoint: Int32) -> Int8 {
    let rounded = (x / scale).rounded(.toNearestOrAwayFromZero)
    let integer = rounded >= -2_147_483_648 && rounded < 2_147_483_648 ? Int32(rounded) : Int32.min
    return Int8(min(127, max(-128, integer &+ zeroPoint)))
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0]?.floats else { return }
    let result = input.map { Self.quantize($0, scale: scale, zeroPoint: zeroPoint) }
    outputs[0] = TensorValue(result, type: .int8, shape: outputs[0].shape)
  }
}

public struct RequantizeS8Kernel: PreparedKernel {
  public var size: Int32
  public var inputZeroPoint: Int32, outputZeroPoint: Int32
  /// input_scale / output_scale.
  public var multiplier: QuantizedMultiplier

  public var inPlaceInputs: [Int] { [0] }
  public var cFunction: String { "edgec_requantize_s8" }
  public var cParamsType: String { "edgec_requantize_s8_params" }
  public var cFields: [NamedKernelField] {
    [
      NamedKernelField("size", .int(size)),
      NamedKernelField("input_zero_point", .int(inputZeroPoint)),
      NamedKernelField("output_zero_point", .int(outputZeroPoint)),
      NamedKernelField("multiplier", .int(multiplier.multiplier)),
      NamedKernelField("shift", .int(multiplier.shift)),
    ]
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0]?.elements(as: Int8.self) else { return }
    let result = input.map { q -> Int8 in
      let scaled = multiplyByQuantizedMultiplier(Int32(q) - inputZeroPoint, multiplier.multiplier, multiplier.shift)
      return Int8(min(127, max(-128, scaled &+ outputZeroPoint)))
    }
    outputs[0] = TensorValue(result, type: .int8, shape: outputs[0].shape)
  }
}
