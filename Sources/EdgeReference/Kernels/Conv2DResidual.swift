import EdgeCore

// CONV_2D with a fused residual ADD (EdgePasses' fuse-residual-add): the
// convolution's int8 output, then TFLM's int8 ADD with the skip tensor,
// element by element — the same arithmetic as the two operators, in one pass.

func lowerResidualAdd(
  _ context: OpContext, conv: Conv2DS8Kernel, convOutput: Tensor, residual: ResidualAdd
) throws -> LoweredOp {
  let skip = try context.input(3)
  let output = try context.output()
  let plan = try context.broadcastPlan(convOutput, skip, output: output)
  let (qa, qb, qo) = try (
    context.int8Quantization(of: convOutput), context.int8Quantization(of: skip),
    context.int8Quantization(of: output)
  )
  let range = quantizedActivationRange(residual.activation, scale: qo.scale, zeroPoint: qo.zeroPoint, type: .int8)
  let add = try AddS8Kernel(context, plan: plan, qa, qb, qo, range: range)
  return context.kernel(Conv2DAddS8Kernel(conv: conv, add: add))
}

/// `edgec_conv2d_add_s8`: inputs (input, filter, bias, skip), one output that
/// the planner may place over the skip tensor (`inPlaceInput`).
struct Conv2DAddS8Kernel: PreparedKernel {
  var conv: Conv2DS8Kernel
  var add: AddS8Kernel

  var takesScratch: Bool { true }
  var cFunction: String { "edgec_conv2d_add_s8" }
  var cParamsType: String { "edgec_conv2d_add_s8_params" }
  var cFields: [NamedKernelField] {
    // The ADD's fields without broadcasting, input1 being the convolution.
    let renamed: [String: String] = [
      "input1_offset": "conv_offset", "input2_offset": "skip_offset",
      "input1_multiplier": "conv_multiplier", "input1_shift": "conv_shift",
      "input2_multiplier": "skip_multiplier", "input2_shift": "skip_shift",
    ]
    let addFields = add.cFields.filter { $0.name != "broadcast" }.map {
      NamedKernelField(renamed[$0.name] ?? $0.name, $0.value)
    }
    return [NamedKernelField("conv", .record(conv.cFields)), NamedKernelField("add", .record(addFields))]
  }
  var inPlaceInputs: [Int] { [3] }

  func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard inputs.count == 4, !outputs.isEmpty else { return }
    var convOutputs = [TensorValue(
      [Int8](repeating: 0, count: outputs[0].elementCount), type: .int8, shape: outputs[0].shape)]
    conv.run(inputs: Array(inputs[0..<3]), outputs: &convOutputs)
    add.run(inputs: [convOutputs[0], inputs[3]], outputs: &outputs)
  }
}
