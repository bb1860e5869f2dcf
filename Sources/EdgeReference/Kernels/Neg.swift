import EdgeCore

// NEG. float32 is -x (TFLM and LiteRT alike). Neither peer has an int8 NEG
// kernel — the TensorFlow converter leaves DEQUANTIZE → NEG (float32) →
// QUANTIZE islands in int8 models instead — but edgec's own int8
// quantization (QuantizeInt8) quantizes NEG like any element-wise operator.
// An int8 NEG therefore means exactly that island: each value dequantized
// as DEQUANTIZE does (scale · (q − zp), one float rounding), negated, and
// quantized as QUANTIZE does (TFLM's AffineQuantize). It is a function of
// one int8 value, so it runs as a 256-entry table, bit-exact with what TFLM
// computes for the island.

func lowerNeg(_ context: OpContext) throws -> LoweredOp {
  let (input, output) = try context.unaryOperands()
  let size = Int32(input.elementCount)
  guard input.type == .int8 else { return context.kernel(UnaryF32Kernel(.neg, size: size)) }
  let (qi, qo) = try (context.int8Quantization(of: input), context.int8Quantization(of: output))
  return context.kernel(LookupS8Kernel(size: size) { q in negS8(q, input: qi, output: qo) })
}

/// One int8 NEG value: QUANTIZE(−DEQUANTIZE(q)) with edgec's (TFLM's) float arithmetic.
func negS8(_ q: Int32, input: Int8Quantization, output: Int8Quantization) -> Int8 {
  let dequantized = input.scale * Float(q - input.zeroPoint)
  return QuantizeF32S8Kernel.quantize(-dequantized, scale: output.scale, zeroPoint: output.zeroPoint)
}
