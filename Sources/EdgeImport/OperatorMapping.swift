import EdgeCore

/// One entry of the model's `operator_codes`, resolved to an IR kind.
struct Opcode {
  let code: Int32
  let kind: OpKind
}

/// BuiltinOperator codes edgec gives a name in the IR.
private let supportedKinds: [Int32: OpKind] = [
  0: .add, 1: .averagePool2D, 2: .concatenation, 3: .conv2D, 4: .depthwiseConv2D, 6: .dequantize,
  9: .fullyConnected, 14: .logistic, 17: .maxPool2D, 18: .mul, 22: .reshape, 25: .softmax, 34: .pad,
  40: .mean, 65: .slice, 114: .quantize,
  // Transformer operators (issue 6).
  39: .transpose, 49: .split, 59: .neg, 76: .rsqrt, 99: .squaredDifference, 102: .splitV, 117: .hardSwish,
  126: .batchMatMul, 150: .gelu,
  // Compile-time only: evaluated by FoldConstants on constants and static shapes.
  36: .gather, 41: .sub, 42: .div, 43: .squeeze, 45: .stridedSlice, 53: .cast, 55: .maximum, 57: .minimum,
  70: .expandDims, 77: .shape, 81: .reduceProd, 83: .pack, 88: .unpack, 90: .floorDiv,
  94: .fill, 95: .floorMod, 110: .rank,
]

let customOperatorCode: Int32 = 32
let callOnceOperatorCode: Int32 = 129

/// Decodes `operator_codes`. The real code is the larger of the two fields:
/// old files only have the int8 `deprecated_builtin_code`; new ones put codes
/// above 127 in `builtin_code` and 127 in the deprecated field.
func readOpcodes(_ model: ModelTable) throws -> [Opcode] {
  guard let vector = try model.operatorCodes else { return [] }
  return try vector.indices.map { index in
    let what = "operator code \(index)"
    let table = OperatorCodeTable(table: try vector.table(index, what), what: what)
    let code = max(Int32(try table.deprecatedBuiltinCode), try table.builtinCode)
    if let kind = supportedKinds[code] { return Opcode(code: code, kind: kind) }
    if code == customOperatorCode {
      return Opcode(code: code, kind: .other("CUSTOM(\(try table.customCode ?? ""))"))
    }
    let name = builtinOperatorNames.indices.contains(Int(code))
      ? builtinOperatorNames[Int(code)] : "UNKNOWN_BUILTIN(\(code))"
    return Opcode(code: code, kind: .other(name))
  }
}

/// Maps one `Operator` table: opcode, tensor references and builtin options.
func readOperator(_ table: Table, index: Int, opcodes: [Opcode], tensorCount: Int) throws -> Operator {
  let op = OperatorTable(table: table, what: "op \(index)")
  let opcodeIndex = Int(try op.opcodeIndex)
  guard opcodeIndex < opcodes.count else {
    throw EdgeError(
      .malformedModel,
      "op \(index) uses operator code \(opcodeIndex), but the model has \(opcodes.count) operator codes",
      at: ErrorLocation(byteOffset: table.position, opIndex: index))
  }
  let kind = opcodes[opcodeIndex].kind
  let label = "op \(index) (\(kind.name))"
  let location = ErrorLocation(byteOffset: table.position, opIndex: index, opName: kind.name)
  let labelled = OperatorTable(table: table, what: label)
  return try located(location) {
    func tensorIDs(_ vector: Vector?, role: String, optionalAllowed: Bool) throws -> [TensorID?] {
      guard let vector else { return [] }
      return try vector.elements(as: Int32.self).enumerated().map { position, raw in
        if raw == -1 && optionalAllowed { return nil }
        guard raw >= 0, Int(raw) < tensorCount else {
          throw EdgeError(
            .malformedModel,
            "\(label): \(role) \(position) refers to tensor \(raw), but the subgraph has \(tensorCount) "
              + "tensors" + (optionalAllowed ? "" : " (outputs cannot be absent)"),
            at: ErrorLocation(byteOffset: vector.start + position * 4))
        }
        return Int(raw)
      }
    }
    let inputs = try tensorIDs(try labelled.inputs, role: "input", optionalAllowed: true)
    let outputs = try tensorIDs(try labelled.outputs, role: "output", optionalAllowed: false)
      .compactMap { $0 }
    let options = try readOptions(of: labelled, kind: kind, label: label)
    return Operator(kind: kind, inputs: inputs, outputs: outputs, options: options)
  }
}

/// The subgraph a CALL_ONCE operator runs (its CallOnceOptions.init_subgraph_index).
func callOnceTarget(_ table: Table, label: String) throws -> Int? {
  let options = try OperatorTable(table: table, what: label).builtinOptions
  guard options.type == BuiltinOptionsType.callOnce, let options = options.table else { return nil }
  return Int(try options.scalar(4, default: Int32(0), "\(label) init_subgraph_index"))
}
