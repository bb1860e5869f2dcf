import EdgeCore

// RESHAPE moves no data: the output is the input's bytes under a new shape
// (and, as in TFLM, under the output's quantization, whatever it says).
// It lowers to an alias, so the planner gives both tensors the same storage;
// where it cannot (see kernels.h), the code generator calls `edgec_copy`.

func lowerReshape(_ context: OpContext) throws -> LoweredOp {
  let (input, output) = (try context.input(0), try context.output())
  guard let inputID = context.inputID(0) else {
    throw context.error(.invalidGraph, "input 0 is missing")
  }
  guard input.type == output.type, input.byteSize == output.byteSize else {
    throw context.error(
      .invalidGraph,
      "RESHAPE input '\(input.name)' (\(input.type.rawValue) \(input.shape)) and output '\(output.name)' (\(output.type.rawValue) \(output.shape)) must have the same type and element count")
  }
  return .alias(opIndex: context.opIndex, input: inputID, output: context.op.outputs[0])
}

/// A byte copy: RESHAPE when input and output cannot share storage.
public struct CopyKernel: PreparedKernel {
  public var bytes: Int32

  public init(bytes: Int32) { self.bytes = bytes }

  public var cFunction: String { "edgec_copy" }
  public var cParamsType: String { "edgec_copy_params" }
  public var cFields: [NamedKernelField] { [NamedKernelField("bytes", .int(bytes))] }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let input = inputs[0] else { return }
    outputs[0] = TensorValue(type: outputs[0].type, shape: outputs[0].shape, bytes: Array(input.bytes.prefix(Int(bytes))))
  }
}
