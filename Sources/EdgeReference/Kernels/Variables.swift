import EdgeCore

// READ_VARIABLE and ASSIGN_VARIABLE (StateVariable.swift) move bytes between
// a variable's state and an activation: `edgec_copy`. A read whose value no
// assignment can change before its last reader has no op left by then (the
// read-variables pass makes its readers read the state directly); what
// remains is a copy because an assignment intervenes or the value is a
// graph output, which the caller reads after the invoke.

func lowerReadVariable(_ context: OpContext) throws -> LoweredOp {
  let (variable, output) = (try context.input(0), try context.output())
  try checkSameBytes(context, variable, output)
  return context.kernel(CopyKernel(bytes: Int32(output.byteSize)))
}

/// The assignment copies its value into the variable: the program step's
/// output is the variable tensor, so the reference interpreter's state and
/// the C code's `<model>_state` are written by the same step.
func lowerAssignVariable(_ context: OpContext) throws -> LoweredOp {
  let (variable, value) = (try context.input(0), try context.input(1))
  try checkSameBytes(context, variable, value)
  guard let variableID = context.inputID(0), let valueID = context.inputID(1) else {
    throw context.error(.invalidGraph, "ASSIGN_VARIABLE needs a variable and a value")
  }
  return .kernel(
    opIndex: context.opIndex, kernel: CopyKernel(bytes: Int32(value.byteSize)), inputs: [valueID],
    outputs: [variableID])
}

private func checkSameBytes(_ context: OpContext, _ variable: Tensor, _ value: Tensor) throws {
  guard variable.type == value.type, variable.byteSize == value.byteSize else {
    throw context.error(
      .invalidGraph,
      "variable '\(variable.name)' (\(variable.type.rawValue) \(variable.shape)) and '\(value.name)' "
        + "(\(value.type.rawValue) \(value.shape)) must have the same type and size")
  }
}
