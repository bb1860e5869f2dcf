import EdgeCore

/// The reference interpreter: runs the lowered program in Swift, one tensor
/// value per graph tensor, no memory planning. It is the oracle the emitted C
/// is checked against (`edgec simulate --check`), and it is checked against
/// TFLM in turn.
public struct ReferenceInterpreter: Sendable {
  public let graph: Graph
  public let program: [LoweredOp]

  public init(graph: Graph, options: LoweringOptions = LoweringOptions()) throws {
    self.graph = graph
    self.program = try lower(graph, options: options)
  }

  /// Runs one inference. `inputs` are in `graph.inputs` order and must match
  /// their tensors' type and element count. A stateful model starts from its
  /// initial state (as after `<model>_reset`); to carry state from one
  /// inference to the next, use `run(_:state:)`.
  public func run(_ inputs: [TensorValue]) throws -> [TensorValue] {
    try run(inputs, observe: nil)
  }

  /// The variables' values after a reset: what the model's initialiser assigns.
  public var initialState: VariableState {
    VariableState(values: graph.variables.map(\.initialValue))
  }

  /// Runs one inference of a stateful model from `state` and leaves there
  /// the state the next inference starts from, as consecutive invokes of the
  /// generated code (or of one TFLite interpreter) do.
  public func run(_ inputs: [TensorValue], state: inout VariableState) throws -> [TensorValue] {
    try run(inputs, state: &state, observe: nil)
  }

  public func run(_ inputs: [TensorValue], observe: ((TensorID, TensorValue) -> Void)?) throws -> [TensorValue] {
    var state = initialState
    return try run(inputs, state: &state, observe: observe)
  }

  /// Runs one inference and shows `observe` every run-time tensor as it is
  /// written (graph inputs first, then each kernel's and alias's outputs):
  /// what calibration (Calibration.swift) collects its statistics from.
  public func run(
    _ inputs: [TensorValue], state: inout VariableState, observe: ((TensorID, TensorValue) -> Void)?
  ) throws -> [TensorValue] {
    guard inputs.count == graph.inputs.count else {
      throw EdgeError(.invalidInput, "the model takes \(graph.inputs.count) inputs, got \(inputs.count)")
    }
    var values = [TensorValue?](repeating: nil, count: graph.tensors.count)
    for (id, tensor) in graph.tensors.enumerated() {
      if let data = tensor.data, data.count == tensor.byteSize {
        values[id] = TensorValue(type: tensor.type, shape: tensor.shape, bytes: data)
      }
    }
    guard state.values.count == graph.variables.count else {
      throw EdgeError(
        .invalidInput, "the model has \(graph.variables.count) variables, the state holds \(state.values.count)")
    }
    for (variable, bytes) in zip(graph.variables, state.values) {
      let tensor = graph.tensors[variable.tensor]
      guard bytes.count == tensor.byteSize else {
        throw EdgeError(
          .invalidInput, "variable '\(variable.name)' needs \(tensor.byteSize) bytes of state, got \(bytes.count)")
      }
      values[variable.tensor] = TensorValue(type: tensor.type, shape: tensor.shape, bytes: bytes)
    }
    for (value, id) in zip(inputs, graph.inputs) {
      let tensor = graph.tensors[id]
      guard value.type == tensor.type, value.elementCount == tensor.elementCount else {
        throw EdgeError(
          .invalidInput,
          "input '\(tensor.name)' is \(tensor.type.rawValue) \(tensor.shape), got \(value.type.rawValue) \(value.shape)")
      }
      values[id] = TensorValue(type: tensor.type, shape: tensor.shape, bytes: value.bytes)
      if let observe, let stored = values[id] { observe(id, stored) }
    }
    for step in program {
      switch step {
      case .kernel(let opIndex, let kernel, let inputIDs, let outputIDs):
        let arguments = try inputIDs.map { id -> TensorValue? in
          guard let id else { return nil }
          guard let value = values[id] else {
            throw EdgeError(.invalidGraph, "\(graph.describe(tensor: id)) is read before it is written",
                            at: ErrorLocation(opIndex: opIndex, opName: graph.operators[opIndex].kind.name))
          }
          return value
        }
        var results = outputIDs.map { TensorValue(zerosOf: graph.tensors[$0].type, shape: graph.tensors[$0].shape) }
        kernel.run(inputs: arguments, outputs: &results)
        for (id, value) in zip(outputIDs, results) {
          values[id] = value
          observe?(id, value)
        }
      case .alias(let opIndex, let input, let output):
        guard let value = values[input] else {
          throw EdgeError(.invalidGraph, "\(graph.describe(tensor: input)) is read before it is written",
                          at: ErrorLocation(opIndex: opIndex))
        }
        values[output] = TensorValue(type: value.type, shape: graph.tensors[output].shape, bytes: value.bytes)
        if let observe, let stored = values[output] { observe(output, stored) }
      }
    }
    let outputs = try graph.outputs.map { id in
      guard let value = values[id] else {
        throw EdgeError(.invalidGraph, "graph output \(graph.describe(tensor: id)) is never written")
      }
      return value
    }
    state.values = graph.variables.map { values[$0.tensor]?.bytes ?? $0.initialValue }
    return outputs
  }
}

/// The values of a stateful model's variables between inferences, in
/// `Graph.variables` order (empty for a stateless model).
public struct VariableState: Hashable, Sendable {
  public var values: [[UInt8]]
  public init(values: [[UInt8]]) { self.values = values }
}
