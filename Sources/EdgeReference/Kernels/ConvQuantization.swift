import EdgeCore

// The compile-time half of TFLM's Prepare for the convolution-like operators
// (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED) and the pools: which element
// types they accept, the requantization multipliers and the activation clamp.

/// Which arithmetic a kernel instance runs.
enum ConvArithmetic: Sendable {
  case int8, float32
}

/// The per-channel real scales of TFLite's PopulateConvolutionQuantizationParams:
/// for every output channel `double(input_scale) * double(filter_scale) /
/// double(output_scale)`, in that order (the caller turns them into Q31
/// multipliers). A single (per-tensor) filter scale applies to every channel.
func convChannelScales(
  inputScale: Float, filterScales: [Float], outputScale: Float, channels: Int
) -> [Double] {
  (0..<channels).map { channel in
    let filterScale = filterScales.count == 1 ? filterScales[0] : filterScales[channel]
    return Double(inputScale) * Double(filterScale) / Double(outputScale)
  }
}

extension OpContext {
  /// Decides int8 or float32 arithmetic from the activation, weight and bias
  /// types, and rejects what edgec does not run: uint8 or int16 activations,
  /// mixed types, and hybrid float/int8 (CONV_2D takes its hybrid form to
  /// Conv2DHybrid.swift before asking).
  func convArithmetic(input: Tensor, filter: Tensor?, bias: Tensor?, output: Tensor) throws -> ConvArithmetic {
    let name = op.kind.name
    switch (input.type, output.type) {
    case (.int8, .int8):
      if let filter, filter.type != .int8, filter.type != .int4 || !Self.int4Operators.contains(op.kind) {
        throw error(.unsupported, "\(name) with int8 activations and \(filter.type.rawValue) weights '\(filter.name)' is not supported (edgec runs int8 weights, and int4 in CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED)")
      }
      if let bias, bias.type != .int32 {
        throw error(.unsupported, "\(name) int8 bias '\(bias.name)' must be int32, it is \(bias.type.rawValue)")
      }
      return .int8
    case (.float32, .float32):
      if let filter, filter.type != .float32 {
        throw error(.unsupported, "hybrid \(name) (float32 activations, \(filter.type.rawValue) weights '\(filter.name)') is not supported; quantize the whole model to int8 or keep it float32")
      }
      if let bias, bias.type != .float32 {
        throw error(.unsupported, "\(name) float bias '\(bias.name)' must be float32, it is \(bias.type.rawValue)")
      }
      return .float32
    default:
      throw error(.unsupported, "\(name) with \(input.type.rawValue) input '\(input.name)' and \(output.type.rawValue) output '\(output.name)' is not supported (edgec runs int8 and float32)")
    }
  }

  /// The filter's scales, checked to be per-tensor or one per output channel.
  func filterScales(_ filter: Tensor, channels: Int) throws -> [Float] {
    let q = try quantization(of: filter)
    guard q.scales.count == 1 || q.scales.count == channels else {
      throw error(.invalidGraph, "weights '\(filter.name)' have \(q.scales.count) scales; expected 1 or \(channels) (one per output channel)")
    }
    guard q.scales.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
      throw error(.invalidGraph, "weights '\(filter.name)' have a negative or non-finite scale")
    }
    return q.scales
  }

  /// TFLite's CalculateActivationRangeQuantized for an int8 output. A fused
  /// activation that is not a clamp (TANH, SIGN_BIT) is an error rather than
  /// silently dropped.
  func int8ActivationRange(output: Tensor) throws -> (min: Int32, max: Int32) {
    let activation = try clampActivation()
    let q = try quantization(of: output)
    return quantizedActivationRange(activation, scale: q.scale, zeroPoint: Int32(truncatingIfNeeded: q.zeroPoint), type: .int8)
  }

  /// TFLite's CalculateActivationRange for a float output.
  func float32ActivationRange() throws -> (min: Float, max: Float) {
    floatActivationRange(try clampActivation())
  }

  private func clampActivation() throws -> FusedActivation {
    let activation = op.fusedActivation
    switch activation {
    case .none, .relu, .relu6, .reluN1To1: return activation
    case .tanh, .signBit:
      throw error(.unsupported, "fused activation \(activation.rawValue) on \(op.kind.name) is not supported (only RELU, RELU6, RELU_N1_TO_1)")
    }
  }

  /// An activation tensor's scale, checked to be finite and positive so the
  /// multipliers derived from it are defined.
  func activationScale(_ tensor: Tensor) throws -> Float {
    let scale = try quantization(of: tensor).scale
    guard scale.isFinite, scale > 0 else {
      throw error(.invalidGraph, "tensor '\(tensor.name)' has scale \(scale); it must be finite and positive")
    }
    return scale
  }

  /// Q31 multipliers for the requantization scales, rejecting scales of 2^31
  /// or more, whose left shift does not fit a 32-bit accumulator.
  func requantization(_ scales: [Double], what: String) throws -> [QuantizedMultiplier] {
    try scales.map { scale in
      guard scale.isFinite, scale >= 0, scale < 2_147_483_648 else {
        throw error(.invalidGraph, "\(what) has requantization scale \(scale), outside [0, 2^31)")
      }
      return QuantizedMultiplier(scale)
    }
  }

  /// A zero point as the int32 offset the kernels add, checked to fit int8.
  func int8ZeroPoint(_ tensor: Tensor) throws -> Int32 {
    let zp = try quantization(of: tensor).zeroPoint
    guard (-128...127).contains(zp) else {
      throw error(.invalidGraph, "tensor '\(tensor.name)' has zero point \(zp), outside int8")
    }
    return Int32(zp)
  }
}

/// The int8 output stage of a per-channel convolution (CONV_2D, DEPTHWISE_CONV_2D):
/// offsets, activation clamp, and one TFLM multiplier and shift per output channel.
struct PerChannelRequantization {
  var inputOffset: Int32, outputOffset: Int32
  var actMin: Int32, actMax: Int32
  var multipliers: [Int32], shifts: [Int32]
}

extension OpContext {
  /// Computes `PerChannelRequantization` as TFLM's Prepare does, after checking
  /// the weights are quantized along `axis` (0 for CONV_2D, 3 for depthwise).
  func perChannelRequantization(
    input: Tensor, filter: Tensor, output: Tensor, channels: Int, axis: Int
  ) throws -> PerChannelRequantization {
    let name = op.kind.name
    let filterQ = try quantization(of: filter)
    if filterQ.isPerAxis && filterQ.axis != axis {
      throw error(.invalidGraph, "\(name) weights '\(filter.name)' are quantized along axis \(filterQ.axis); TFLite requires axis \(axis)")
    }
    let scales = convChannelScales(
      inputScale: try activationScale(input),
      filterScales: try filterScales(filter, channels: channels),
      outputScale: try activationScale(output), channels: channels)
    let multipliers = try requantization(scales, what: "\(name) '\(output.name)'")
    let range = try int8ActivationRange(output: output)
    return PerChannelRequantization(
      inputOffset: -(try int8ZeroPoint(input)), outputOffset: try int8ZeroPoint(output),
      actMin: range.min, actMax: range.max,
      multipliers: multipliers.map(\.multiplier), shifts: multipliers.map(\.shift))
  }
}
