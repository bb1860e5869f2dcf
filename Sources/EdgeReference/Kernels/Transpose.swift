import EdgeCore

// TRANSPOSE: output axis i is input axis perm[i] (TFLM's transpose.cc). It
// moves bytes only, so one strided copy serves every type; STRIDED_SLICE
// uses the same kernel with stepped strides. A permutation that keeps the
// order of every axis longer than 1 moves no byte: it lowers to an alias,
// like RESHAPE.

func lowerTranspose(_ context: OpContext) throws -> LoweredOp {
  let (input, output) = (try context.input(0), try context.output())
  let rank = input.shape.rank
  let perm = try context.constantIntegers(1, "perm").map { $0 < 0 ? $0 + rank : $0 }
  guard perm.count == rank, Set(perm) == Set(0..<rank) else {
    throw context.error(.invalidGraph, "TRANSPOSE perm \(perm) is not a permutation of the \(rank) axes of '\(input.name)' \(input.shape)")
  }
  guard output.shape.dims == perm.map({ input.shape[$0] }) else {
    throw context.error(.invalidGraph, "TRANSPOSE of '\(input.name)' \(input.shape) by \(perm) gives \(Shape(perm.map { input.shape[$0] })), but '\(output.name)' is \(output.shape)")
  }
  try context.requireSameValues(input, output)
  let moved = perm.filter { input.shape[$0] != 1 }
  if moved == moved.sorted(), let id = context.inputID(0) {
    return .alias(opIndex: context.opIndex, input: id, output: context.op.outputs[0])
  }
  let kernel = try StridedCopyKernel(
    context, dims: output.shape.dims, strides: perm.map { input.shape.stride(ofAxis: $0) }, offset: 0,
    elementBytes: input.type.byteSize)
  return context.kernel(kernel, inputs: [context.inputID(0)])
}

/// `edgec_strided_copy`: the output, in order, from the input elements at
/// `offset + Σ index[k] · strides[k]`.
public struct StridedCopyKernel: PreparedKernel {
  public var dims: [Int32]
  public var strides: [Int32]
  public var offset: Int32
  public var elementBytes: Int32

  static let maxRank = 6

  init(_ context: OpContext, dims: [Int], strides: [Int], offset: Int, elementBytes: Int) throws {
    guard dims.count <= Self.maxRank, elementBytes > 0 else {
      throw context.error(.unsupported, "\(context.op.kind.name) with \(dims.count) axes is not supported (at most \(Self.maxRank))")
    }
    self.dims = dims.map { Int32($0) }
    self.strides = strides.map { Int32($0) }
    self.offset = Int32(offset)
    self.elementBytes = Int32(elementBytes)
  }

  public var cFunction: String { "edgec_strided_copy" }
  public var cParamsType: String { "edgec_strided_copy_params" }
  public var cFields: [NamedKernelField] {
    let pad = [Int32](repeating: 0, count: Self.maxRank - dims.count)
    return [
      NamedKernelField("rank", .int(Int32(dims.count))),
      NamedKernelField("dims", .inline(dims + pad)),
      NamedKernelField("strides", .inline(strides + pad)),
      NamedKernelField("offset", .int(offset)),
      NamedKernelField("element_bytes", .int(elementBytes)),
    ]
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0] else { return }
    let size = Int(elementBytes)
    let count = dims.reduce(1) { $0 * Int($1) }
    var bytes = [UInt8]()
    bytes.reserveCapacity(count * size)
    var index = [Int](repeating: 0, count: dims.count)
    for _ in 0..<count {
      var element = Int(offset)
      for k in dims.indices { element += index[k] * Int(strides[k]) }
      bytes += input.bytes[(element * size)..<((element + 1) * size)]
      var k = dims.count - 1
      while k >= 0 {
        index[k] += 1
        if index[k] < Int(dims[k]) { break }
        index[k] = 0
        k -= 1
      }
    }
    outputs[0] = TensorValue(type: outputs[0].type, shape: outputs[0].shape, bytes: bytes)
  }
}

extension OpContext {
  /// Constant input `i` as integers (int32 or int64, any shape, a scalar too).
  func constantIntegers(_ i: Int, _ role: String) throws -> [Int] {
    let tensor = try constantInput(i)
    let value = TensorValue(type: tensor.type, shape: tensor.shape, bytes: tensor.data ?? [])
    switch tensor.type {
    case .int32: return value.elements(as: Int32.self).map(Int.init)
    case .int64: return value.elements(as: Int64.self).map { Int(clamping: $0) }
    default:
      throw error(.invalidGraph, "\(role) '\(tensor.name)' (input \(i)) is \(tensor.type.rawValue); it must be int32 or int64")
    }
  }

  /// Data-movement operators write the input's values unchanged: the output
  /// must have the input's type and, when quantized, its scale and zero point.
  func requireSameValues(_ input: Tensor, _ output: Tensor) throws {
    guard input.type == output.type else {
      throw error(.invalidGraph, "'\(input.name)' is \(input.type.rawValue) but '\(output.name)' is \(output.type.rawValue); \(op.kind.name) does not convert")
    }
    guard input.type == .int8 || input.type == .int16 else { return }
    let (qi, qo) = (try quantization(of: input), try quantization(of: output))
    guard qi.scales == qo.scales, qi.zeroPoints == qo.zeroPoints else {
      throw error(.unsupported, "\(op.kind.name) input '\(input.name)' and output '\(output.name)' have different quantization (scale \(qi.scale) zp \(qi.zeroPoint) vs \(qo.scale) zp \(qo.zeroPoint)); edgec does not requantize in data movement")
    }
  }
}
