/// A resource variable of a stateful model (TFLite's VAR_HANDLE /
/// READ_VARIABLE / ASSIGN_VARIABLE): state that outlives one inference, such
/// as a streaming model's ring buffer of past frames.
///
/// In the IR a variable is a tensor with `isVariable` (its type, shape and
/// quantization are the variable's; it has no producer and no constant data)
/// plus this record, which carries what the TFLite initialisation subgraph
/// assigned to it. READ_VARIABLE reads that tensor into an activation
/// (`.readVariable`, inputs [variable], outputs [value]); ASSIGN_VARIABLE
/// copies an activation into it (`.assignVariable`, inputs [variable, value],
/// no outputs). The generated code keeps every variable in one static buffer
/// beside the arena, `<model>_state`, which `<model>_reset` fills with the
/// initial values.
public struct StateVariable: Hashable, Sendable {
  /// The TFLite `shared_name` (for messages and the generated comments).
  public var name: String
  /// The variable's tensor in `Graph.tensors` (`isVariable`, no data).
  public var tensor: TensorID
  /// Little-endian bytes the initialisation assigns: what a reset restores.
  public var initialValue: [UInt8]

  public init(name: String, tensor: TensorID, initialValue: [UInt8]) {
    self.name = name
    self.tensor = tensor
    self.initialValue = initialValue
  }
}

extension Graph {
  /// Whether the model keeps state between inferences: consecutive runs
  /// depend on each other, and a reset restores the initial values.
  public var isStateful: Bool { !variables.isEmpty }

  /// The variable whose tensor is `id`, if any.
  public func variable(tensor id: TensorID) -> StateVariable? {
    variables.first { $0.tensor == id }
  }
}
