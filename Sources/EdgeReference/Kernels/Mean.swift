import EdgeCore

// MEAN over constant axes. TFLM (reduce_common.cc) runs every int8 MEAN
// through reference_ops::QuantizedMeanOrSum: an int32 sum of the raw inputs,
// then one requantization whose multiplier has 1/count folded in. Older TFLM
// releases had a same-quantization path (a truncating integer division) and
// a 4-D keep_dims special case; the current one has neither, and edgec
// follows the current one (checked against the tflite-micro package).

func lowerMean(_ context: OpContext) throws -> LoweredOp {
  let (input, output) = (try context.input(0), try context.output())
  let shape = try meanShape(context, input: input, output: output)
  switch input.type {
  case .int8:
    try context.require(output, is: .int8, role: "output")
    let (qi, qo) = try (context.int8Quantization(of: input), context.int8Quantization(of: output))
    let count = shape.reducedCount
    var multiplier = QuantizedMultiplier(Double(qi.scale) / Double(qo.scale))
    if count > 0 {
      // QuantizedMeanOrSum: fold 1/count into the multiplier, keeping the
      // shift within what MultiplyByQuantizedMultiplier accepts.
      var shift = Int32(Int64.bitWidth - 1 - Int64(count).leadingZeroBitCount)
      shift = min(shift, 32, 31 + multiplier.shift)
      multiplier = QuantizedMultiplier(
        multiplier: Int32(truncatingIfNeeded: (Int64(multiplier.multiplier) << Int64(shift)) / Int64(count)),
        shift: multiplier.shift - shift)
    }
    return context.kernel(
      MeanS8Kernel(
        shape: shape, inputOffset: -qi.zeroPoint, outputOffset: qo.zeroPoint,
        multiplier: multiplier), inputs: [context.inputID(0)])
  case .float32:
    try context.require(output, is: .float32, role: "output")
    return context.kernel(MeanF32Kernel(shape: shape), inputs: [context.inputID(0)])
  default:
    throw context.error(.unsupported, "MEAN on \(input.type.rawValue) tensors is not supported (int8 and float32 are)")
  }
}

/// The input's axes and which of them MEAN reduces (`dims`/`reduce` in kernels.h).
public struct MeanShape: Hashable, Sendable {
  public var dims: [Int]
  public var reduce: [Bool]

  public var reducedCount: Int { zip(dims, reduce).filter { $0.1 }.reduce(1) { $0 * $1.0 } }
  public var outputCount: Int { zip(dims, reduce).filter { !$0.1 }.reduce(1) { $0 * $1.0 } }

  var cFields: [NamedKernelField] {
    let pad = [Int32](repeating: 0, count: BroadcastPlan.maxRank - dims.count)
    return [
      NamedKernelField("rank", .int(Int32(dims.count))),
      NamedKernelField("dims", .inline(dims.map { Int32($0) } + pad)),
      NamedKernelField("reduce", .inline(reduce.map { $0 ? 1 : 0 } + pad)),
    ]
  }

  /// Input element offsets: for each output element (row-major over the kept
  /// axes) the offset of its first input, and the offsets of the reduced
  /// elements relative to it in the order TFLM adds them (row-major).
  func offsets() -> (outputs: [Int], reduced: [Int]) {
    var strides = [Int](repeating: 1, count: dims.count)
    for axis in stride(from: dims.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * dims[axis + 1] }
    func walk(_ keep: Bool) -> [Int] {
      var result = [0]
      for axis in dims.indices where reduce[axis] != keep {
        result = result.flatMap { base in (0..<dims[axis]).map { base + $0 * strides[axis] } }
      }
      return result
    }
    return (walk(true), walk(false))
  }
}

/// Resolves the constant axis tensor the way TFLM's ResolveAxis does
/// (negative axes count from the end, duplicates are ignored) and checks the output size.
private func meanShape(_ context: OpContext, input: Tensor, output: Tensor) throws -> MeanShape {
  let axisTensor = try context.constantInput(1)
  try context.require(axisTensor, is: .int32, role: "axis tensor")
  guard let data = axisTensor.data, data.count == axisTensor.byteSize else {
    throw context.error(.invalidGraph, "axis tensor '\(axisTensor.name)' holds \(axisTensor.data?.count ?? 0) bytes, expected \(axisTensor.byteSize)")
  }
  let rank = input.shape.rank
  guard rank <= BroadcastPlan.maxRank else {
    throw context.error(.unsupported, "MEAN input '\(input.name)' has \(rank) axes; edgec supports up to \(BroadcastPlan.maxRank)")
  }
  var reduce = [Bool](repeating: false, count: rank)
  for axis in TensorValue(type: .int32, shape: axisTensor.shape, bytes: data).elements(as: Int32.self) {
    let resolved = axis < 0 ? Int(axis) + rank : Int(axis)
    guard (0..<rank).contains(resolved) else {
      throw context.error(.invalidGraph, "MEAN axis \(axis) is out of range for input '\(input.name)' \(input.shape)")
    }
    reduce[resolved] = true
  }
  let shape = MeanShape(dims: input.shape.dims, reduce: reduce)
  guard output.elementCount == shape.outputCount else {
    throw context.error(.invalidGraph, "MEAN output '\(output.name)' \(output.shape) should hold \(shape.outputCount) elements")
  }
  return shape
}

public struct MeanS8Kernel: PreparedKernel {
  public var shape: MeanShape
  public var inputOffset: Int32, outputOffset: Int32
  /// input_scale / output_scale / count (see lowerMean).
  public var multiplier: QuantizedMultiplier

  public var cFunction: String { "edgec_mean_s8" }
  public var cParamsType: String { "edgec_mean_s8_params" }
  public var cFields: [NamedKernelField] {
    shape.cFields + [
      NamedKernelField("input_offset", .int(inputOffset)),
      NamedKernelField("output_offset", .int(outputOffset)),
      NamedKernelField("multiplier", .int(multiplier.multiplier)),
      NamedKernelField("shift", .int(multiplier.shift)),
      NamedKernelField("num_elements", .int(Int32(shape.reducedCount))),
    ]
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0]?.elements(as: Int8.self) else { return }
    let (bases, reduced) = shape.offsets()
    let count = Int64(shape.reducedCount)
    var result = [Int8](repeating: 0, count: bases.count)
    if count > 0 {
      input.withUnsafeBufferPointer { x in
        for (o, base) in bases.enumerated() {
          var sum: Int32 = 0
          for r in reduced { sum &+= Int32(x[base + r]) }
          let shifted = Int32(truncatingIfNeeded: Int64(sum) + Int64(inputOffset) * count)
          let q = multiplyByQuantizedMultiplier(shifted, multiplier.multiplier, multiplier.shift) &+ outputOffset
          result[o] = Int8(min(127, max(-128, q)))
        }
      }
    }
    outputs[0] = TensorValue(result, type: .int8, shape: outputs[0].shape)
  }
}

public struct MeanF32Kernel: PreparedKernel {
  public var shape: MeanShape

  public var cFunction: String { "edgec_mean_f32" }
  public var cParamsType: String { "edgec_mean_f32_params" }
  public var cFields: [NamedKernelField] { shape.cFields }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0]?.floats else { return }
    let (bases, reduced) = shape.offsets()
    let count = Float(shape.reducedCount)
    var result = [Float](repeating: 0, count: bases.count)
    if shape.reducedCount > 0 {
      input.withUnsafeBufferPointer { x in
        for (o, base) in bases.enumerated() {
          var sum: Float = 0
          for r in reduced { sum += x[base + r] }
          result[o] = sum / count
        }
      }
    }
    outputs[0] = TensorValue(floats: result, shape: outputs[0].shape)
  }
}
