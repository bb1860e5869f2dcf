import EdgeCore

// SPLIT (inputs: axis, input; equal parts) and SPLIT_V (inputs: input,
// size_splits, axis; one size may be -1 for the rest), TFLM's split.cc and
// split_v.cc: the input cut along the axis into consecutive pieces. Both
// lower to one `edgec_split` call that writes every output (the C function
// takes them as an array of pointers).

func lowerSplit(_ context: OpContext) throws -> LoweredOp {
  guard case .split(let count) = context.op.options, count >= 1, count == context.op.outputs.count else {
    throw context.error(.invalidGraph, "\(context.op.kind.name) needs num_splits equal to its \(context.op.outputs.count) outputs")
  }
  let isV = context.op.kind == .splitV
  let dataIndex = isV ? 0 : 1
  let input = try context.input(dataIndex)
  let axisValues = try context.constantIntegers(isV ? 2 : 0, "axis")
  let rank = input.shape.rank
  guard axisValues.count == 1, (-rank..<rank).contains(axisValues[0]) else {
    throw context.error(.invalidGraph, "\(context.op.kind.name) axis \(axisValues) must be one value in [-\(rank), \(rank)) for '\(input.name)' \(input.shape)")
  }
  let axis = axisValues[0] < 0 ? axisValues[0] + rank : axisValues[0]
  let size = input.shape[axis]
  var sizes: [Int]
  if isV {
    sizes = try context.constantIntegers(1, "size_splits")
    let unknown = sizes.indices.filter { sizes[$0] == -1 }
    if unknown.count == 1 { sizes[unknown[0]] = size - sizes.filter { $0 != -1 }.reduce(0, +) }
  } else {
    guard size % count == 0 else {
      throw context.error(.invalidGraph, "SPLIT cannot cut axis \(axis) (size \(size)) of '\(input.name)' into \(count) equal parts (SPLIT_V takes unequal sizes)")
    }
    sizes = [Int](repeating: size / count, count: count)
  }
  guard sizes.count == count, sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == size else {
    throw context.error(.invalidGraph, "\(context.op.kind.name) sizes \(sizes) do not add up to axis \(axis) (size \(size)) of '\(input.name)' \(input.shape)")
  }
  for (k, part) in sizes.enumerated() {
    let output = try context.output(k)
    var dims = input.shape.dims
    dims[axis] = part
    guard output.shape.dims == dims else {
      throw context.error(.invalidGraph, "\(context.op.kind.name) output \(k) '\(output.name)' is \(output.shape), expected \(Shape(dims))")
    }
    try context.requireSameValues(input, output)
  }
  let inner = input.shape.stride(ofAxis: axis) * input.type.byteSize
  let kernel = SplitKernel(
    outer: Int32(input.shape.dims[..<axis].reduce(1, *)), axisBytes: Int32(size * inner),
    bytes: sizes.map { Int32($0 * inner) })
  return context.kernel(kernel, inputs: [context.inputID(dataIndex)])
}

/// `edgec_split`: each outer block of the input dealt out to the outputs.
public struct SplitKernel: PreparedKernel {
  public var outer: Int32, axisBytes: Int32
  public var bytes: [Int32]

  public var takesOutputArray: Bool { true }
  public var cFunction: String { "edgec_split" }
  public var cParamsType: String { "edgec_split_params" }
  public var cFields: [NamedKernelField] {
    [
      NamedKernelField("outer", .int(outer)), NamedKernelField("axis_bytes", .int(axisBytes)),
      NamedKernelField("count", .int(Int32(bytes.count))), NamedKernelField("bytes", .table(bytes)),
    ]
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0] else { return }
    var pieces = [[UInt8]](repeating: [], count: bytes.count)
    var position = 0
    for _ in 0..<Int(outer) {
      for (k, n) in bytes.enumerated() {
        pieces[k] += input.bytes[position..<(position + Int(n))]
        position += Int(n)
      }
    }
    for k in outputs.indices where k < pieces.count {
      outputs[k] = TensorValue(type: outputs[k].type, shape: outputs[k].shape, bytes: pieces[k])
    }
  }
}
