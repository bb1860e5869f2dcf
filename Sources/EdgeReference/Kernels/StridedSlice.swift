import EdgeCore

// STRIDED_SLICE at run time, with constant begin/end/strides (a slice of a
// constant is folded by FoldConstants instead). Each axis walks from its
// start to its end by its stride as LiteRT's StridedSliceStartForAxis /
// StridedSliceEndForAxis compute them (TFLM's kernel is the same computation
// without the ellipsis and new-axis masks, which edgec refuses here as TFLM
// does); shrunk axes leave the output's shape. A slice that is one
// contiguous byte range of the input (the class token of a ViT, the shifted
// ring buffer of a streaming model) lowers to SLICE's kernel, so the planner
// can place it inside its input; any other to the strided copy.

func lowerStridedSlice(_ context: OpContext) throws -> LoweredOp {
  guard case .stridedSlice(let options) = context.op.options else {
    throw context.error(.invalidGraph, "STRIDED_SLICE carries no StridedSliceOptions")
  }
  let (input, output) = (try context.input(0), try context.output())
  guard options.ellipsisMask == 0, options.newAxisMask == 0, !options.offset else {
    throw context.error(.unsupported, "STRIDED_SLICE of run-time tensor '\(input.name)' with an ellipsis mask (\(options.ellipsisMask)), a new-axis mask (\(options.newAxisMask)) or the offset flag is not supported (TFLM has neither)")
  }
  let begin = try context.constantIntegers(1, "begin")
  let end = try context.constantIntegers(2, "end")
  let strides = try context.constantIntegers(3, "strides")
  let rank = input.shape.rank
  guard begin.count == end.count, begin.count == strides.count, begin.count <= rank else {
    throw context.error(.invalidGraph, "STRIDED_SLICE begin, end and strides have \(begin.count), \(end.count) and \(strides.count) values for '\(input.name)' \(input.shape)")
  }
  try context.requireSameValues(input, output)
  var starts: [Int] = [], counts: [Int] = [], steps: [Int] = [], outputDims: [Int] = []
  for axis in 0..<rank {
    let size = input.shape[axis]
    guard axis < begin.count else {
      (starts, counts, steps) = (starts + [0], counts + [size], steps + [1])
      outputDims.append(size)
      continue
    }
    let bit = 1 << axis, stride = strides[axis]
    guard stride != 0 else { throw context.error(.invalidGraph, "STRIDED_SLICE stride of axis \(axis) is 0") }
    let shrink = options.shrinkAxisMask & bit != 0
    var start = begin[axis] < 0 ? begin[axis] + size : begin[axis]
    start = stride > 0 ? min(max(start, 0), size) : min(max(start, -1), size - 1)
    if options.beginMask & bit != 0 { start = stride > 0 ? 0 : size - 1 }
    var stop: Int
    if shrink {
      stop = start >= size ? start : start + 1
    } else {
      stop = end[axis] < 0 ? end[axis] + size : end[axis]
      stop = stride > 0 ? min(max(stop, 0), size) : min(max(stop, -1), size - 1)
      if options.endMask & bit != 0 { stop = stride > 0 ? size : -1 }
    }
    let span = stride > 0 ? stop - start : start - stop
    let count = span <= 0 ? 0 : (span + abs(stride) - 1) / abs(stride)
    if shrink && count != 1 {
      throw context.error(.invalidGraph, "STRIDED_SLICE shrinks axis \(axis) of '\(input.name)' \(input.shape), but begin \(begin[axis]) selects no element")
    }
    (starts, counts, steps) = (starts + [start], counts + [count], steps + [stride])
    if !shrink { outputDims.append(count) }
  }
  guard output.shape.dims == outputDims else {
    throw context.error(.invalidGraph, "STRIDED_SLICE of '\(input.name)' \(input.shape) gives \(Shape(outputDims)), but '\(output.name)' is \(output.shape)")
  }
  let elementStrides = (0..<rank).map { input.shape.stride(ofAxis: $0) }
  let offset = (0..<rank).map { counts[$0] == 0 ? 0 : starts[$0] * elementStrides[$0] }.reduce(0, +)
  // Contiguous: every axis after the first partial one is whole with step 1,
  // every axis before it has one element, and the partial one steps by 1.
  let first = (0..<rank).first { counts[$0] != input.shape[$0] || steps[$0] != 1 } ?? rank
  let contiguous =
    output.elementCount == 0 || first == rank
    || ((0..<first).allSatisfy { counts[$0] == 1 } && (counts[first] == 1 || steps[first] == 1)
      && ((first + 1)..<rank).allSatisfy { counts[$0] == input.shape[$0] && steps[$0] == 1 })
  if contiguous {
    let bytes = output.byteSize
    return context.kernel(
      SliceKernel(offset: Int32(bytes == 0 ? 0 : offset * input.type.byteSize), bytes: Int32(bytes)),
      inputs: [context.inputID(0)])
  }
  let kernel = try StridedCopyKernel(
    context, dims: counts, strides: (0..<rank).map { steps[$0] * elementStrides[$0] }, offset: offset,
    elementBytes: input.type.byteSize)
  return context.kernel(kernel, inputs: [context.inputID(0)])
}
