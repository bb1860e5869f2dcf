/// Checks of the compile-time operators (`OpKind.isCompileTimeOnly`) and
/// SLICE: arity and element types only. Their values, and so the shapes they compute,
/// are known once FoldConstants evaluates them, which checks each computed
/// shape against the one the model stores; until then the stored shapes are
/// taken as they are.
extension OperatorVerifier {
  func verifyCompileTimeOperator() throws {
    switch op.kind {
    case .shape, .rank:
      try arity(inputs: 1...1)
      let out = output()
      try type(out, [.int32, .int64])
      try rank(out, op.kind == .shape ? 1 : 0)
    case .stridedSlice:
      guard case .stridedSlice = op.options else { throw failure("has no StridedSliceOptions") }
      try arity(inputs: 4...4)
      try sameType(try input(0, "input"), output())
      try indexVectors([try input(1, "begin"), try input(2, "end"), try input(3, "strides")])
    case .slice:
      try arity(inputs: 3...3)
      try sameType(try input(0, "input"), output())
      try indexVectors([try input(1, "begin"), try input(2, "size")])
    case .pack: try verifyPack()
    case .unpack: try verifyUnpack()
    case .gather:
      guard case .gather = op.options else { throw failure("has no GatherOptions") }
      try arity(inputs: 2...2)
      try sameType(try input(0, "params"), output())
      try type(try input(1, "indices"), [.int16, .int32, .int64])
    case .reduceProd:
      guard case .reducer = op.options else { throw failure("has no ReducerOptions") }
      try arity(inputs: 2...2)
      try sameType(try input(0, "input"), output())
      try type(try input(1, "axis"), [.int32, .int64])
    case .cast:
      try arity(inputs: 1...1)
    case .squeeze:
      guard case .squeeze = op.options else { throw failure("has no SqueezeOptions") }
      try arity(inputs: 1...1)
      try sameType(try input(0, "input"), output())
    case .expandDims:
      try arity(inputs: 2...2)
      try sameType(try input(0, "input"), output())
      try type(try input(1, "axis"), [.int32, .int64])
    case .fill:
      try arity(inputs: 2...2)
      let dims = try input(0, "dims")
      try type(dims, [.int32, .int64])
      try rank(dims, 1)
      try sameType(try input(1, "value"), output())
    case .sub, .div, .floorDiv, .floorMod, .maximum, .minimum:
      try arity(inputs: 2...2)
      let a = try input(0, "input 0")
      try sameType(a, try input(1, "input 1"))
      try sameType(a, output())
    default:
      return
    }
  }

  /// PACK: `count` inputs of one shape and the output's type.
  private func verifyPack() throws {
    guard case .pack(_, let count) = op.options else { throw failure("has no PackOptions") }
    guard count >= 1, count == op.inputs.count else {
      throw failure("values_count is \(count), but the operator has \(op.inputs.count) inputs")
    }
    try arity(inputs: count...count)
    let out = output()
    let first = try input(0, "input 0")
    for i in op.inputs.indices {
      let operand = try input(i, "input \(i)")
      try sameType(out, operand)
      try sameShape(first, operand)
    }
  }

  /// UNPACK: one input split into `count` outputs of its type.
  private func verifyUnpack() throws {
    guard case .unpack(_, let count) = op.options else { throw failure("has no UnpackOptions") }
    guard count >= 1, count == op.outputs.count else {
      throw failure("num is \(count), but the operator has \(op.outputs.count) outputs")
    }
    try arity(inputs: 1...1, outputs: count)
    let input = try input(0, "input")
    for i in op.outputs.indices { try sameType(input, output(i)) }
  }

  /// Begin/end/strides-style operands: int32 or int64 vectors of one length.
  private func indexVectors(_ operands: [Operand]) throws {
    for operand in operands {
      try type(operand, [.int32, .int64])
      try rank(operand, 1)
      try sameShape(operands[0], operand)
    }
  }
}
