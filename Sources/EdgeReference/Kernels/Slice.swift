import EdgeCore

// SLICE at run time, when the slice is one contiguous byte range of its input
// (every axis before the first sliced one has size 1: a band of rows with
// N = 1, as patch-based inference makes). Other slices are folded when their
// input is constant, or refused.

func lowerSlice(_ context: OpContext) throws -> LoweredOp {
  let input = try context.input(0)
  let output = try context.output()
  let begin = try context.constantInput(1), size = try context.constantInput(2)
  func values(_ tensor: Tensor) -> [Int] {
    let value = TensorValue(type: tensor.type, shape: tensor.shape, bytes: tensor.data ?? [])
    switch tensor.type {
    case .int32: return value.elements(as: Int32.self).map(Int.init)
    case .int64: return value.elements(as: Int64.self).map { Int(clamping: $0) }
    default: return []
    }
  }
  let rank = input.shape.rank
  let starts = values(begin)
  var sizes = values(size)
  guard starts.count == rank, sizes.count == rank, input.type == output.type else {
    throw context.error(.invalidGraph, "SLICE of '\(input.name)' \(input.shape) needs int32 begin and size with \(rank) values")
  }
  for axis in 0..<rank where sizes[axis] == -1 { sizes[axis] = input.shape[axis] - starts[axis] }
  guard (0..<rank).allSatisfy({ starts[$0] >= 0 && sizes[$0] >= 0 && starts[$0] + sizes[$0] <= input.shape[$0] }),
    output.shape.dims == sizes
  else {
    throw context.error(.invalidGraph, "SLICE begin \(starts) size \(sizes) does not fit '\(input.name)' \(input.shape) or give '\(output.name)' \(output.shape)")
  }
  // Contiguous: after the first axis that is not taken whole, every later
  // axis is whole, and every earlier axis has size 1.
  let first = (0..<rank).first { sizes[$0] != input.shape[$0] } ?? rank
  let contiguous =
    first == rank
    || ((0..<first).allSatisfy { input.shape[$0] == 1 }
      && ((first + 1)..<rank).allSatisfy { sizes[$0] == input.shape[$0] })
  guard contiguous else {
    throw context.error(.unsupported, "SLICE begin \(starts) size \(sizes) of '\(input.name)' \(input.shape) is not one contiguous range; edgec runs such slices only on constants")
  }
  let offset = first < rank ? starts[first] * input.shape.stride(ofAxis: first) * input.type.byteSize : 0
  return context.kernel(SliceKernel(offset: Int32(offset), bytes: Int32(output.byteSize)), inputs: [context.inputID(0)])
}

/// `edgec_slice`: `bytes` bytes from `offset` of the input.
public struct SliceKernel: PreparedKernel {
  public var offset: Int32
  public var bytes: Int32

  public var cFunction: String { "edgec_slice" }
  public var cParamsType: String { "edgec_slice_params" }
  public var cFields: [NamedKernelField] {
    [NamedKernelField("offset", .int(offset)), NamedKernelField("bytes", .int(bytes))]
  }
  public var outputSliceOfInput: Int? { Int(offset) }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs.first ?? nil else { return }
    let range = Int(offset)..<(Int(offset) + Int(bytes))
    outputs[0] = TensorValue(type: outputs[0].type, shape: outputs[0].shape, bytes: Array(input.bytes[range]))
  }
}
