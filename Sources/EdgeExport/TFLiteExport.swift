// EdgeExport: EdgeCore.Graph → TensorFlow Lite flatbuffer, the inverse of
// EdgeImport. `edgec export` writes a model after the compression passes so
// users can run it in their own TFLite or TFLM pipeline.
//
// Two layers: FlatBufferBuilder (the binary format, nothing about TFLite) and
// the mapping in this file and OperatorExport.swift (schema.fbs, version 3:
// field ids, union tags and defaults, the same ones TFLiteSchema.swift reads).
// What import reads, export writes, so export → import gives back an equal
// graph; Tests/EdgeExportTests checks that on every fixture.

import EdgeCore
import EdgeImport

/// The graph as a `.tflite` file (schema version 3, one subgraph; a stateful
/// graph adds its CALL_ONCE initialiser as subgraph 1).
///
/// Throws `EdgeError(.unsupported)` for operators whose IR form has no TFLite
/// equivalent (a fused residual ADD, explicit padding, an in-place depthwise
/// convolution: edgec-internal forms made by the memory passes, which `edgec
/// export` does not run) and for operators edgec does not implement, whose
/// options it never read; `.invalidGraph` for references outside the graph.
public func exportTFLite(_ graph: Graph) throws -> [UInt8] {
  try checkReferences(graph)
  let exported = try graph.operators.indices.map { try exportForm(of: graph, op: $0) }
  // A stateful graph: CALL_ONCE and VAR_HANDLEs first, an initialiser subgraph (VariableExport.swift).
  let prologue = variablePrologue(graph)
  var builder = FlatBufferBuilder(capacity: graph.tensors.reduce(4096) { $0 + ($1.data?.count ?? 0) + 256 })

  // Buffers: 0 is the empty buffer every activation points to (TFLite's
  // convention); each constant gets its own, 16-byte aligned.
  var bufferData: [[UInt8]] = [[]]
  var bufferIndex = [Int](repeating: 0, count: graph.tensors.count)
  for (id, tensor) in graph.tensors.enumerated() {
    guard let data = tensor.data, !data.isEmpty else { continue }
    bufferIndex[id] = bufferData.count
    bufferData.append(data)
  }
  let firstInitialBuffer = bufferData.count
  bufferData += graph.variables.map(\.initialValue)

  // Objects are written children first. Large constant data goes first so
  // that it lands at the end of the file, after the tables TFLM walks.
  let dataVectors = bufferData.map { $0.isEmpty ? nil : builder.bytes($0, alignment: 16) }
  let buffers = dataVectors.map { data -> FlatBufferBuilder.Offset in
    builder.startTable()
    builder.add(0, data)
    return builder.endTable()
  }
  let tensors = try graph.tensors.enumerated().map { id, tensor in
    graph.variable(tensor: id) != nil
      ? writeHandleTensor(name: tensor.name, into: &builder)
      : try writeTensor(tensor, id: id, buffer: bufferIndex[id], into: &builder)
  }
  let opcodes = OpcodeTable(prologue + exported + initialiserOperators(graph))
  let prologueOperators = prologue.enumerated().map { index, op in
    writePrologueOperator(
      op, variable: index == 0 ? nil : graph.variables[index - 1], opcodeIndex: opcodes.index[index], into: &builder)
  }
  let operators = try prologueOperators + exported.enumerated().map { index, op in
    try writeOperator(op, opcodeIndex: opcodes.index[prologue.count + index], into: &builder)
  }
  let subgraphName = builder.string(graph.name)
  let tensorVector = builder.vector(tensors)
  let inputs = builder.vector(graph.inputs.map { Int32($0) })
  let outputs = builder.vector(graph.outputs.map { Int32($0) })
  let operatorVector = builder.vector(operators)
  builder.startTable()
  builder.add(0, tensorVector)
  builder.add(1, inputs)
  builder.add(2, outputs)
  builder.add(3, operatorVector)
  builder.add(4, subgraphName)
  let subgraph = builder.endTable()
  let initialiser = graph.isStateful
    ? try writeInitialiserSubgraph(
      graph, firstBuffer: firstInitialBuffer,
      opcodeIndex: { code in UInt32(opcodes.codes.firstIndex { $0.builtin == code } ?? 0) }, into: &builder)
    : nil

  let codes = opcodes.codes.map { code -> FlatBufferBuilder.Offset in
    builder.startTable()
    builder.add(0, Int8(min(code.builtin, 127)), default: 0)  // deprecated_builtin_code
    builder.add(2, code.version, default: 1)
    builder.add(3, code.builtin, default: 0)
    return builder.endTable()
  }
  let codeVector = builder.vector(codes)
  let subgraphVector = builder.vector([subgraph] + (initialiser.map { [$0] } ?? []))
  let description = builder.string("edgec")
  let bufferVector = builder.vector(buffers)
  builder.startTable()
  builder.add(0, UInt32(3), default: 0)  // schema version
  builder.add(1, codeVector)
  builder.add(2, subgraphVector)
  builder.add(3, description)
  builder.add(4, bufferVector)
  let model = builder.endTable()
  return builder.finish(root: model, identifier: "TFL3")
}

/// Every tensor reference inside the graph, so the writer never indexes out of
/// range (a hand-built or pass-made graph that skipped the verifier).
private func checkReferences(_ graph: Graph) throws {
  let valid = graph.tensors.indices
  for (role, ids) in [("input", graph.inputs), ("output", graph.outputs)] {
    if let bad = ids.first(where: { !valid.contains($0) }) {
      throw EdgeError(
        .invalidGraph, "graph \(role) refers to tensor \(bad), but the graph has \(graph.tensors.count) tensors")
    }
  }
  for (index, op) in graph.operators.enumerated() {
    let ids = op.inputs.compactMap { $0 } + op.outputs
    if let bad = ids.first(where: { !valid.contains($0) }) {
      throw EdgeError(
        .invalidGraph,
        "\(graph.describe(op: index)) refers to tensor \(bad), but the graph has \(graph.tensors.count) tensors",
        at: ErrorLocation(opIndex: index, opName: op.kind.name))
    }
  }
}

func writeTensor(
  _ tensor: Tensor, id: Int, buffer: Int, into builder: inout FlatBufferBuilder
) throws -> FlatBufferBuilder.Offset {
  guard let dims = int32s(tensor.shape.dims) else {
    throw EdgeError(
      .invalidGraph, "tensor \(id) '\(tensor.name)' has shape \(tensor.shape), which TFLite's int32 shape cannot hold",
      at: ErrorLocation(tensorIndex: id, tensorName: tensor.name))
  }
  let shape = builder.vector(dims)
  let name = builder.string(tensor.name)
  let quantization = tensor.quantization.map { q -> FlatBufferBuilder.Offset in
    let scales = builder.vector(q.scales)
    let zeroPoints = builder.vector(q.zeroPoints)
    builder.startTable()
    builder.add(2, scales)
    builder.add(3, zeroPoints)
    builder.add(6, Int32(clamping: q.axis), default: 0)  // quantized_dimension
    return builder.endTable()
  }
  builder.startTable()
  builder.add(0, shape)
  builder.add(1, TensorTypeCode.code(of: tensor.type), default: 0)
  builder.add(2, UInt32(buffer), default: 0)
  builder.add(3, name)
  builder.add(4, quantization)
  builder.add(5, tensor.isVariable)
  return builder.endTable()
}

/// `values` as Int32, or nil when one does not fit.
func int32s(_ values: [Int]) -> [Int32]? {
  var result: [Int32] = []
  result.reserveCapacity(values.count)
  for value in values {
    guard let narrow = Int32(exactly: value) else { return nil }
    result.append(narrow)
  }
  return result
}
