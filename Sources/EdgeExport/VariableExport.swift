import EdgeCore
import EdgeImport

// Stateful graphs (Graph.variables) back in TFLite's form, the inverse of
// EdgeImport's ResourceVariables.swift: each variable tensor is written as
// a RESOURCE handle (shape [], no buffer) that a VAR_HANDLE at the start of
// subgraph 0 produces, after a CALL_ONCE of subgraph 1; subgraph 1 holds,
// per variable, a VAR_HANDLE of the same shared_name and an ASSIGN_VARIABLE
// of a constant with the initial value. READ_VARIABLE and ASSIGN_VARIABLE
// keep their inputs (the variable tensor is the handle). Importing the file
// gives back the same graph.

let callOnceCode: Int32 = 129
let varHandleCode: Int32 = 142
let readVariableCode: Int32 = 143
let assignVariableCode: Int32 = 144
private let resourceTypeCode: Int8 = 13
private let callOnceOptionsType: UInt8 = 103
private let varHandleOptionsType: UInt8 = 111

/// The operators subgraph 0 starts with: CALL_ONCE(1), then one VAR_HANDLE
/// per variable, producing the variable's tensor.
func variablePrologue(_ graph: Graph) -> [ExportedOperator] {
  guard graph.isStateful else { return [] }
  func synthetic(_ name: String, _ code: Int32, outputs: [TensorID]) -> ExportedOperator {
    ExportedOperator(
      op: Operator(kind: .other(name), inputs: [], outputs: outputs), label: name, location: ErrorLocation(),
      code: code, version: 1, inputType: nil, outputType: nil)
  }
  return [synthetic("CALL_ONCE", callOnceCode, outputs: [])]
    + graph.variables.map { synthetic("VAR_HANDLE", varHandleCode, outputs: [$0.tensor]) }
}

/// The init subgraph's operators, for the opcode table (their order there).
func initialiserOperators(_ graph: Graph) -> [ExportedOperator] {
  graph.variables.flatMap { _ in
    [varHandleCode, assignVariableCode].map { code in
      ExportedOperator(
        op: Operator(kind: .other(""), inputs: [], outputs: []), label: "", location: ErrorLocation(), code: code,
        version: 1, inputType: nil, outputType: nil)
    }
  }
}

/// Writes a prologue operator (its options included).
func writePrologueOperator(
  _ exported: ExportedOperator, variable: StateVariable?, opcodeIndex: UInt32, into builder: inout FlatBufferBuilder
) -> FlatBufferBuilder.Offset {
  let options: (UInt8, FlatBufferBuilder.Offset)
  if let variable {
    options = (varHandleOptionsType, varHandleOptions(variable.name, into: &builder))
  } else {
    builder.startTable()
    builder.add(0, Int32(1), default: 0)  // init_subgraph_index
    options = (callOnceOptionsType, builder.endTable())
  }
  return operatorTable(
    opcodeIndex: opcodeIndex, inputs: [], outputs: exported.op.outputs.map { Int32($0) }, options: options,
    into: &builder)
}

/// A RESOURCE handle tensor: what a variable's tensor is in the file.
func writeHandleTensor(name: String, into builder: inout FlatBufferBuilder) -> FlatBufferBuilder.Offset {
  let shape = builder.vector([Int32]())
  let nameOffset = builder.string(name)
  builder.startTable()
  builder.add(0, shape)
  builder.add(1, resourceTypeCode, default: 0)
  builder.add(3, nameOffset)
  return builder.endTable()
}

/// Subgraph 1: per variable a handle and its initial constant (buffer
/// `firstBuffer + k`), VAR_HANDLE → ASSIGN_VARIABLE. `opcodeIndex` maps a
/// builtin code to its entry in the model's operator codes.
func writeInitialiserSubgraph(
  _ graph: Graph, firstBuffer: Int, opcodeIndex: (Int32) -> UInt32, into builder: inout FlatBufferBuilder
) throws -> FlatBufferBuilder.Offset {
  var tensors: [FlatBufferBuilder.Offset] = []
  var operators: [FlatBufferBuilder.Offset] = []
  for (k, variable) in graph.variables.enumerated() {
    var value = graph.tensors[variable.tensor]
    value.isVariable = false
    value.name = variable.name + "/initial"
    tensors.append(writeHandleTensor(name: variable.name, into: &builder))
    tensors.append(try writeTensor(value, id: variable.tensor, buffer: firstBuffer + k, into: &builder))
    let handle = Int32(2 * k), constant = Int32(2 * k + 1)
    let options = varHandleOptions(variable.name, into: &builder)
    operators.append(operatorTable(
      opcodeIndex: opcodeIndex(varHandleCode), inputs: [], outputs: [handle],
      options: (varHandleOptionsType, options), into: &builder))
    operators.append(operatorTable(
      opcodeIndex: opcodeIndex(assignVariableCode), inputs: [handle, constant], outputs: [], options: nil,
      into: &builder))
  }
  let tensorVector = builder.vector(tensors)
  let inputs = builder.vector([Int32]())
  let outputs = builder.vector([Int32]())
  let operatorVector = builder.vector(operators)
  let name = builder.string("init")
  builder.startTable()
  builder.add(0, tensorVector)
  builder.add(1, inputs)
  builder.add(2, outputs)
  builder.add(3, operatorVector)
  builder.add(4, name)
  return builder.endTable()
}

private func varHandleOptions(_ sharedName: String, into builder: inout FlatBufferBuilder) -> FlatBufferBuilder.Offset {
  let container = builder.string("")
  let name = builder.string(sharedName)
  builder.startTable()
  builder.add(0, container)
  builder.add(1, name)
  return builder.endTable()
}

private func operatorTable(
  opcodeIndex: UInt32, inputs: [Int32], outputs: [Int32], options: (UInt8, FlatBufferBuilder.Offset)?,
  into builder: inout FlatBufferBuilder
) -> FlatBufferBuilder.Offset {
  let inputVector = builder.vector(inputs)
  let outputVector = builder.vector(outputs)
  builder.startTable()
  builder.add(0, opcodeIndex, default: 0)
  builder.add(1, inputVector)
  builder.add(2, outputVector)
  if let (type, table) = options {
    builder.add(3, type, default: 0)
    builder.add(4, table)
  }
  return builder.endTable()
}
