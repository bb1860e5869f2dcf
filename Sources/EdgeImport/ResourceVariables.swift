import EdgeCore

// TFLite resource variables → EdgeCore state (StateVariable.swift).
//
// The converter emits a stateful model as two subgraphs: the main one starts
// with CALL_ONCE(init_subgraph_index), which runs the initialiser subgraph on
// the first invoke; that subgraph is VAR_HANDLE + ASSIGN_VARIABLE of a
// constant. In the main subgraph VAR_HANDLE yields a RESOURCE handle that
// READ_VARIABLE and ASSIGN_VARIABLE take. Handles in either subgraph name
// the same variable by (container, shared_name).
//
// The import turns this into plain data flow: each variable becomes one
// tensor (the first main-subgraph handle tensor, retyped to the variable's
// type, shape and quantization — those of its initial value — with
// `isVariable`), CALL_ONCE and VAR_HANDLE disappear, READ_VARIABLE and
// ASSIGN_VARIABLE take the variable tensor instead of the handle, and the
// initialiser's constant becomes the variable's initial value. Whatever else
// an initialiser does is unsupported and named.

let varHandleOperatorCode: Int32 = 142
let readVariableOperatorCode: Int32 = 143
let assignVariableOperatorCode: Int32 = 144
private let resourceTypeCode: Int8 = 13
private let varHandleOptionsType: UInt8 = 111
private let variableCodes: Set<Int32> = [
  callOnceOperatorCode, varHandleOperatorCode, readVariableOperatorCode, assignVariableOperatorCode,
]

/// The variables of a model and how its main subgraph refers to them.
struct ResourceVariables {
  /// Main-subgraph handle tensor → index into `variables`.
  private var handles: [Int: Int] = [:]
  /// In order of the main subgraph's first VAR_HANDLE of each.
  private(set) var variables: [(key: String, name: String, tensor: TensorID, value: Tensor)] = []

  /// Whether `codes` (the main subgraph's operator codes) use variables at all.
  static func needed(_ codes: [Int32]) -> Bool { codes.contains(where: variableCodes.contains) }

  /// Reads the handles of the main subgraph (`mainOps`, with their codes) and
  /// the initial values the CALL_ONCE initialisers assign.
  init(
    mainOps: Vector, codes: [Int32], subgraphs: Vector, opcodes: [Opcode], mapper: inout TensorMapper
  ) throws {
    var initial: [String: Tensor] = [:]
    for (index, code) in codes.enumerated() where code == callOnceOperatorCode {
      let label = "op \(index) (CALL_ONCE)"
      let table = try mainOps.table(index, label)
      guard let target = try callOnceTarget(table, label: label), target > 0, target < subgraphs.count else {
        throw EdgeError(
          .malformedModel, "\(label) names no initialiser subgraph between 1 and \(subgraphs.count - 1)",
          at: ErrorLocation(byteOffset: table.position, opIndex: index, opName: "CALL_ONCE"))
      }
      try readInitialiser(target, subgraphs: subgraphs, opcodes: opcodes, mapper: &mapper, into: &initial)
    }
    for (index, code) in codes.enumerated() where code == varHandleOperatorCode {
      let table = try mainOps.table(index, "op \(index)")
      let label = "op \(index) (VAR_HANDLE)"
      let (key, name) = try variableKey(table, label: label)
      guard let handle = try OperatorTable(table: table, what: label).outputs?.elements(as: Int32.self).first
      else {
        throw EdgeError(
          .malformedModel, "\(label) has no output",
          at: ErrorLocation(byteOffset: table.position, opIndex: index, opName: "VAR_HANDLE"))
      }
      guard let value = initial[key] else {
        throw EdgeError(
          .unsupported,
          "\(label): variable '\(name)' has no initial value (no CALL_ONCE initialiser assigns it a constant); "
            + "edgec needs one to know what `<model>_reset` restores",
          at: ErrorLocation(byteOffset: table.position, opIndex: index, opName: "VAR_HANDLE"))
      }
      if let existing = variables.firstIndex(where: { $0.key == key }) {
        handles[Int(handle)] = existing
      } else {
        handles[Int(handle)] = variables.count
        variables.append((key: key, name: name, tensor: Int(handle), value: value))
      }
    }
  }

  /// The IR tensor for main-subgraph tensor `index` when it is a handle: the
  /// variable itself for its first handle, an unused placeholder for others.
  func tensor(at index: Int) -> Tensor? {
    guard let v = handles[index] else { return nil }
    let value = variables[v].value
    return Tensor(
      name: variables[v].name, type: value.type, shape: value.shape, quantization: value.quantization,
      isVariable: variables[v].tensor == index)
  }

  /// The variable records for `Graph.variables`.
  var records: [StateVariable] {
    variables.map { StateVariable(name: $0.name, tensor: $0.tensor, initialValue: $0.value.data ?? []) }
  }

  /// The main subgraph's operators without CALL_ONCE and VAR_HANDLE, reads
  /// and assignments taking the variable tensor. Every op keeps its model
  /// index as `origin`, for messages.
  func rewrite(_ operators: [Operator], codes: [Int32]) throws -> [Operator] {
    var result: [Operator] = []
    for (index, (op, code)) in zip(operators, codes).enumerated() {
      var op = op
      op.origin = index
      switch code {
      case callOnceOperatorCode, varHandleOperatorCode:
        continue
      case readVariableOperatorCode, assignVariableOperatorCode:
        let name = code == readVariableOperatorCode ? "READ_VARIABLE" : "ASSIGN_VARIABLE"
        guard let handle = op.inputs.first ?? nil, let v = handles[handle] else {
          throw EdgeError(
            .unsupported, "op \(index) (\(name)): input 0 is not the output of a VAR_HANDLE of this subgraph",
            at: ErrorLocation(opIndex: index, opName: name))
        }
        op.kind = code == readVariableOperatorCode ? .readVariable : .assignVariable
        op.inputs[0] = variables[v].tensor
        op.options = .none
      default:
        break
      }
      result.append(op)
    }
    return result
  }
}

/// Reads initialiser subgraph `index`: VAR_HANDLE and ASSIGN_VARIABLE of
/// constants only; records each assigned constant under its variable's key.
private func readInitialiser(
  _ index: Int, subgraphs: Vector, opcodes: [Opcode], mapper: inout TensorMapper,
  into initial: inout [String: Tensor]
) throws {
  let what = "subgraph \(index) (CALL_ONCE initialiser)"
  let subgraph = SubGraphTable(table: try subgraphs.table(index, what), what: what)
  let tensors = try subgraph.tensors
  var keyOfHandle: [Int: String] = [:]
  guard let ops = try subgraph.operators else { return }
  for opIndex in ops.indices {
    let table = try ops.table(opIndex, "\(what) op \(opIndex)")
    let op = OperatorTable(table: table, what: "\(what) op \(opIndex)")
    let opcode = Int(try op.opcodeIndex)
    guard opcodes.indices.contains(opcode) else {
      throw EdgeError(.malformedModel, "\(what) op \(opIndex) uses operator code \(opcode) of \(opcodes.count)",
                      at: ErrorLocation(byteOffset: table.position))
    }
    let ids = (try op.inputs?.elements(as: Int32.self) ?? []).map { Int($0) }
    switch opcodes[opcode].code {
    case varHandleOperatorCode:
      if let handle = try op.outputs?.elements(as: Int32.self).first {
        keyOfHandle[Int(handle)] = try variableKey(table, label: "\(what) op \(opIndex) (VAR_HANDLE)").key
      }
    case assignVariableOperatorCode:
      let label = "\(what) op \(opIndex) (ASSIGN_VARIABLE)"
      guard ids.count == 2, let key = keyOfHandle[ids[0]], let tensors, tensors.indices.contains(ids[1]) else {
        throw EdgeError(.malformedModel, "\(label) does not assign a tensor to a VAR_HANDLE of its subgraph",
                        at: ErrorLocation(byteOffset: table.position))
      }
      let value = try mapper.tensor(try tensors.table(ids[1], "\(what) tensor \(ids[1])"), index: ids[1])
      guard value.isConstant else {
        throw EdgeError(.unsupported, "\(label) assigns \(value.name), which is not a constant; edgec initialises "
                          + "variables only with constants", at: ErrorLocation(byteOffset: table.position))
      }
      initial[key] = value
    default:
      throw EdgeError(
        .unsupported,
        "\(what) op \(opIndex) is \(opcodes[opcode].kind.name); an initialiser may only hold VAR_HANDLE and "
          + "ASSIGN_VARIABLE of constants", at: ErrorLocation(byteOffset: table.position))
    }
  }
}

/// The variable a VAR_HANDLE names: (container, shared_name) as one key,
/// and the shared name for messages.
private func variableKey(_ table: Table, label: String) throws -> (key: String, name: String) {
  let options = try OperatorTable(table: table, what: label).builtinOptions
  guard options.type == varHandleOptionsType || options.type == 0 else {
    throw EdgeError(.malformedModel, "\(label) carries builtin options of union type \(options.type), "
                      + "expected \(varHandleOptionsType) (VarHandleOptions)", at: ErrorLocation(byteOffset: table.position))
  }
  let container = try options.table?.string(4, "\(label) container") ?? ""
  let name = try options.table?.string(6, "\(label) shared_name") ?? ""
  return (container + "\u{0}" + name, name)
}
