import EdgeCore

/// An int8 activation's per-tensor quantization, validated once so that the
/// kernels can trust it: a positive finite scale and a zero point in int8 range.
struct Int8Quantization {
  var scale: Float
  var zeroPoint: Int32
}

extension OpContext {
  /// The per-tensor quantization of an int8 activation, or an error naming the tensor.
  func int8Quantization(of tensor: Tensor) throws -> Int8Quantization {
    let q = try quantization(of: tensor)
    guard !q.isPerAxis else {
      throw error(.unsupported, "tensor '\(tensor.name)' has per-axis quantization; \(op.kind.name) needs one scale and zero point")
    }
    guard q.scale > 0, q.scale.isFinite else {
      throw error(.invalidGraph, "tensor '\(tensor.name)' has scale \(q.scale); a quantization scale must be positive and finite")
    }
    guard (-128...127).contains(q.zeroPoint) else {
      throw error(.invalidGraph, "tensor '\(tensor.name)' is int8 but its zero point \(q.zeroPoint) is outside [-128, 127]")
    }
    return Int8Quantization(scale: q.scale, zeroPoint: Int32(q.zeroPoint))
  }

  /// Requires `tensor` to have `type`, naming both when it does not.
  func require(_ tensor: Tensor, is type: DataType, role: String) throws {
    guard tensor.type == type else {
      throw error(.unsupported, "\(role) '\(tensor.name)' is \(tensor.type.rawValue); \(op.kind.name) here needs \(type.rawValue)")
    }
  }
}
