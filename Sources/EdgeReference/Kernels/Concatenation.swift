import EdgeCore

// CONCATENATION along any axis, on bytes: TFLM copies int8 data without
// requantizing, so int8 inputs must already share the output's quantization
// (the TFLite converter arranges that). The output is `outer` rows, each the
// inputs' slices laid end to end.

/// EDGEC_MAX_CONCAT_INPUTS in kernels.h.
let maxConcatenationInputs = 16

func lowerConcatenation(_ context: OpContext) throws -> LoweredOp {
  let output = try context.output()
  guard case .concatenation(let rawAxis, let activation) = context.op.options else {
    throw context.error(.invalidGraph, "CONCATENATION has no ConcatenationOptions (axis)")
  }
  guard activation == .none else {
    throw context.error(.unsupported, "CONCATENATION with a fused \(activation.rawValue) is not supported (TFLM rejects it too)")
  }
  let rank = output.shape.rank
  let axis = rawAxis < 0 ? rawAxis + rank : rawAxis
  guard (0..<rank).contains(axis) else {
    throw context.error(.invalidGraph, "CONCATENATION axis \(rawAxis) is out of range for output '\(output.name)' \(output.shape)")
  }
  let count = context.op.inputs.count
  guard (1...maxConcatenationInputs).contains(count) else {
    throw context.error(.unsupported, "CONCATENATION of \(count) inputs; edgec supports 1 to \(maxConcatenationInputs)")
  }
  let outputQuantization = output.type == .int8 ? try context.int8Quantization(of: output) : nil
  var copyBytes: [Int] = []
  var axisTotal = 0
  for i in 0..<count {
    let input = try context.input(i)
    try context.require(input, is: output.type, role: "input \(i)")
    var expected = output.shape.dims
    if input.shape.rank == rank { expected[axis] = input.shape.dims[axis] }
    guard input.shape.dims == expected else {
      throw context.error(.invalidGraph, "CONCATENATION input '\(input.name)' \(input.shape) does not fit output '\(output.name)' \(output.shape) along axis \(axis)")
    }
    if let outputQuantization {
      let q = try context.int8Quantization(of: input)
      guard q.scale == outputQuantization.scale, q.zeroPoint == outputQuantization.zeroPoint else {
        throw context.error(
          .unsupported,
          "CONCATENATION input '\(input.name)' (scale \(q.scale), zero point \(q.zeroPoint)) must share output '\(output.name)''s quantization (scale \(outputQuantization.scale), zero point \(outputQuantization.zeroPoint)); TFLM copies int8 data without requantizing")
      }
    }
    axisTotal += input.shape.dims[axis]
    copyBytes.append(input.shape.dims[axis] * output.shape.stride(ofAxis: axis) * output.type.byteSize)
  }
  guard axisTotal == output.shape.dims[axis] else {
    throw context.error(.invalidGraph, "CONCATENATION inputs add up to \(axisTotal) along axis \(axis), but output '\(output.name)' has \(output.shape.dims[axis])")
  }
  let outer = output.shape.dims[..<axis].reduce(1, *)
  return context.kernel(ConcatenationKernel(outer: Int32(outer), copyBytes: copyBytes.map { Int32($0) }))
}

public struct ConcatenationKernel: PreparedKernel {
  public var outer: Int32
  /// Bytes of each input per output row.
  public var copyBytes: [Int32]

  public var inputSlicesOfOutput: [Int]? {
    guard outer == 1 else { return nil }
    return copyBytes.indices.map { i in copyBytes[..<i].map(Int.init).reduce(0, +) }
  }
  public var cFunction: String { "edgec_concatenation" }
  public var cParamsType: String { "edgec_concatenation_params" }
  public var takesInputArray: Bool { true }
  public var cFields: [NamedKernelField] {
    [
      NamedKernelField("num_inputs", .int(Int32(copyBytes.count))),
      NamedKernelField("outer", .int(outer)),
      NamedKernelField(
        "copy_bytes",
        .inline(copyBytes + [Int32](repeating: 0, count: maxConcatenationInputs - copyBytes.count))),
    ]
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    var result: [UInt8] = []
    result.reserveCapacity(outputs[0].bytes.count)
    for row in 0..<Int(outer) {
      for (input, bytes) in zip(inputs, copyBytes) {
        guard let input else { return }
        let start = row * Int(bytes)
        result.append(contentsOf: input.bytes[start..<(start + Int(bytes))])
      }
    }
    outputs[0] = TensorValue(type: outputs[0].type, shape: outputs[0].shape, bytes: result)
  }
}
