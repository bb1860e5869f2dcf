import EdgeCore

/// Reads the builtin options of an operator edgec implements. Absent fields
/// take schema.fbs's defaults, including its zero strides and filter sizes,
/// which the verifier then rejects with a message naming the operator; an
/// absent options table means every field is at its default. Options of
/// operators edgec does not implement are not read (`.none`).
func readOptions(of op: OperatorTable, kind: OpKind, label: String) throws -> OperatorOptions {
  let (type, table) = try op.builtinOptions
  let reader = OptionsReader(table: table, label: label)

  /// The options table, checked to be the union member `kind` expects.
  func expect(_ expected: UInt8, _ name: String) throws {
    guard type == 0 || type == expected else {
      throw EdgeError(
        .malformedModel,
        "\(label) carries builtin options of union type \(type), expected \(expected) (\(name))",
        at: ErrorLocation(byteOffset: op.table.position))
    }
  }

  switch kind {
  case .conv2D:
    try expect(BuiltinOptionsType.conv2D, "Conv2DOptions")
    return .conv2D(
      Conv2DOptions(
        padding: try reader.padding(4), strideH: try reader.int(8, "stride_h"),
        strideW: try reader.int(6, "stride_w"), dilationH: try reader.int(14, "dilation_h_factor", default: 1),
        dilationW: try reader.int(12, "dilation_w_factor", default: 1), activation: try reader.activation(10)))
  case .depthwiseConv2D:
    try expect(BuiltinOptionsType.depthwiseConv2D, "DepthwiseConv2DOptions")
    return .depthwiseConv2D(
      DepthwiseConv2DOptions(
        padding: try reader.padding(4), strideH: try reader.int(8, "stride_h"),
        strideW: try reader.int(6, "stride_w"), dilationH: try reader.int(16, "dilation_h_factor", default: 1),
        dilationW: try reader.int(14, "dilation_w_factor", default: 1),
        depthMultiplier: try reader.int(10, "depth_multiplier"), activation: try reader.activation(12)))
  case .fullyConnected:
    try expect(BuiltinOptionsType.fullyConnected, "FullyConnectedOptions")
    let weightsFormat = try reader.scalar(6, "weights_format", default: Int8(0))
    guard weightsFormat == 0 else {
      throw EdgeError(
        .unsupported,
        "\(label) uses weights format \(weightsFormat == 1 ? "SHUFFLED4x16INT8" : String(weightsFormat)); "
          + "edgec supports only the DEFAULT weights format", at: ErrorLocation(byteOffset: op.table.position))
    }
    if try reader.bool(10, "asymmetric_quantize_inputs") {
      throw EdgeError(
        .unsupported,
        "\(label) asks for asymmetric_quantize_inputs (hybrid quantization), which edgec does not support",
        at: ErrorLocation(byteOffset: op.table.position))
    }
    return .fullyConnected(
      FullyConnectedOptions(activation: try reader.activation(4), keepNumDims: try reader.bool(8, "keep_num_dims")))
  case .averagePool2D, .maxPool2D:
    try expect(BuiltinOptionsType.pool2D, "Pool2DOptions")
    return .pool2D(
      Pool2DOptions(
        padding: try reader.padding(4), strideH: try reader.int(8, "stride_h"),
        strideW: try reader.int(6, "stride_w"), filterH: try reader.int(12, "filter_height"),
        filterW: try reader.int(10, "filter_width"), activation: try reader.activation(14)))
  case .add:
    try expect(BuiltinOptionsType.add, "AddOptions")
    return .activation(try reader.activation(4))
  case .mul:
    try expect(BuiltinOptionsType.mul, "MulOptions")
    return .activation(try reader.activation(4))
  case .reshape:
    try expect(BuiltinOptionsType.reshape, "ReshapeOptions")
    let newShape = try table?.vector(4, elementSize: 4, "\(label) new_shape")
    return .reshape(newShape: newShape.map { $0.elements(as: Int32.self).map(Int.init) })
  case .softmax:
    try expect(BuiltinOptionsType.softmax, "SoftmaxOptions")
    return .softmax(beta: try table?.float(4, default: 0, "\(label) beta") ?? 0)
  case .concatenation:
    try expect(BuiltinOptionsType.concatenation, "ConcatenationOptions")
    return .concatenation(axis: try reader.int(4, "axis"), activation: try reader.activation(6))
  case .mean, .reduceProd:
    try expect(BuiltinOptionsType.reducer, "ReducerOptions")
    return .reducer(keepDims: try reader.bool(4, "keep_dims"))
  case .sub:
    try expect(BuiltinOptionsType.sub, "SubOptions")
    return .activation(try reader.activation(4))
  case .div:
    try expect(BuiltinOptionsType.div, "DivOptions")
    return .activation(try reader.activation(4))
  case .batchMatMul:
    try expect(BuiltinOptionsType.batchMatMul, "BatchMatMulOptions")
    if try reader.bool(8, "asymmetric_quantize_inputs") {
      throw EdgeError(
        .unsupported,
        "\(label) asks for asymmetric_quantize_inputs (hybrid quantization), which edgec does not support",
        at: ErrorLocation(byteOffset: op.table.position))
    }
    return .batchMatMul(adjX: try reader.bool(4, "adj_x"), adjY: try reader.bool(6, "adj_y"))
  case .split:
    try expect(BuiltinOptionsType.split, "SplitOptions")
    return .split(count: try reader.int(4, "num_splits"))
  case .splitV:
    try expect(BuiltinOptionsType.splitV, "SplitVOptions")
    return .split(count: try reader.int(4, "num_splits"))
  case .gelu:
    try expect(BuiltinOptionsType.gelu, "GeluOptions")
    return .gelu(approximate: try reader.bool(4, "approximate"))
  case .stridedSlice, .pack, .unpack, .gather, .squeeze:
    return try readShapeOptions(kind: kind, reader: reader, expect: expect)
  // SHAPE's out_type and CAST's types restate the tensors' types, which
  // TFLite's kernels (and FoldConstants) go by; RANK, SLICE, EXPAND_DIMS,
  // FILL, FLOOR_DIV, FLOOR_MOD, MAXIMUM and MINIMUM have no options to read.
  case .pad, .logistic, .quantize, .dequantize, .shape, .rank, .slice, .cast, .expandDims, .fill, .floorDiv,
    .floorMod, .maximum, .minimum, .other:
    return .none
  // TRANSPOSE's permutation is its second input; NEG, RSQRT,
  // SQUARED_DIFFERENCE and HARD_SWISH have empty option tables.
  case .transpose, .neg, .rsqrt, .squaredDifference, .hardSwish:
    return .none
  // Set by the resource-variable import (ResourceVariables.swift), never read here.
  case .readVariable, .assignVariable:
    return .none
  }
}

/// The options of the compile-time shape operators.
private func readShapeOptions(
  kind: OpKind, reader: OptionsReader, expect: (UInt8, String) throws -> Void
) throws -> OperatorOptions {
  switch kind {
  case .stridedSlice:
    try expect(BuiltinOptionsType.stridedSlice, "StridedSliceOptions")
    return .stridedSlice(
      StridedSliceOptions(
        beginMask: try reader.int(4, "begin_mask"), endMask: try reader.int(6, "end_mask"),
        ellipsisMask: try reader.int(8, "ellipsis_mask"), newAxisMask: try reader.int(10, "new_axis_mask"),
        shrinkAxisMask: try reader.int(12, "shrink_axis_mask"), offset: try reader.bool(14, "offset")))
  case .pack:
    try expect(BuiltinOptionsType.pack, "PackOptions")
    return .pack(axis: try reader.int(6, "axis"), count: try reader.int(4, "values_count"))
  case .unpack:
    try expect(BuiltinOptionsType.unpack, "UnpackOptions")
    return .unpack(axis: try reader.int(6, "axis"), count: try reader.int(4, "num"))
  case .gather:
    try expect(BuiltinOptionsType.gather, "GatherOptions")
    return .gather(axis: try reader.int(4, "axis"), batchDims: try reader.int(6, "batch_dims"))
  default:
    try expect(BuiltinOptionsType.squeeze, "SqueezeOptions")
    let dims = try reader.table?.vector(4, elementSize: 4, "\(reader.label) squeeze_dims")
    return .squeeze(dims: dims.map { $0.elements(as: Int32.self).map(Int.init) } ?? [])
  }
}

/// Field reads of one options table that fall back to the schema default when
/// the table or the field is absent.
private struct OptionsReader {
  let table: Table?
  let label: String

  func scalar<T: FixedWidthInteger>(_ slot: Int, _ field: String, default value: T) throws -> T {
    try table?.scalar(slot, default: value, "\(label) \(field)") ?? value
  }

  func int(_ slot: Int, _ field: String, default value: Int32 = 0) throws -> Int {
    Int(try scalar(slot, field, default: value))
  }

  func bool(_ slot: Int, _ field: String) throws -> Bool {
    try table?.bool(slot, "\(label) \(field)") ?? false
  }

  func padding(_ slot: Int) throws -> Padding {
    switch try scalar(slot, "padding", default: Int8(0)) {
    case 0: return .same
    case 1: return .valid
    case let value: throw malformed("padding \(value) is neither SAME (0) nor VALID (1)", slot)
    }
  }

  /// The fused activation. TANH and SIGN_BIT are valid in the schema but no
  /// TFLite kernel of these operators applies them, so they are rejected here
  /// rather than silently dropped.
  func activation(_ slot: Int) throws -> FusedActivation {
    switch try scalar(slot, "fused_activation_function", default: Int8(0)) {
    case 0: return .none
    case 1: return .relu
    case 2: return .reluN1To1
    case 3: return .relu6
    case 4: throw unsupported("fused activation TANH")
    case 5: throw unsupported("fused activation SIGN_BIT")
    case let value: throw malformed("fused_activation_function \(value) is not a known activation", slot)
    }
  }

  private func position(_ slot: Int) -> Int? {
    guard let table else { return nil }
    return (try? table.fieldPosition(slot, size: 1, "")) ?? nil
  }

  private func malformed(_ message: String, _ slot: Int) -> EdgeError {
    EdgeError(.malformedModel, "\(label): \(message)", at: ErrorLocation(byteOffset: position(slot)))
  }

  private func unsupported(_ what: String) -> EdgeError {
    EdgeError(.unsupported, "\(label) uses \(what), which edgec does not support on this operator")
  }
}
