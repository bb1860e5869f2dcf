// EdgeImport: TensorFlow Lite flatbuffer → EdgeCore.Graph.
//
// Four layers, each trusting only the one below it:
//
//   1. Reader (FlatBuffer.swift, FlatBufferTable.swift) — the FlatBuffers
//      binary format, nothing about TFLite. Every read is bounds-checked and
//      every failure is EdgeError(.malformedModel) naming the byte offset and
//      what was being read. No force-unwraps, no traps, no copies of the file.
//   2. Schema accessors (TFLiteSchema.swift) — one typed property per field of
//      schema.fbs that edgec reads, with its vtable slot and default.
//   3. Mapping (TensorMapping.swift, OperatorMapping.swift, OptionsMapping.swift,
//      this file) — TFLite concepts to IR values: element types, shapes,
//      quantization, constant buffers (inline or stored after the flatbuffer),
//      opcodes and builtin options. Errors name the tensor or operator.
//   4. Verifier (EdgeCore/Verifier*.swift) — graph-level consistency: references,
//      data flow in execution order, and per-operator arity, types and shapes.
//      Both entry points run it, so every Graph they return is verified.
//
// Error kinds: .malformedModel for bytes that are not a valid TFLite file,
// .unsupported for valid TFLite that edgec does not handle, .invalidGraph for
// a well-formed file whose graph does not add up. Tests/EdgeImportTests has a
// test per malformed-input class and a seeded fuzz test over the real models.

import EdgeCore
import Foundation

/// Imports a `.tflite` model from memory. `name` becomes the graph's name,
/// made a C identifier (see `modelName(fromPath:)`).
public func importModel(bytes: [UInt8], name: String) throws -> Graph {
  let file = FlatBuffer(bytes)
  let model = ModelTable(table: try file.root(identifier: "TFL3"))
  let version = try model.version
  guard version == 3 else {
    throw EdgeError(
      .unsupported, "the model uses TFLite schema version \(version); edgec reads version 3",
      at: ErrorLocation(byteOffset: model.table.position))
  }
  let opcodes = try readOpcodes(model)
  guard let subgraphs = try model.subgraphs, subgraphs.count > 0 else {
    throw file.error("the model has no subgraphs", at: model.table.position)
  }
  let main = SubGraphTable(table: try subgraphs.table(0, "subgraph 0"), what: "subgraph 0")
  let tensorTables = try main.tensors
  let tensorCount = tensorTables?.count ?? 0
  let operatorTables = try main.operators
  try checkOnlyInitializerSubgraphs(
    count: subgraphs.count, operators: operatorTables, opcodes: opcodes)

  // Operators first: a tensor edgec cannot type (a RESOURCE handle, say)
  // usually belongs to operators it cannot compile either, and the error
  // should list those too rather than stop at the first tensor.
  var operators: [Operator] = []
  var codes: [Int32] = []
  if let operatorTables {
    operators.reserveCapacity(operatorTables.count)
    for index in operatorTables.indices {
      let table = try operatorTables.table(index, "op \(index)")
      operators.append(try readOperator(table, index: index, opcodes: opcodes, tensorCount: tensorCount))
      codes.append(opcodes[Int(try OperatorTable(table: table, what: "op \(index)").opcodeIndex)].code)
    }
  }
  var mapper = TensorMapper(file: file, buffers: try model.buffers)
  // Resource variables (ResourceVariables.swift): handles become variable
  // tensors, CALL_ONCE and VAR_HANDLE go.
  var resources: ResourceVariables?
  if let operatorTables, ResourceVariables.needed(codes) {
    resources = try ResourceVariables(
      mainOps: operatorTables, codes: codes, subgraphs: subgraphs, opcodes: opcodes, mapper: &mapper)
  }
  var tensors: [Tensor] = []
  tensors.reserveCapacity(tensorCount)
  do {
    if let tensorTables {
      for index in tensorTables.indices {
        if let variable = resources?.tensor(at: index) {
          tensors.append(variable)
          continue
        }
        tensors.append(try mapper.tensor(try tensorTables.table(index, "tensor \(index)"), index: index))
      }
    }
  } catch var error as EdgeError where error.kind == .unsupported {
    let unsupported = operators.enumerated().filter { !$0.element.kind.isSupported }
    if !unsupported.isEmpty {
      error.message += "; the model also has \(unsupported.count) operator\(unsupported.count == 1 ? "" : "s") "
        + "edgec cannot compile: " + unsupported.map { "op \($0.offset) (\($0.element.kind.name))" }
        .joined(separator: ", ")
    }
    throw error
  }
  if let resources { operators = try resources.rewrite(operators, codes: codes) }
  let graph = Graph(
    name: cIdentifier(name), tensors: tensors, operators: operators,
    inputs: try graphTensors(try main.inputs, role: "input", tensorCount: tensorCount, file: file),
    outputs: try graphTensors(try main.outputs, role: "output", tensorCount: tensorCount, file: file),
    variables: resources?.records ?? [])
  try verify(graph)
  return graph
}

/// Reads and imports the model at `path`. Errors carry the path in their location.
public func loadModel(path: String) throws -> Graph {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
    throw EdgeError(.invalidInput, "no model file at this path", at: ErrorLocation(file: path))
  }
  guard !isDirectory.boolValue else {
    throw EdgeError(.invalidInput, "this is a directory, not a .tflite file", at: ErrorLocation(file: path))
  }
  guard let data = FileManager.default.contents(atPath: path) else {
    throw EdgeError(.invalidInput, "cannot read the model file (permissions?)", at: ErrorLocation(file: path))
  }
  return try located(ErrorLocation(file: path)) {
    try importModel(bytes: [UInt8](data), name: modelName(fromPath: path))
  }
}

/// The model name for a file: its base name without extension, as a C
/// identifier. `models/kws_int8.tflite` → `kws_int8`, `1-net.tflite` → `m_1_net`.
public func modelName(fromPath path: String) -> String {
  let base = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
  let stem = base.hasSuffix(".tflite") ? String(base.dropLast(".tflite".count))
    : base.split(separator: ".", maxSplits: 1).first.map(String.init) ?? base
  return cIdentifier(stem)
}

/// `text` with every character outside [A-Za-z0-9_] replaced by `_`, prefixed
/// with `m_` when it would start with a digit; `model` when empty.
func cIdentifier(_ text: String) -> String {
  let mapped = String(
    text.unicodeScalars.map { scalar -> Character in
      let v = scalar.value
      let isAlnum = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5a) || (v >= 0x61 && v <= 0x7a)
      return isAlnum || v == 0x5f ? Character(scalar) : "_"
    })
  if mapped.isEmpty { return "model" }
  if let first = mapped.unicodeScalars.first, first.value >= 0x30 && first.value <= 0x39 { return "m_" + mapped }
  return mapped
}

/// The subgraph's `inputs` or `outputs`, checked to name existing tensors.
private func graphTensors(_ vector: Vector?, role: String, tensorCount: Int, file: FlatBuffer) throws
  -> [TensorID]
{
  guard let vector else { return [] }
  return try vector.elements(as: Int32.self).enumerated().map { position, raw in
    guard raw >= 0, Int(raw) < tensorCount else {
      throw file.error(
        "graph \(role) \(position) refers to tensor \(raw), but subgraph 0 has \(tensorCount) tensors",
        at: vector.start + position * 4)
    }
    return Int(raw)
  }
}

/// edgec compiles subgraph 0. Further subgraphs are accepted only when every
/// one of them is an initializer that a CALL_ONCE operator of subgraph 0 runs
/// (resource-variable setup); IF, WHILE and CALL bodies are not supported.
private func checkOnlyInitializerSubgraphs(count: Int, operators: Vector?, opcodes: [Opcode]) throws {
  guard count > 1 else { return }
  var initializers = Set<Int>()
  if let operators {
    for index in operators.indices {
      let table = try operators.table(index, "op \(index)")
      let opcodeIndex = Int(try OperatorTable(table: table, what: "op \(index)").opcodeIndex)
      guard opcodes.indices.contains(opcodeIndex), opcodes[opcodeIndex].code == callOnceOperatorCode,
        let target = try callOnceTarget(table, label: "op \(index) (CALL_ONCE)")
      else { continue }
      initializers.insert(target)
    }
  }
  let others = (1..<count).filter { !initializers.contains($0) }
  guard others.isEmpty else {
    throw EdgeError(
      .unsupported,
      "the model has \(count) subgraphs; edgec compiles a single subgraph (plus CALL_ONCE "
        + "initializers), but subgraph\(others.count == 1 ? "" : "s") "
        + others.prefix(8).map(String.init).joined(separator: ", ") + (others.count > 8 ? ", …" : "")
        + (others.count == 1 ? " is not an initializer" : " are not initializers") + " (control flow such as IF, WHILE "
        + "or CALL is not supported)")
  }
}
