import EdgeCore

// ADD and MUL: int8 with TFLM's rescaling (add_common.cc, mul_common.cc,
// reference/integer_ops/add.h and mul.h) and float32, each with a fused
// activation and numpy broadcasting.

func lowerElementwise(_ context: OpContext) throws -> LoweredOp {
  let (a, b, output) = (try context.input(0), try context.input(1), try context.output())
  guard a.type == b.type, a.type == output.type else {
    throw context.error(
      .unsupported,
      "inputs '\(a.name)' (\(a.type.rawValue)) and '\(b.name)' (\(b.type.rawValue)) and output '\(output.name)' (\(output.type.rawValue)) must share one type")
  }
  let activation = context.op.fusedActivation
  guard [.none, .relu, .relu6, .reluN1To1].contains(activation) else {
    throw context.error(.unsupported, "fused activation \(activation.rawValue) is not supported on \(context.op.kind.name)")
  }
  let plan = try context.broadcastPlan(a, b, output: output)
  switch output.type {
  case .int8:
    let (qa, qb, qo) = try (context.int8Quantization(of: a), context.int8Quantization(of: b), context.int8Quantization(of: output))
    let range = quantizedActivationRange(activation, scale: qo.scale, zeroPoint: qo.zeroPoint, type: .int8)
    if context.op.kind == .add {
      return context.kernel(try AddS8Kernel(context, plan: plan, qa, qb, qo, range: range))
    }
    let real = Double(qa.scale) * Double(qb.scale) / Double(qo.scale)
    return context.kernel(
      MulS8Kernel(
        broadcast: plan, input1Offset: -qa.zeroPoint, input2Offset: -qb.zeroPoint,
        outputOffset: qo.zeroPoint, output: QuantizedMultiplier(real),
        actMin: range.min, actMax: range.max))
  case .float32:
    let range = floatActivationRange(activation)
    return context.kernel(
      ElementwiseF32Kernel(
        operation: context.op.kind == .add ? .add : .mul, broadcast: plan,
        actMin: range.min, actMax: range.max))
  default:
    throw context.error(.unsupported, "\(context.op.kind.name) on \(output.type.rawValue) tensors is not supported (int8 and float32 are)")
  }
}

/// int8 ADD: both inputs are brought to a common scale (twice the larger
/// input scale, with 20 bits of headroom), added, then rescaled to the output.
public struct AddS8Kernel: PreparedKernel {
  public var broadcast: BroadcastPlan
  public var input1Offset: Int32, input2Offset: Int32, outputOffset: Int32
  public var leftShift: Int32
  public var input1: QuantizedMultiplier, input2: QuantizedMultiplier, output: QuantizedMultiplier
  public var actMin: Int32, actMax: Int32

  init(
    _ context: OpContext, plan: BroadcastPlan, _ qa: Int8Quantization, _ qb: Int8Quantization,
    _ qo: Int8Quantization, range: (min: Int32, max: Int32)
  ) throws {
    leftShift = 20
    let twiceMaxInputScale = 2 * Double(max(qa.scale, qb.scale))
    let real1 = Double(qa.scale) / twiceMaxInputScale
    let real2 = Double(qb.scale) / twiceMaxInputScale
    let realOutput = twiceMaxInputScale / (Double(1 << leftShift) * Double(qo.scale))
    func smallerThanOne(_ real: Double, _ what: String) throws -> QuantizedMultiplier {
      // TFLM's QuantizeMultiplierSmallerThanOneExp aborts outside (0, 1).
      guard real > 0, real < 1 else {
        throw context.error(.unsupported, "ADD's \(what) rescaling factor \(real) is outside (0, 1); TFLM cannot run this model either")
      }
      return QuantizedMultiplier(real)
    }
    broadcast = plan
    input1Offset = -qa.zeroPoint
    input2Offset = -qb.zeroPoint
    outputOffset = qo.zeroPoint
    input1 = try smallerThanOne(real1, "input 1")
    input2 = try smallerThanOne(real2, "input 2")
    output = try smallerThanOne(realOutput, "output")
    (actMin, actMax) = range
  }

  public var inPlaceInputs: [Int] { broadcast.inputsInOutputOrder }
  public var cFunction: String { "edgec_add_s8" }
  public var cParamsType: String { "edgec_add_s8_params" }
  public var cFields: [NamedKernelField] {
    addS8ParamsFields(
      broadcast: broadcast, offsets: (input1Offset, input2Offset, outputOffset), leftShift: leftShift,
      multipliers: (input1, input2, output), activation: (actMin, actMax))
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let a = inputs[0]?.elements(as: Int8.self), let b = inputs[1]?.elements(as: Int8.self) else { return }
    var result = [Int8](repeating: 0, count: outputs[0].elementCount)
    result.withUnsafeMutableBufferPointer { out in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          broadcast.forEach { o, i, j in
            let x = (input1Offset + Int32(a[i])) << leftShift
            let y = (input2Offset + Int32(b[j])) << leftShift
            let sum =
              multiplyByQuantizedMultiplierSmallerThanOneExp(x, input1.multiplier, input1.shift)
              &+ multiplyByQuantizedMultiplierSmallerThanOneExp(y, input2.multiplier, input2.shift)
            let raw = multiplyByQuantizedMultiplierSmallerThanOneExp(sum, output.multiplier, output.shift) &+ outputOffset
            out[o] = Int8(min(actMax, max(actMin, raw)))
          }
        }
      }
    }
    outputs[0] = TensorValue(result, type: .int8, shape: outputs[0].shape)
  }
}

/// int8 MUL: the product of the offset inputs, requantized once.
public struct MulS8Kernel: PreparedKernel {
  public var broadcast: BroadcastPlan
  public var input1Offset: Int32, input2Offset: Int32, outputOffset: Int32
  public var output: QuantizedMultiplier
  public var actMin: Int32, actMax: Int32

  public var inPlaceInputs: [Int] { broadcast.inputsInOutputOrder }
  public var cFunction: String { "edgec_mul_s8" }
  public var cParamsType: String { "edgec_mul_s8_params" }
  public var cFields: [NamedKernelField] {
    [
      NamedKernelField("broadcast", broadcast.cRecord),
      NamedKernelField("input1_offset", .int(input1Offset)),
      NamedKernelField("input2_offset", .int(input2Offset)),
      NamedKernelField("output_offset", .int(outputOffset)),
      NamedKernelField("output_multiplier", .int(output.multiplier)),
      NamedKernelField("output_shift", .int(output.shift)),
      NamedKernelField("act_min", .int(actMin)),
      NamedKernelField("act_max", .int(actMax)),
    ]
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let a = inputs[0]?.elements(as: Int8.self), let b = inputs[1]?.elements(as: Int8.self) else { return }
    var result = [Int8](repeating: 0, count: outputs[0].elementCount)
    result.withUnsafeMutableBufferPointer { out in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          broadcast.forEach { o, i, j in
            let product = (input1Offset + Int32(a[i])) * (input2Offset + Int32(b[j]))
            let raw = outputOffset &+ multiplyByQuantizedMultiplier(product, output.multiplier, output.shift)
            out[o] = Int8(min(actMax, max(actMin, raw)))
          }
        }
      }
    }
    outputs[0] = TensorValue(result, type: .int8, shape: outputs[0].shape)
  }
}

/// float32 ADD or MUL followed by the activation clamp.
public struct ElementwiseF32Kernel: PreparedKernel {
  public enum Operation: Sendable { case add, mul }
  public var operation: Operation
  public var broadcast: BroadcastPlan
  public var actMin: Float, actMax: Float

  public var inPlaceInputs: [Int] { broadcast.inputsInOutputOrder }
  public var cFunction: String { operation == .add ? "edgec_add_f32" : "edgec_mul_f32" }
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
    let isAdd = operation == .add
    result.withUnsafeMutableBufferPointer { out in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          broadcast.forEach { o, i, j in
            let x = isAdd ? a[i] + b[j] : a[i] * b[j]
            out[o] = x < actMin ? actMin : (x > actMax ? actMax : x)
          }
        }
      }
    }
    outputs[0] = TensorValue(floats: result, shape: outputs[0].shape)
  }
}

/// The fields of `edgec_add_s8_params`, which int8 ADD, SUB and
/// SQUARED_DIFFERENCE share (TFLM's rescale-to-common-scale arithmetic).
func addS8ParamsFields(
  broadcast: BroadcastPlan, offsets: (Int32, Int32, Int32), leftShift: Int32,
  multipliers: (QuantizedMultiplier, QuantizedMultiplier, QuantizedMultiplier), activation: (Int32, Int32)
) -> [NamedKernelField] {
  [
    NamedKernelField("broadcast", broadcast.cRecord),
    NamedKernelField("input1_offset", .int(offsets.0)),
    NamedKernelField("input2_offset", .int(offsets.1)),
    NamedKernelField("output_offset", .int(offsets.2)),
    NamedKernelField("left_shift", .int(leftShift)),
    NamedKernelField("input1_multiplier", .int(multipliers.0.multiplier)),
    NamedKernelField("input1_shift", .int(multipliers.0.shift)),
    NamedKernelField("input2_multiplier", .int(multipliers.1.multiplier)),
    NamedKernelField("input2_shift", .int(multipliers.1.shift)),
    NamedKernelField("output_multiplier", .int(multipliers.2.multiplier)),
    NamedKernelField("output_shift", .int(multipliers.2.shift)),
    NamedKernelField("act_min", .int(activation.0)),
    NamedKernelField("act_max", .int(activation.1)),
  ]
}
