/// Checks of resource variables (StateVariable.swift): the graph-level
/// records and the two operators that touch them. A read or an assignment
/// moves bytes unchanged, so the activation must have the variable's exact
/// type, shape and quantization; a different quantization would need a
/// requantization the converter never emits.
extension OperatorVerifier {
  /// READ_VARIABLE: inputs [variable], outputs [value].
  func verifyReadVariable() throws {
    try arity(inputs: 1...1)
    let variable = try variableOperand(0)
    try sameVariableLayout(variable, output())
  }

  /// ASSIGN_VARIABLE: inputs [variable, value], no outputs.
  func verifyAssignVariable() throws {
    try arity(inputs: 2...2, outputs: 0)
    let variable = try variableOperand(0)
    let value = try input(1, "value")
    guard !value.tensor.isVariable else {
      throw failure("\(describe(value)) is itself a variable; assign an activation or a constant", value,
                    kind: .unsupported)
    }
    try sameVariableLayout(variable, value)
  }

  private func variableOperand(_ i: Int) throws -> Operand {
    let operand = try input(i, "variable")
    guard operand.tensor.isVariable, graph.variable(tensor: operand.id) != nil else {
      throw failure("\(describe(operand)) is not one of the graph's variables", operand)
    }
    return operand
  }

  private func sameVariableLayout(_ variable: Operand, _ value: Operand) throws {
    try sameType(variable, value)
    try sameShape(variable, value)
    guard variable.tensor.quantization == value.tensor.quantization else {
      throw failure(
        "\(describe(value)) is quantized \(value.tensor.quantization.map { "scale \($0.scales) zero point \($0.zeroPoints)" } ?? "not at all"), "
          + "but \(describe(variable)) is \(variable.tensor.quantization.map { "scale \($0.scales) zero point \($0.zeroPoints)" } ?? "not quantized"); "
          + "edgec copies variables unchanged", value, kind: .unsupported)
    }
  }
}

/// Every variable record names a distinct variable tensor, and its initial
/// value fills that tensor exactly.
func verifyVariables(_ graph: Graph) throws {
  var seen = Set<TensorID>()
  for variable in graph.variables {
    let id = variable.tensor
    guard graph.tensors.indices.contains(id) else {
      throw EdgeError(
        .invalidGraph,
        "variable '\(variable.name)' refers to tensor \(id), but the graph has \(graph.tensors.count) tensors")
    }
    let tensor = graph.tensors[id]
    let location = ErrorLocation(tensorIndex: id, tensorName: tensor.name)
    guard tensor.isVariable, !tensor.isConstant else {
      throw EdgeError(
        .invalidGraph, "variable '\(variable.name)': \(graph.describe(tensor: id)) must be a variable tensor "
          + "without constant data", at: location)
    }
    guard seen.insert(id).inserted else {
      throw EdgeError(.invalidGraph, "two variables share \(graph.describe(tensor: id))", at: location)
    }
    guard variable.initialValue.count == tensor.byteSize else {
      throw EdgeError(
        .invalidGraph,
        "variable '\(variable.name)' has \(variable.initialValue.count) bytes of initial value, but "
          + "\(graph.describe(tensor: id)) (\(tensor.type.rawValue) \(tensor.shape)) needs \(tensor.byteSize)",
        at: location)
    }
  }
}
