/// Checks that a graph is consistent, so that every later stage can index
/// tensors, size buffers and compute shapes without checking again.
///
/// In order: every tensor (sizes that fit an Int, constant data of exactly the
/// tensor's size, quantization parameters that match the shape); every
/// reference (tensor ids in range); the data flow in execution order (one
/// writer per tensor, never a constant or graph input, every read after its
/// write — TFLite stores operators in execution order and edgec keeps it);
/// the graph outputs; then, for each operator edgec implements, its arity,
/// ranks, element types, quantization and output shapes as TFLite computes
/// them (see VerifierOperators.swift). Operators edgec does not implement
/// (`.other`) skip the per-operator checks: the lowering lists them all in
/// one error.
///
/// Throws the first problem as `EdgeError(.invalidGraph)` — or `.unsupported`
/// for something valid in TFLite that edgec does not handle — with a message
/// and location naming the operator and tensor.
public func verify(_ graph: Graph) throws {
  try verifyTensors(graph)
  try verifyVariables(graph)
  try verifyDataFlow(graph)
  for index in graph.operators.indices where graph.operators[index].kind.isSupported {
    try OperatorVerifier(graph: graph, index: index).verify()
  }
}

/// The largest dimension the verifier accepts: TFLite stores dimensions as
/// int32, and the bound keeps every shape computation below free of overflow.
let maxDimension = Int(Int32.max)

private func tensorError(_ graph: Graph, _ id: TensorID, _ message: String) -> EdgeError {
  EdgeError(
    .invalidGraph, "\(graph.describe(tensor: id)) \(message)",
    at: ErrorLocation(tensorIndex: id, tensorName: graph.tensors[id].name))
}

private func verifyTensors(_ graph: Graph) throws {
  for (id, tensor) in graph.tensors.enumerated() {
    let shape = tensor.shape
    if let bad = shape.dims.first(where: { $0 < 0 || $0 > maxDimension }) {
      throw tensorError(
        graph, id, "has shape \(shape) with dimension \(bad) outside 0...\(maxDimension)")
    }
    var bytes = tensor.type.byteSize
    for dim in shape.dims {
      let (product, overflow) = bytes.multipliedReportingOverflow(by: dim)
      if overflow {
        throw tensorError(graph, id, "has shape \(shape) whose byte size overflows a 64-bit integer")
      }
      bytes = product
    }
    if tensor.type == .int4 { bytes = tensor.type.byteCount(elements: bytes) }  // two elements a byte
    if let data = tensor.data, data.count != bytes {
      throw tensorError(
        graph, id,
        "has \(data.count) bytes of constant data, but its shape \(shape) of \(tensor.type.rawValue) "
          + "needs \(bytes) bytes")
    }
    if let q = tensor.quantization { try verifyQuantization(q, of: id, in: graph) }
  }
}

private func verifyQuantization(_ q: Quantization, of id: TensorID, in graph: Graph) throws {
  let tensor = graph.tensors[id]
  guard !q.scales.isEmpty else { throw tensorError(graph, id, "has quantization parameters without a scale") }
  guard q.zeroPoints.count == q.scales.count else {
    throw tensorError(graph, id, "has \(q.scales.count) quantization scales but \(q.zeroPoints.count) zero points")
  }
  if let bad = q.scales.first(where: { !$0.isFinite || $0 < 0 }) {
    throw tensorError(graph, id, "has quantization scale \(bad); scales must be finite and not negative")
  }
  if q.isPerAxis {
    guard (0..<tensor.shape.rank).contains(q.axis) else {
      throw tensorError(
        graph, id,
        "is quantized per axis along axis \(q.axis), but its shape \(tensor.shape) has rank \(tensor.shape.rank)")
    }
    guard tensor.shape[q.axis] == q.scales.count else {
      throw tensorError(
        graph, id,
        "has \(q.scales.count) quantization scales, but its shape \(tensor.shape) has \(tensor.shape[q.axis]) "
          + "channels along the quantized axis \(q.axis)")
    }
  }
  let range: ClosedRange<Int64>?
  switch tensor.type {
  case .int8: range = -128...127
  case .uint8: range = 0...255
  case .int16: range = -32768...32767
  default: range = nil
  }
  if let range, let bad = q.zeroPoints.first(where: { !range.contains($0) }) {
    throw tensorError(graph, id, "has zero point \(bad), outside the \(tensor.type.rawValue) range \(range)")
  }
}

private func verifyDataFlow(_ graph: Graph) throws {
  let count = graph.tensors.count
  var isGraphInput = [Bool](repeating: false, count: count)
  for (role, ids) in [("input", graph.inputs), ("output", graph.outputs)] {
    for (position, id) in ids.enumerated() where !(0..<count).contains(id) {
      throw EdgeError(
        .invalidGraph, "graph \(role) \(position) refers to tensor \(id), but the graph has \(count) tensors",
        at: ErrorLocation(tensorIndex: id))
    }
  }
  for id in graph.inputs { isGraphInput[id] = true }

  func opError(_ index: Int, _ message: String, tensor id: TensorID? = nil) -> EdgeError {
    EdgeError(
      .invalidGraph, "\(graph.describe(op: index)) \(message)",
      at: ErrorLocation(
        opIndex: index, opName: graph.operators[index].kind.name, tensorIndex: id,
        tensorName: id.flatMap { graph.tensors.indices.contains($0) ? graph.tensors[$0].name : nil }))
  }

  var writer = [Int?](repeating: nil, count: count)
  for (index, op) in graph.operators.enumerated() {
    for (position, input) in op.inputs.enumerated() {
      if let id = input, !(0..<count).contains(id) {
        throw opError(index, "reads tensor \(id) as input \(position), but the graph has \(count) tensors")
      }
    }
    for (position, id) in op.outputs.enumerated() {
      guard (0..<count).contains(id) else {
        throw opError(index, "writes tensor \(id) as output \(position), but the graph has \(count) tensors")
      }
      let name = graph.describe(tensor: id)
      if let other = writer[id] {
        throw opError(index, "writes \(name), which \(graph.describe(op: other)) already writes", tensor: id)
      }
      if graph.tensors[id].isConstant {
        throw opError(index, "writes \(name), which is a constant", tensor: id)
      }
      if isGraphInput[id] { throw opError(index, "writes \(name), which is a graph input", tensor: id) }
      writer[id] = index
    }
  }
  for (index, op) in graph.operators.enumerated() {
    for case let id? in op.inputs {
      let tensor = graph.tensors[id]
      if let w = writer[id] {
        guard w < index else {
          let by = w == index ? "which it writes itself" : "which \(graph.describe(op: w)) writes"
          throw EdgeError(
            .invalidGraph,
            "cycle or out-of-order: \(graph.describe(op: index)) reads \(graph.describe(tensor: id)) \(by)",
            at: ErrorLocation(
              opIndex: index, opName: op.kind.name, tensorIndex: id, tensorName: tensor.name))
        }
      } else if !tensor.isConstant && !isGraphInput[id] && !tensor.isVariable {
        throw opError(
          index,
          "reads \(graph.describe(tensor: id)), which no op writes and which is neither a graph input, "
            + "a constant nor a variable", tensor: id)
      }
    }
  }
  for (position, id) in graph.outputs.enumerated()
  where writer[id] == nil && !isGraphInput[id] && !graph.tensors[id].isConstant {
    throw tensorError(
      graph, id, "is graph output \(position), but no op writes it and it is neither a graph input nor a constant")
  }
}
