import EdgeCore

// int4 weights (TFLite's INT4) in CONV_2D, DEPTHWISE_CONV_2D and
// FULLY_CONNECTED. TFLM unpacks them to int8 in Prepare and runs its int8
// kernels, so the reference runs the int8 kernels on the unpacked values; the
// C kernels (`*_s8w4`) keep them packed in flash and unpack as they read.

extension TensorValue {
  /// A filter's values as int8: int4 weights sign-extended, low nibble first.
  func kernelWeights() -> [Int8] {
    type == .int4 ? unpackedInt4() : windowKernelElements(as: Int8.self)
  }
}

extension OpContext {
  /// The operators whose int8 kernels have an int4-weight twin.
  static let int4Operators: Set<OpKind> = [.conv2D, .depthwiseConv2D, .fullyConnected]
}
