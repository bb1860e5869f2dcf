import EdgeCore

/// The op steps over which one tensor's bytes must stay intact, inclusive.
/// Steps count positions in the execution order, not operator indices (they
/// coincide when the graph runs in its stored order).
public struct TensorLifetime: Hashable, Sendable {
  public var tensor: TensorID
  public var firstStep: Int
  public var lastStep: Int

  public init(tensor: TensorID, firstStep: Int, lastStep: Int) {
    self.tensor = tensor
    self.firstStep = firstStep
    self.lastStep = lastStep
  }
}

/// The lifetime of every tensor that needs arena memory, sorted by tensor id.
///
/// - Graph inputs are written before the first op, so they live from step 0.
/// - An op's outputs live from the op's step.
/// - Each lives until its last reader's step; graph outputs until the last
///   step, since the caller reads them after the final op.
/// - A tensor nobody reads still occupies its producer's step: the op writes it.
/// - Variables (state kept across invocations) get no lifetime: they live in
///   the model's state buffer beside the arena, which nothing else reuses.
/// - Constants live in flash and get no lifetime; neither does a tensor that
///   nothing reads, writes or exports (TFLite files carry such leftovers).
///
/// `order` lists operator indices in execution order (default: as stored).
/// Throws when the order is not a permutation, when a tensor is read before
/// it is written, or when the graph refers to tensors that do not exist.
public func tensorLifetimes(in graph: Graph, order: [Int]? = nil) throws -> [TensorLifetime] {
  let steps = try executionSteps(of: graph, order: order)
  let lastStep = max(graph.operators.count - 1, 0)
  var first = [Int?](repeating: nil, count: graph.tensors.count)
  var last = [Int?](repeating: nil, count: graph.tensors.count)
  // The first step that may read each tensor: 0 for graph inputs (written
  // before the first op), the step after its producer for the rest.
  var readableFrom = [Int?](repeating: nil, count: graph.tensors.count)

  func checkExists(_ id: TensorID, _ role: String, op: Int? = nil) throws {
    guard !graph.tensors.indices.contains(id) else { return }
    let location = ErrorLocation(opIndex: op, opName: op.map { graph.operators[$0].kind.name })
    throw EdgeError(
      .invalidGraph, "\(role) refers to tensor \(id), but the graph has \(graph.tensors.count)",
      at: location)
  }

  for id in graph.inputs {
    try checkExists(id, "graph input")
    first[id] = 0
    last[id] = 0
    readableFrom[id] = 0
  }
  for (step, opIndex) in steps.enumerated() {
    for id in graph.operators[opIndex].outputs {
      try checkExists(id, "an output", op: opIndex)
      if first[id] != nil {
        throw EdgeError(
          .invalidGraph,
          "is written twice: by \(graph.describe(op: opIndex))"
            + " and, earlier, as a graph input or by another op",
          at: location(of: id, in: graph))
      }
      first[id] = step
      last[id] = step
      readableFrom[id] = step + 1
    }
  }
  for (step, opIndex) in steps.enumerated() {
    for case let id? in graph.operators[opIndex].inputs {
      try checkExists(id, "an input", op: opIndex)
      let tensor = graph.tensors[id]
      if tensor.isConstant || tensor.isVariable { continue }
      guard let readable = readableFrom[id], step >= readable else {
        throw EdgeError(
          .invalidGraph,
          "is read by \(graph.describe(op: opIndex)) at step \(step) before anything writes it",
          at: location(of: id, in: graph))
      }
      last[id] = max(last[id] ?? step, step)
    }
  }
  for id in graph.outputs {
    try checkExists(id, "graph output")
    guard first[id] != nil || graph.tensors[id].isConstant || graph.tensors[id].isVariable else {
      throw EdgeError(
        .invalidGraph, "is a graph output but no operator writes it",
        at: location(of: id, in: graph))
    }
    last[id] = lastStep
  }

  var result: [TensorLifetime] = []
  // Variables keep state between inferences: they live in the model's
  // static state buffer (`<model>_state`), never in the arena.
  for (id, tensor) in graph.tensors.enumerated() where !tensor.isConstant && !tensor.isVariable {
    if let start = first[id], let end = last[id] {
      result.append(TensorLifetime(tensor: id, firstStep: start, lastStep: end))
    }
  }
  return result
}

/// Operator indices by step, checked to be a permutation of the operators.
func executionSteps(of graph: Graph, order: [Int]?) throws -> [Int] {
  guard let order else { return Array(graph.operators.indices) }
  var seen = [Bool](repeating: false, count: graph.operators.count)
  for (step, opIndex) in order.enumerated() {
    guard seen.indices.contains(opIndex), !seen[opIndex] else {
      throw EdgeError(
        .invalidGraph,
        "execution order step \(step) names op \(opIndex), which is out of range or repeated"
          + " (the graph has \(graph.operators.count) operators)")
    }
    seen[opIndex] = true
  }
  if let missing = seen.firstIndex(of: false) {
    throw EdgeError(
      .invalidGraph, "the execution order leaves out \(graph.describe(op: missing))",
      at: ErrorLocation(opIndex: missing, opName: graph.operators[missing].kind.name))
  }
  return order
}

func location(of id: TensorID, in graph: Graph) -> ErrorLocation {
  ErrorLocation(
    tensorIndex: id, tensorName: graph.tensors.indices.contains(id) ? graph.tensors[id].name : nil)
}
