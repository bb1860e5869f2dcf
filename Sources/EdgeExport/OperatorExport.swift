import EdgeCore

/// An operator checked to have a TFLite form, with its BuiltinOperator code
/// and the operator version the TFLite converter gives that form.
struct ExportedOperator {
  let op: Operator
  /// `op 3 (CONV_2D)`, for messages.
  let label: String
  let location: ErrorLocation
  let code: Int32
  let version: Int32
  /// Element types of the first input and output (CAST and SHAPE restate them in their options).
  let inputType: DataType?
  let outputType: DataType?
}

/// BuiltinOperator codes of the IR kinds (schema.fbs; EdgeImport reads the same table).
private func builtinCode(_ kind: OpKind) -> Int32? {
  switch kind {
  case .add: return 0
  case .averagePool2D: return 1
  case .concatenation: return 2
  case .conv2D: return 3
  case .depthwiseConv2D: return 4
  case .dequantize: return 6
  case .fullyConnected: return 9
  case .logistic: return 14
  case .maxPool2D: return 17
  case .mul: return 18
  case .reshape: return 22
  case .softmax: return 25
  case .pad: return 34
  case .gather: return 36
  case .mean: return 40
  case .sub: return 41
  case .div: return 42
  case .squeeze: return 43
  case .stridedSlice: return 45
  case .cast: return 53
  case .maximum: return 55
  case .minimum: return 57
  case .slice: return 65
  case .expandDims: return 70
  case .shape: return 77
  case .reduceProd: return 81
  case .pack: return 83
  case .unpack: return 88
  case .floorDiv: return 90
  case .fill: return 94
  case .floorMod: return 95
  case .rank: return 110
  case .quantize: return 114
  case .transpose: return 39
  case .split: return 49
  case .neg: return 59
  case .rsqrt: return 76
  case .squaredDifference: return 99
  case .splitV: return 102
  case .hardSwish: return 117
  case .batchMatMul: return 126
  case .gelu: return 150
  case .readVariable, .assignVariable, .other: return nil
  }
}

/// Operator `index` in its TFLite form, or an error naming why it has none.
func exportForm(of graph: Graph, op index: Int) throws -> ExportedOperator {
  let op = graph.operators[index]
  let label = graph.describe(op: index)
  let location = ErrorLocation(opIndex: index, opName: op.kind.name)
  func internalForm(_ what: String, _ pass: String) -> EdgeError {
    EdgeError(
      .unsupported, "\(label) \(what), which TFLite cannot express; export before \(pass)", at: location)
  }
  switch op.options {
  case .conv2D(let o) where o.residual != nil:
    throw internalForm("carries a fused residual ADD", "fuse-residual-add")
  case .conv2D(let o) where o.explicitPadding != nil:
    throw internalForm("carries explicit padding (a folded PAD)", "fold-pad")
  case .depthwiseConv2D(let o) where o.explicitPadding != nil:
    throw internalForm("carries explicit padding (a folded PAD)", "fold-pad")
  case .depthwiseConv2D(let o) where o.inPlace:
    throw internalForm("runs in place (channel by channel)", "depthwise-in-place")
  default:
    break
  }
  if op.kind == .readVariable || op.kind == .assignVariable {
    // The variable tensor is the handle (VariableExport.swift); no options.
    return ExportedOperator(
      op: op, label: label, location: location, code: op.kind == .readVariable ? readVariableCode : assignVariableCode,
      version: 1, inputType: nil, outputType: nil)
  }
  guard let code = builtinCode(op.kind) else {
    throw EdgeError(
      .unsupported,
      "\(label) is an operator edgec does not implement; its options were never read, so it cannot be written back",
      at: location)
  }
  let inputType = op.inputs.first.flatMap { $0 }.map { graph.tensors[$0].type }
  let outputType = op.outputs.first.map { graph.tensors[$0].type }
  return ExportedOperator(
    op: op, label: label, location: location, code: code, version: version(of: op, inputType: inputType), inputType: inputType,
    outputType: outputType)
}

/// The version the TFLite converter records (lite/tools/versioning): int8
/// kernels came after the float ones. Runtimes look kernels up by (code,
/// version), and every version here is one LiteRT's and TFLM's resolvers register.
private func version(of op: Operator, inputType: DataType?) -> Int32 {
  let int8 = inputType == .int8
  switch op.kind {
  case .conv2D, .depthwiseConv2D:
    if int8 { return 3 }
    if case .depthwiseConv2D(let o) = op.options, o.dilationH != 1 || o.dilationW != 1 { return 2 }
    return 1
  case .fullyConnected:
    if case .fullyConnected(let o) = op.options, o.keepNumDims { return 5 }
    return int8 ? 4 : 1
  case .add, .mul, .averagePool2D, .maxPool2D, .softmax, .concatenation, .pad, .logistic, .mean, .slice,
    .dequantize, .quantize:
    return int8 ? 2 : 1
  default:
    return 1
  }
}

/// The model's `operator_codes`: one entry per distinct (code, version), in
/// order of first use, and each operator's index into it.
struct OpcodeTable {
  struct Code: Hashable {
    let builtin: Int32
    let version: Int32
  }
  private(set) var codes: [Code] = []
  private(set) var index: [UInt32] = []

  init(_ operators: [ExportedOperator]) {
    var positions: [Code: UInt32] = [:]
    for op in operators {
      let code = Code(builtin: op.code, version: op.version)
      if positions[code] == nil {
        positions[code] = UInt32(codes.count)
        codes.append(code)
      }
      index.append(positions[code] ?? 0)
    }
  }
}

/// Writes one Operator table (its options table first, as tables cannot nest).
func writeOperator(
  _ exported: ExportedOperator, opcodeIndex: UInt32, into builder: inout FlatBufferBuilder
) throws -> FlatBufferBuilder.Offset {
  let op = exported.op
  let options = try writeOptions(exported, into: &builder)
  let inputs = builder.vector(op.inputs.map { $0.map { Int32(truncatingIfNeeded: $0) } ?? -1 })
  let outputs = builder.vector(op.outputs.map { Int32(truncatingIfNeeded: $0) })
  builder.startTable()
  builder.add(0, opcodeIndex, default: 0)
  builder.add(1, inputs)
  builder.add(2, outputs)
  if let options {
    builder.add(3, options.type, default: 0)  // builtin_options_type
    builder.add(4, options.table)
  }
  return builder.endTable()
}
