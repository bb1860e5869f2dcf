import EdgeCore

// NEG. float32 is -x (TFLM and LiteRT alike). Neither peer has an int8 NEG
// kernel — which is why the TensorFlow converter leaves DEQUANTIZE → NEG
// (float32) → QUANTIZE islands in int8 models — so edgec compiles NEG on
// float32 only and names the workaround otherwise.

func lowerNeg(_ context: OpContext) throws -> LoweredOp {
  let (input, _) = try context.unaryOperands()
  guard input.type == .float32 else {
    throw context.error(
      .unsupported,
      "NEG on int8 '\(input.name)' is not supported: neither TFLM nor LiteRT has an int8 NEG kernel; "
        + "convert the model so NEG runs on float32 between DEQUANTIZE and QUANTIZE (the TensorFlow converter's default)")
  }
  return context.kernel(UnaryF32Kernel(.neg, size: Int32(input.elementCount)))
}
