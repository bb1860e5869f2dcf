import EdgeCore

// GATHER at run time: a run-time params tensor indexed by constant indices
// (an embedding-table read, a token pick). TFLM's gather.cc: the output is
// params[:axis] + indices[batch_dims:] + params[axis + 1:], each index
// selecting one block of the axis' inner elements. The indices are checked
// against the axis at compile time (TFLM checks them at run time), so the C
// kernel only copies. GATHER of constant params is folded by FoldConstants.

func lowerGather(_ context: OpContext) throws -> LoweredOp {
  guard case .gather(let rawAxis, let rawBatchDims) = context.op.options else {
    throw context.error(.invalidGraph, "GATHER carries no GatherOptions")
  }
  let (params, indicesTensor, output) = (try context.input(0), try context.input(1), try context.output())
  let indices = try context.constantIntegers(1, "indices")
  let (dims, indexDims) = (params.shape.dims, indicesTensor.shape.dims)
  let axis = rawAxis < 0 ? rawAxis + dims.count : rawAxis
  let batchDims = rawBatchDims < 0 ? rawBatchDims + indexDims.count : rawBatchDims
  guard (0..<dims.count).contains(axis), batchDims >= 0, batchDims <= axis, batchDims <= indexDims.count,
    Array(dims[..<batchDims]) == Array(indexDims[..<batchDims])
  else {
    throw context.error(.invalidGraph, "GATHER axis \(rawAxis), batch_dims \(rawBatchDims) do not fit params '\(params.name)' \(params.shape) and indices '\(indicesTensor.name)' \(indicesTensor.shape)")
  }
  let expected = Array(dims[..<axis]) + Array(indexDims[batchDims...]) + Array(dims[(axis + 1)...])
  guard output.shape.dims == expected else {
    throw context.error(.invalidGraph, "GATHER output '\(output.name)' is \(output.shape), expected \(Shape(expected))")
  }
  if let bad = indices.first(where: { !(0..<dims[axis]).contains($0) }) {
    throw context.error(.invalidGraph, "GATHER index \(bad) in '\(indicesTensor.name)' is outside 0..<\(dims[axis]) (axis \(axis) of '\(params.name)' \(params.shape))")
  }
  try context.requireSameValues(params, output)
  let kernel = GatherKernel(
    batches: Int32(dims[..<batchDims].reduce(1, *)), outer: Int32(dims[batchDims..<axis].reduce(1, *)),
    axisSize: Int32(dims[axis]), coords: Int32(indexDims[batchDims...].reduce(1, *)),
    innerBytes: Int32(dims[(axis + 1)...].reduce(1, *) * params.type.byteSize), indices: indices.map { Int32($0) })
  return context.kernel(kernel, inputs: [context.inputID(0)])
}

/// `edgec_gather`: blocks of `innerBytes` picked by `indices`.
public struct GatherKernel: PreparedKernel {
  public var batches: Int32, outer: Int32, axisSize: Int32, coords: Int32, innerBytes: Int32
  public var indices: [Int32]

  public var cFunction: String { "edgec_gather" }
  public var cParamsType: String { "edgec_gather_params" }
  public var cFields: [NamedKernelField] {
    [
      NamedKernelField("batches", .int(batches)), NamedKernelField("outer", .int(outer)),
      NamedKernelField("axis_size", .int(axisSize)), NamedKernelField("coords", .int(coords)),
      NamedKernelField("inner_bytes", .int(innerBytes)), NamedKernelField("indices", .table(indices)),
    ]
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0] else { return }
    let inner = Int(innerBytes)
    var bytes = [UInt8]()
    bytes.reserveCapacity(outputs[0].bytes.count)
    for b in 0..<Int(batches) {
      for o in 0..<Int(outer) {
        let block = (b * Int(outer) + o) * Int(axisSize) * inner
        for c in 0..<Int(coords) {
          let start = block + Int(indices[b * Int(coords) + c]) * inner
          bytes += input.bytes[start..<(start + inner)]
        }
      }
    }
    outputs[0] = TensorValue(type: outputs[0].type, shape: outputs[0].shape, bytes: bytes)
  }
}
