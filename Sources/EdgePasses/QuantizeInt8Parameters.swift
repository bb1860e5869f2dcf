import EdgeCore

/// TFLite's quantization parameters, computed the way the converter does.
public enum Int8Parameters {
  /// Per-tensor asymmetric int8 for a float range: the range widened to hold
  /// 0 (so that zero, i.e. padding and ReLU's floor, is exact), scale =
  /// (max − min) / 255, zero point = round(−128 − min / scale) clamped.
  public static func activation(_ range: ClosedRange<Float>) -> Quantization {
    let lo = Double(Swift.min(range.lowerBound, 0)), hi = Double(Swift.max(range.upperBound, 0))
    guard hi > lo else { return Quantization(scale: 1, zeroPoint: -128) }
    let scale = (hi - lo) / 255
    let zeroPoint = Swift.min(Swift.max((-128 - lo / scale).rounded(.toNearestOrAwayFromZero), -128), 127)
    return Quantization(scale: Float(scale), zeroPoint: Int64(zeroPoint))
  }

  /// SOFTMAX and LOGISTIC outputs: [0, 1) in steps of 1/256, as TFLM requires.
  public static let probability = Quantization(scale: 1.0 / 256, zeroPoint: -128)

  /// Per-channel symmetric int8 weights along `axis`: scale = max|w| / 127,
  /// zero point 0, values round(w / scale) in [−127, 127]; with `limit` 7,
  /// the int4 weights (scale = max|w| / 7, values in [−7, 7]).
  public static func weights(_ values: [Float], shape: Shape, axis: Int, limit: Float = 127) -> (Quantization, [Int8]) {
    let channels = shape.dims[axis]
    let inner = shape.dims[(axis + 1)...].reduce(1, *)
    var maxima = [Float](repeating: 0, count: channels)
    for (i, v) in values.enumerated() {
      let c = (i / inner) % channels
      maxima[c] = Swift.max(maxima[c], abs(v))
    }
    // An all-zero channel keeps scale 1 (any scale represents it exactly).
    let scales = maxima.map { $0 > 0 ? $0 / limit : 1 }
    let quantized = values.enumerated().map { i, v -> Int8 in
      let q = (v / scales[(i / inner) % channels]).rounded(.toNearestOrAwayFromZero)
      return Int8(Swift.min(Swift.max(q, -limit), limit))
    }
    return (Quantization(scales: scales, zeroPoints: Array(repeating: 0, count: channels), axis: axis), quantized)
  }

  /// A float constant that is not a weight (an ADD or MUL operand): per-tensor
  /// asymmetric int8 over its own range, or `quantization` when given.
  public static func constant(_ values: [Float], quantization: Quantization? = nil) -> (Quantization, [Int8]) {
    let lo = values.min() ?? 0, hi = values.max() ?? 0
    let q = quantization ?? activation(lo...hi)
    return (q, values.map { quantize($0, q) })
  }

  /// round(v / scale) + zero point, clamped to int8.
  public static func quantize(_ v: Float, _ q: Quantization) -> Int8 {
    let r = (Double(v) / Double(q.scale)).rounded(.toNearestOrAwayFromZero) + Double(q.zeroPoint)
    return Int8(Swift.min(Swift.max(r, -128), 127))
  }

  /// int32 bias with scale input_scale · weight_scale[c], zero point 0.
  public static func bias(_ values: [Float], inputScale: Float, weights: Quantization) -> (Quantization, [Int32]) {
    let scales = weights.scales.map { inputScale * $0 }
    let quantized = values.enumerated().map { i, v -> Int32 in
      let scale = Double(scales.count == 1 ? scales[0] : scales[i % scales.count])
      let q = (Double(v) / scale).rounded(.toNearestOrAwayFromZero)
      return Int32(Swift.min(Swift.max(q, Double(Int32.min)), Double(Int32.max)))
    }
    return (Quantization(scales: scales, zeroPoints: Array(repeating: 0, count: scales.count), axis: 0), quantized)
  }
}
