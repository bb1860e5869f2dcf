/// Affine quantization of a tensor: real = scale * (q - zeroPoint).
///
/// Per-tensor when `scales.count == 1`; per-axis (TFLite's per-channel weights)
/// when there is one scale per slice along `axis`.
public struct Quantization: Hashable, Sendable, Codable {
  public var scales: [Float]
  public var zeroPoints: [Int64]
  /// The quantized dimension for per-axis quantization (0 for conv filters,
  /// 3 for depthwise filters).
  public var axis: Int

  public init(scales: [Float], zeroPoints: [Int64], axis: Int = 0) {
    self.scales = scales
    self.zeroPoints = zeroPoints
    self.axis = axis
  }

  public init(scale: Float, zeroPoint: Int64) {
    self.init(scales: [scale], zeroPoints: [zeroPoint], axis: 0)
  }

  public var isPerAxis: Bool { scales.count > 1 }

  /// The per-tensor scale (first scale for per-axis tensors).
  public var scale: Float { scales.first ?? 1 }
  public var zeroPoint: Int64 { zeroPoints.first ?? 0 }
}
