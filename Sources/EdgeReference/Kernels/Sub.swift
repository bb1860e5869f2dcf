import EdgeCore

// Run-time SUB and SQUARED_DIFFERENCE (FoldConstants still folds SUB of
// constants). Both bring the two int8 inputs to a common scale the way ADD
// does (twice the larger input scale, with headroom bits), then:
// - SUB (TFLM sub_common.cc, reference_ops::Sub): headroom 20, the
//   difference rescaled to the output with QuantizeMultiplierSmallerThanOneExp,
//   clamped to the fused activation's range;
// - SQUARED_DIFFERENCE (TFLM squared_difference.cc): headroom 7 (255² · 2^14
//   still fits int32), the squared difference rescaled with the general
//   QuantizeMultiplier of (2·max scale)² / (2^14 · output scale), clamped to
//   int8. Same field layout as edgec_add_s8_params, so both reuse it.
// float32: a − b (then the activation clamp) and (a − b)².

func lowerSubtraction(_ context: OpContext) throws -> LoweredOp {
  let (a, b, output) = (try context.input(0), try context.input(1), try context.output())
  let kind = context.op.kind
  guard a.type == b.type, a.type == output.type else {
    throw context.error(
      .unsupported,
      "inputs '\(a.name)' (\(a.type.rawValue)) and '\(b.name)' (\(b.type.rawValue)) and output '\(output.name)' (\(output.type.rawValue)) must share one type")
  }
  let activation = context.op.fusedActivation
  guard [.none, .relu, .relu6, .reluN1To1].contains(activation) else {
    throw context.error(.unsupported, "fused activation \(activation.rawValue) is not supported on \(kind.name)")
  }
  let plan = try context.broadcastPlan(a, b, output: output)
  let operation: SubtractionOperation = kind == .sub ? .sub : .squaredDifference
  switch output.type {
  case .int8:
    let (qa, qb, qo) = try (
      context.int8Quantization(of: a), context.int8Quantization(of: b), context.int8Quantization(of: output)
    )
    let range = quantizedActivationRange(activation, scale: qo.scale, zeroPoint: qo.zeroPoint, type: .int8)
    let leftShift: Int32 = operation == .sub ? 20 : 7
    let twiceMax = 2 * Double(max(qa.scale, qb.scale))
    let real1 = Double(qa.scale) / twiceMax, real2 = Double(qb.scale) / twiceMax
    let realOutput = operation == .sub
      ? twiceMax / (Double(1 << leftShift) * Double(qo.scale))
      : twiceMax * twiceMax / Double(Float(1 << (2 * leftShift)) * qo.scale)
    for (real, what) in [(real1, "input 1"), (real2, "input 2")] + (operation == .sub ? [(realOutput, "output")] : [])
    where !(real > 0 && real < 1) {
      // QuantizeMultiplierSmallerThanOneExp aborts outside (0, 1).
      throw context.error(.unsupported, "\(kind.name)'s \(what) rescaling factor \(real) is outside (0, 1); TFLM cannot run this model either")
    }
    return context.kernel(
      SubtractionS8Kernel(
        operation: operation, broadcast: plan, input1Offset: -qa.zeroPoint, input2Offset: -qb.zeroPoint,
        outputOffset: qo.zeroPoint, leftShift: leftShift, input1: QuantizedMultiplier(real1),
        input2: QuantizedMultiplier(real2), output: QuantizedMultiplier(realOutput),
        actMin: range.min, actMax: range.max))
  case .float32:
    let range = floatActivationRange(activation)
    return context.kernel(
      SubtractionF32Kernel(operation: operation, broadcast: plan, actMin: range.min, actMax: range.max))
  default:
    throw context.error(.unsupported, "\(kind.name) on \(output.type.rawValue) tensors is not supported (int8 and float32 are)")
  }
}

public enum SubtractionOperation: String, Sendable {
  case sub, squaredDifference = "squared_difference"
}

public struct SubtractionS8Kernel: PreparedKernel {
  public var operation: SubtractionOperation
  public var broadcast: BroadcastPlan
  public var input1Offset: Int32, input2Offset: Int32, outputOffset: Int32
  public var leftShift: Int32
  public var input1: QuantizedMultiplier, input2: QuantizedMultiplier, output: QuantizedMultiplier
  public var actMin: Int32, actMax: Int32

  public var inPlaceInputs: [Int] { broadcast.inputsInOutputOrder }
  public var cFunction: String { "edgec_\(operation.rawValue)_s8" }
  public var cParamsType: String { "edgec_add_s8_params" }
  public var cFields: [NamedKernelField] {
    addS8ParamsFields(
      broadcast: broadcast, offsets: (input1Offset, input2Offset, outputOffset), leftShift: leftShift,
      multipliers: (input1, input2, output), activation: (actMin, actMax))
  }

  /// One output element from two raw int8 inputs.
  func element(_ a: Int8, _ b: Int8) -> Int8 {
    let x = (input1Offset + Int32(a)) &* (1 << leftShift)
    let y = (input2Offset + Int32(b)) &* (1 << leftShift)
    let diff = multiplyByQuantizedMultiplierSmallerThanOneExp(x, input1.multiplier, input1.shift)
      &- multiplyByQuantizedMultiplierSmallerThanOneExp(y, input2.multiplier, input2.shift)
    let raw: Int32
    switch operation {
    case .sub: raw = multiplyByQuantizedMultiplierSmallerThanOneExp(diff, output.multiplier, output.shift)
    case .squaredDifference: raw = multiplyByQuantizedMultiplier(diff &* diff, output.multiplier, output.shift)
    }
    return Int8(min(actMax, max(actMin, raw &+ outputOffset)))
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let a = inputs[0]?.elements(as: Int8.self), let b = inputs[1]?.elements(as: Int8.self) else { return }
    var result = [Int8](repeating: 0, count: outputs[0].elementCount)
    result.withUnsafeMutableBufferPointer { out in
      broadcast.forEach { o, i, j in out[o] = element(a[i], b[j]) }
    }
    outputs[0] = TensorValue(result, type: .int8, shape: outputs[0].shape)
  }
}

public struct SubtractionF32Kernel: PreparedKernel {
  public var operation: SubtractionOperation
  public var broadcast: BroadcastPlan
  public var actMin: Float, actMax: Float

  public var inPlaceInputs: [Int] { broadcast.inputsInOutputOrder }
  public var cFunction: String { "edgec_\(operation.rawValue)_f32" }
  public var cParamsType: String { "edgec_elementwise_f32_params" }
  public var cFields: [NamedKernelField] {
    [
      NamedKernelField("broadcast", broadcast.cRecord),
      NamedKernelField("act_min", .float(actMin)),
      NamedKernelField("act_max", .float(actMax)),
    ]
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let a = inputs[0]?.floats, let b = inputs[1]?.floats else { return }
    var result = [Float](repeating: 0, count: outputs[0].elementCount)
    let square = operation == .squaredDifference
    result.withUnsafeMutableBufferPointer { out in
      broadcast.forEach { o, i, j in
        let d = a[i] - b[j]
        let x = square ? d * d : d
        out[o] = x < actMin ? actMin : (x > actMax ? actMax : x)
      }
    }
    outputs[0] = TensorValue(floats: result, shape: outputs[0].shape)
  }
}
