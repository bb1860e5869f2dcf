import EdgeCore

// PAD (and PADV2's constant, when an importer hands it over as a third input):
// TFLM's reference Pad. The kernel moves element bytes and never looks at
// their type: int8 pads with the output zero point (the quantized 0.0),
// float32, int16 and int32 with zeros, unless a constant value is given.

func lowerPad(_ context: OpContext) throws -> LoweredOp {
  let input = try context.input(0)
  let paddings = try context.constantInput(1)
  let output = try context.output()
  guard input.type == output.type else {
    throw context.error(.invalidGraph, "input '\(input.name)' is \(input.type.rawValue) but output '\(output.name)' is \(output.type.rawValue)")
  }
  guard [.int8, .int16, .int32, .float32].contains(input.type) else {
    throw context.error(.unsupported, "PAD of \(input.type.rawValue) tensor '\(input.name)' is not supported (int8, int16, int32, float32)")
  }
  let rank = input.shape.rank
  guard rank <= PadKernel.maxRank else {
    throw context.error(.unsupported, "PAD of rank-\(rank) tensor '\(input.name)'; edgec supports up to rank \(PadKernel.maxRank)")
  }
  let amounts = try padAmounts(paddings, rank: rank, context: context)
  let expected = (0..<rank).map { input.shape[$0] + amounts[2 * $0] + amounts[2 * $0 + 1] }
  guard output.shape.dims == expected else {
    throw context.error(.invalidGraph, "output '\(output.name)' is \(output.shape), padding \(input.shape) by \(paddings.name) gives \(Shape(expected))")
  }
  let padValue = try padBits(context: context, input: input, output: output)
  let kernel = PadKernel(
    elementSize: input.type.byteSize, inputDims: input.shape.dims,
    before: (0..<rank).map { amounts[2 * $0] }, after: (0..<rank).map { amounts[2 * $0 + 1] },
    padValue: padValue)
  return context.kernel(kernel, inputs: [context.inputID(0)])
}

/// The [rank, 2] paddings as before/after pairs, from int32 or int64 data.
private func padAmounts(_ paddings: Tensor, rank: Int, context: OpContext) throws -> [Int] {
  guard paddings.shape.dims == [rank, 2] || (rank == 0 && paddings.elementCount == 0) else {
    throw context.error(.invalidGraph, "paddings '\(paddings.name)' must be [\(rank), 2], got \(paddings.shape)")
  }
  let value = TensorValue(type: paddings.type, shape: paddings.shape, bytes: paddings.data ?? [])
  let amounts: [Int]
  switch paddings.type {
  case .int32: amounts = value.elements(as: Int32.self).map(Int.init)
  case .int64:
    let wide = value.elements(as: Int64.self)
    guard wide.allSatisfy({ (0...Int64(Int32.max)).contains($0) }) else {
      throw context.error(.invalidGraph, "paddings '\(paddings.name)' hold values outside [0, 2^31)")
    }
    amounts = wide.map { Int($0) }
  default:
    throw context.error(.unsupported, "paddings '\(paddings.name)' are \(paddings.type.rawValue); expected int32 or int64")
  }
  guard amounts.allSatisfy({ $0 >= 0 }) else {
    throw context.error(.invalidGraph, "paddings '\(paddings.name)' hold a negative amount \(amounts)")
  }
  return amounts
}

/// The pad element's bit pattern, in the low bytes.
private func padBits(context: OpContext, input: Tensor, output: Tensor) throws -> UInt32 {
  if context.inputID(2) != nil {
    let constant = try context.constantInput(2)
    guard constant.type == input.type, constant.elementCount == 1, let data = constant.data else {
      throw context.error(.invalidGraph, "constant_values '\(constant.name)' must be one \(input.type.rawValue) element")
    }
    return data.prefix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
  }
  if input.type == .int8 {
    return UInt32(UInt8(bitPattern: Int8(try context.int8ZeroPoint(output))))
  }
  return 0
}

/// `edgec_pad`: copies the input into the middle of the output and fills the
/// rest with the pad element, row by row along the last axis.
struct PadKernel: PreparedKernel {
  static let maxRank = 6  // EDGEC_MAX_DIMS
  var elementSize: Int
  var inputDims: [Int], before: [Int], after: [Int]
  var padValue: UInt32

  var cFunction: String { "edgec_pad" }
  var cParamsType: String { "edgec_pad_params" }
  var cFields: [NamedKernelField] {
    func array(_ values: [Int]) -> KernelField {
      .inline((values + Array(repeating: 0, count: Self.maxRank - values.count)).map { Int32($0) })
    }
    return [
      NamedKernelField("rank", .int(Int32(inputDims.count))), NamedKernelField("element_size", .int(Int32(elementSize))),
      NamedKernelField("input_dims", array(inputDims)), NamedKernelField("before", array(before)),
      NamedKernelField("after", array(after)), NamedKernelField("pad_value", .uint(padValue)),
    ]
  }

  func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs.first ?? nil, !outputs.isEmpty else { return }
    let rank = inputDims.count
    if rank == 0 {
      outputs[0].bytes = input.bytes
      return
    }
    let padElement = (0..<elementSize).map { UInt8(truncatingIfNeeded: padValue >> (8 * UInt32($0))) }
    let outDims = (0..<rank).map { inputDims[$0] + before[$0] + after[$0] }
    let inner = inputDims[rank - 1] * elementSize
    var out: [UInt8] = []
    out.reserveCapacity(outDims.reduce(1, *) * elementSize)
    func fill(_ count: Int) {
      for _ in 0..<count { out.append(contentsOf: padElement) }
    }
    // Walk the output rows (all axes but the last) in row-major order.
    let rows = outDims.dropLast().reduce(1, *)
    var coord = [Int](repeating: 0, count: rank)
    for _ in 0..<rows {
      var inside = true
      var inputRow = 0
      for axis in 0..<(rank - 1) {
        let i = coord[axis] - before[axis]
        if i < 0 || i >= inputDims[axis] { inside = false }
        inputRow = inputRow * inputDims[axis] + i
      }
      if inside {
        fill(before[rank - 1])
        out.append(contentsOf: input.bytes[(inputRow * inner)..<((inputRow + 1) * inner)])
        fill(after[rank - 1])
      } else {
        fill(outDims[rank - 1])
      }
      var axis = rank - 2
      while axis >= 0 {
        coord[axis] += 1
        if coord[axis] < outDims[axis] { break }
        coord[axis] = 0
        axis -= 1
      }
    }
    outputs[0].bytes = out
  }
}
