import EdgeCore

// Evaluators of the shape and data-movement operators, as TFLite's kernels
// compute them. Each checks the shape it computes against the stored one
// (FoldContext.expectShape) before it makes any data.

extension FoldContext {
  /// SHAPE and RANK: read off the input's static shape.
  func evaluateShape() throws -> [TensorValue] {
    let dims = try tensor(0).shape.dims
    let isRank = op.kind == .rank
    let values = isRank ? [Int64(dims.count)] : dims.map(Int64.init)
    let shape = try expectShape(isRank ? [] : [dims.count])
    return [TensorValue(integers: values, type: output().type, shape: shape)]
  }

  /// RESHAPE of a constant: the same bytes under the stored output shape.
  func evaluateReshape() throws -> [TensorValue] {
    let input = try value(0)
    let out = output()
    guard out.elementCount == input.elementCount else {
      throw error("output '\(out.name)' \(out.shape) does not hold the input's \(input.elementCount) elements")
    }
    let shape = try expectShape(out.shape.dims)
    return [TensorValue(type: input.type, shape: shape, bytes: input.bytes)]
  }

  /// SQUEEZE: drops the listed size-1 axes, or every size-1 axis.
  func evaluateSqueeze(dims squeezed: [Int]) throws -> [TensorValue] {
    let input = try value(0)
    let dims = input.shape.dims
    var drop = Set<Int>()
    for axis in squeezed {
      let a = try self.axis(axis, rank: dims.count, "squeeze dimension")
      guard dims[a] == 1 else { throw error("cannot squeeze axis \(a) of size \(dims[a])") }
      drop.insert(a)
    }
    if squeezed.isEmpty { drop = Set(dims.indices.filter { dims[$0] == 1 }) }
    let shape = try expectShape(dims.indices.filter { !drop.contains($0) }.map { dims[$0] })
    return [TensorValue(type: input.type, shape: shape, bytes: input.bytes)]
  }

  /// EXPAND_DIMS: inserts a size-1 axis.
  func evaluateExpandDims() throws -> [TensorValue] {
    let input = try value(0)
    var dims = input.shape.dims
    dims.insert(1, at: try axis(try scalarInteger(1, "axis"), rank: dims.count, inserting: true))
    return [TensorValue(type: input.type, shape: try expectShape(dims), bytes: input.bytes)]
  }

  /// FILL: a tensor of the given dims, every element the scalar value.
  func evaluateFill() throws -> [TensorValue] {
    let dims = try integers(0, "dims")
    let value = try value(1)
    guard value.elementCount == 1 else { throw error("value has \(value.elementCount) elements, expected 1") }
    guard dims.allSatisfy({ $0 >= 0 }) else { throw error("dims \(dims) has a negative dimension") }
    let shape = try expectShape(dims)
    return [value.picking(Array(repeating: 0, count: shape.elementCount), shape: shape)]
  }

  /// PACK: the inputs stacked along a new axis.
  func evaluatePack(axis rawAxis: Int) throws -> [TensorValue] {
    let inputs = try op.inputs.indices.map { try value($0) }
    let dims = inputs[0].shape.dims
    let axis = try self.axis(rawAxis, rank: dims.count, inserting: true)
    let shape = try expectShape(Array(dims[..<axis]) + [inputs.count] + Array(dims[axis...]))
    let inner = dims[axis...].reduce(1, *), outer = dims[..<axis].reduce(1, *)
    let width = inputs[0].type.byteSize
    var bytes: [UInt8] = []
    bytes.reserveCapacity(shape.elementCount * width)
    for o in 0..<outer {
      for input in inputs { bytes += input.bytes[(o * inner * width)..<((o + 1) * inner * width)] }
    }
    return [TensorValue(type: inputs[0].type, shape: shape, bytes: bytes)]
  }

  /// UNPACK: output k is the input's slice k along `axis`, that axis dropped.
  func evaluateUnpack(axis rawAxis: Int) throws -> [TensorValue] {
    let input = try value(0)
    let dims = input.shape.dims
    let axis = try self.axis(rawAxis, rank: dims.count)
    guard dims[axis] == op.outputs.count else {
      throw error("splits axis \(axis) of size \(dims[axis]) into \(op.outputs.count) outputs")
    }
    var sliceDims = dims
    sliceDims.remove(at: axis)
    return try op.outputs.indices.map { k in
      let shape = try expectShape(sliceDims, output: k)
      var ranges = dims.map { Array(0..<$0) }
      ranges[axis] = [k]
      return input.picking(flatIndices(dims: dims, ranges: ranges), shape: shape)
    }
  }

  /// SLICE: `size` elements from `begin` along each axis (-1: to the end).
  func evaluateSlice() throws -> [TensorValue] {
    let input = try value(0)
    let dims = input.shape.dims
    let (begin, size) = (try integers(1, "begin"), try integers(2, "size"))
    guard begin.count == dims.count, size.count == dims.count else {
      throw error("begin and size have \(begin.count) and \(size.count) elements for an input of rank \(dims.count)")
    }
    let ranges = try dims.indices.map { axis -> [Int] in
      // Bounds first, so that the sum below cannot overflow on int64 input.
      guard (0...dims[axis]).contains(begin[axis]), (-1...dims[axis]).contains(size[axis]),
        size[axis] == -1 || begin[axis] + size[axis] <= dims[axis]
      else {
        throw error("begin \(begin[axis]) and size \(size[axis]) leave axis \(axis) of size \(dims[axis])")
      }
      return Array(begin[axis]..<(size[axis] == -1 ? dims[axis] : begin[axis] + size[axis]))
    }
    let shape = try expectShape(ranges.map(\.count))
    return [input.picking(flatIndices(dims: dims, ranges: ranges), shape: shape)]
  }

  /// GATHER: slices of `params` along `axis` chosen by `indices`, with the
  /// leading `batch_dims` axes shared by both.
  func evaluateGather(axis rawAxis: Int, batchDims rawBatchDims: Int) throws -> [TensorValue] {
    let params = try value(0)
    let indices = try integers(1, "indices")
    let (dims, indexDims) = (params.shape.dims, try tensor(1).shape.dims)
    let axis = try self.axis(rawAxis, rank: dims.count)
    let batchDims = rawBatchDims < 0 ? rawBatchDims + indexDims.count : rawBatchDims
    guard batchDims >= 0, batchDims <= axis, batchDims <= indexDims.count,
      Array(dims[..<batchDims]) == Array(indexDims[..<batchDims])
    else {
      throw error("batch_dims \(rawBatchDims) does not fit params \(Shape(dims)), indices \(Shape(indexDims)), axis \(axis)")
    }
    let shape = try expectShape(Array(dims[..<axis]) + Array(indexDims[batchDims...]) + Array(dims[(axis + 1)...]))
    let batches = dims[..<batchDims].reduce(1, *), outer = dims[batchDims..<axis].reduce(1, *)
    let inner = dims[(axis + 1)...].reduce(1, *), coords = indexDims[batchDims...].reduce(1, *)
    var picks: [Int] = []
    picks.reserveCapacity(shape.elementCount)
    for b in 0..<batches {
      for o in 0..<outer {
        for c in 0..<coords {
          let index = indices[b * coords + c]
          guard (0..<dims[axis]).contains(index) else {
            throw error("index \(index) is outside 0..<\(dims[axis]) (axis \(axis) of params \(Shape(dims)))")
          }
          let base = ((b * outer + o) * dims[axis] + index) * inner
          picks += base..<(base + inner)
        }
      }
    }
    return [params.picking(picks, shape: shape)]
  }

  /// CONCATENATION of constants: the inputs' blocks side by side along `axis`.
  func evaluateConcatenation(axis rawAxis: Int) throws -> [TensorValue] {
    let inputs = try op.inputs.indices.map { try value($0) }
    let dims = output().shape.dims
    let axis = try self.axis(rawAxis, rank: dims.count)
    let shape = try expectShape(dims)
    let outer = dims[..<axis].reduce(1, *)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(output().byteSize)
    for o in 0..<outer {
      for input in inputs {
        guard input.shape.rank == dims.count else { throw error("inputs of different ranks") }
        let block = input.bytes.count / max(outer, 1)
        bytes += input.bytes[(o * block)..<((o + 1) * block)]
      }
    }
    guard bytes.count == output().byteSize else { throw error("inputs do not add up to the output \(shape)") }
    return [TensorValue(type: output().type, shape: shape, bytes: bytes)]
  }
}
