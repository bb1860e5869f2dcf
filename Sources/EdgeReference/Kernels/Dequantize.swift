import EdgeCore

// DEQUANTIZE int8 → float32: scale · (q − zero point), one float rounding
// (TFLM's reference Dequantize).

func lowerDequantize(_ context: OpContext) throws -> LoweredOp {
  let (input, output) = (try context.input(0), try context.output())
  guard input.elementCount == output.elementCount else {
    throw context.error(.invalidGraph, "DEQUANTIZE input '\(input.name)' \(input.shape) and output '\(output.name)' \(output.shape) differ in size")
  }
  guard input.type == .int8, output.type == .float32 else {
    throw context.error(
      .unsupported,
      "DEQUANTIZE from \(input.type.rawValue) to \(output.type.rawValue) is not supported (int8 → float32 is)")
  }
  let q = try context.int8Quantization(of: input)
  return context.kernel(DequantizeS8F32Kernel(size: Int32(input.elementCount), scale: q.scale, zeroPoint: q.zeroPoint))
}

public struct DequantizeS8F32Kernel: PreparedKernel {
  public var size: Int32
  public var scale: Float
  public var zeroPoint: Int32

  public var cFunction: String { "edgec_dequantize_s8_f32" }
  public var cParamsType: String { "edgec_dequantize_s8_f32_params" }
  public var cFields: [NamedKernelField] {
    [
      NamedKernelField("size", .int(size)),
      NamedKernelField("scale", .float(scale)),
      NamedKernelField("zero_point", .int(zeroPoint)),
    ]
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0]?.elements(as: Int8.self) else { return }
    let result = input.map { scale * Float(Int32($0) - zeroPoint) }
    outputs[0] = TensorValue(floats: result, shape: outputs[0].shape)
  }
}
