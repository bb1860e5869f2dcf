import EdgeCore

// Window geometry shared by CONV_2D, DEPTHWISE_CONV_2D and the 2-D pools:
// output sizes and top/left padding exactly as TFLite's padding.h computes
// them (ComputeOutSize, ComputePaddingWithOffset), so that every executor
// reads the same input pixel for the same output pixel.

/// An NHWC shape as the kernels see it (`edgec_dims` in kernels.h).
struct NHWCDims: Hashable, Sendable {
  var n: Int, h: Int, w: Int, c: Int

  init(n: Int, h: Int, w: Int, c: Int) {
    (self.n, self.h, self.w, self.c) = (n, h, w, c)
  }

  /// The dims of a rank-4 tensor, or nil for any other rank.
  init?(_ shape: Shape) {
    guard shape.rank == 4 else { return nil }
    self.init(n: shape[0], h: shape[1], w: shape[2], c: shape[3])
  }

  var elementCount: Int { n * h * w * c }

  /// `{n, h, w, c}` for the C struct.
  var field: KernelField { .inline([n, h, w, c].map { Int32(truncatingIfNeeded: $0) }) }
}

/// Strides, dilations and the top/left padding of a sliding window. The
/// bottom/right padding is implied by the input and output sizes.
struct WindowGeometry: Hashable, Sendable {
  var strideH: Int, strideW: Int
  var dilationH: Int, dilationW: Int
  var padH: Int, padW: Int

  /// TFLite's `ComputeOutSize`: the output extent of one spatial axis.
  static func outputSize(padding: Padding, input: Int, filter: Int, stride: Int, dilation: Int) -> Int {
    let effectiveFilter = (filter - 1) * dilation + 1
    guard stride > 0 else { return 0 }
    switch padding {
    case .same: return (input + stride - 1) / stride
    case .valid: return (input + stride - effectiveFilter) / stride
    }
  }

  /// TFLite's `ComputePaddingWithOffset`: the top (or left) padding. When the
  /// total padding is odd the extra row goes to the bottom (right), which the
  /// kernels get for free by skipping taps outside the input.
  static func padding(input: Int, filter: Int, output: Int, stride: Int, dilation: Int) -> Int {
    let effectiveFilter = (filter - 1) * dilation + 1
    let total = (output - 1) * stride + effectiveFilter - input
    return max(total, 0) / 2
  }

  /// The fields in kernels.h order: stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w.
  var cFields: [NamedKernelField] {
    [
      NamedKernelField("stride_h", .int(Int32(strideH))), NamedKernelField("stride_w", .int(Int32(strideW))),
      NamedKernelField("dilation_h", .int(Int32(dilationH))), NamedKernelField("dilation_w", .int(Int32(dilationW))),
      NamedKernelField("pad_h", .int(Int32(padH))), NamedKernelField("pad_w", .int(Int32(padW))),
    ]
  }
}

extension OpContext {
  /// The rank-4 dims of `tensor`, or an error naming it.
  func nhwcDims(_ tensor: Tensor, role: String) throws -> NHWCDims {
    guard let dims = NHWCDims(tensor.shape) else {
      throw error(.invalidGraph, "\(role) '\(tensor.name)' must have rank 4, it has shape \(tensor.shape)")
    }
    return dims
  }

  /// Validates a window operator's options and shapes the way TFLM's Prepare
  /// does (ComputePaddingHeightWidth) and returns its geometry. The output
  /// tensor must have the size TFLite computes; anything else would make the
  /// kernels read outside the input.
  func windowGeometry(
    padding: Padding, strideH: Int, strideW: Int, dilationH: Int = 1, dilationW: Int = 1,
    input: NHWCDims, filterH: Int, filterW: Int, output: NHWCDims, explicit: ExplicitPadding? = nil
  ) throws -> WindowGeometry {
    guard strideH >= 1, strideW >= 1 else {
      throw error(.invalidGraph, "strides must be at least 1, got \(strideH)×\(strideW)")
    }
    guard dilationH >= 1, dilationW >= 1 else {
      throw error(.invalidGraph, "dilations must be at least 1, got \(dilationH)×\(dilationW)")
    }
    guard filterH >= 1, filterW >= 1 else {
      throw error(.invalidGraph, "the window must be at least 1×1, got \(filterH)×\(filterW)")
    }
    if let explicit {
      return try explicitWindowGeometry(
        explicit, strideH: strideH, strideW: strideW, dilationH: dilationH, dilationW: dilationW,
        input: input, filterH: filterH, filterW: filterW, output: output)
    }
    let outH = WindowGeometry.outputSize(padding: padding, input: input.h, filter: filterH, stride: strideH, dilation: dilationH)
    let outW = WindowGeometry.outputSize(padding: padding, input: input.w, filter: filterW, stride: strideW, dilation: dilationW)
    guard outH >= 1, outW >= 1 else {
      throw error(.invalidGraph, "a \(filterH)×\(filterW) window (dilation \(dilationH)×\(dilationW)) does not fit the \(input.h)×\(input.w) input with \(padding.rawValue.uppercased()) padding")
    }
    guard output.h == outH, output.w == outW, output.n == input.n else {
      throw error(.invalidGraph, "output is \(output.n)×\(output.h)×\(output.w), but \(padding.rawValue.uppercased()) padding with stride \(strideH)×\(strideW) gives \(input.n)×\(outH)×\(outW) for input \(input.n)×\(input.h)×\(input.w)")
    }
    return WindowGeometry(
      strideH: strideH, strideW: strideW, dilationH: dilationH, dilationW: dilationW,
      padH: WindowGeometry.padding(input: input.h, filter: filterH, output: outH, stride: strideH, dilation: dilationH),
      padW: WindowGeometry.padding(input: input.w, filter: filterW, output: outW, stride: strideW, dilation: dilationW))
  }

  /// A folded PAD's amounts: the top/left padding as given; the kernels skip
  /// every tap outside the input, which pads the bottom/right for free.
  private func explicitWindowGeometry(
    _ explicit: ExplicitPadding, strideH: Int, strideW: Int, dilationH: Int, dilationW: Int,
    input: NHWCDims, filterH: Int, filterW: Int, output: NHWCDims
  ) throws -> WindowGeometry {
    func extent(_ size: Int, _ before: Int, _ after: Int, _ filter: Int, _ stride: Int, _ dilation: Int) -> Int {
      let effective = (filter - 1) * dilation + 1
      let padded = size + before + after
      return padded < effective ? 0 : (padded - effective) / stride + 1
    }
    let outH = extent(input.h, explicit.top, explicit.bottom, filterH, strideH, dilationH)
    let outW = extent(input.w, explicit.left, explicit.right, filterW, strideW, dilationW)
    guard output.h == outH, output.w == outW, output.n == input.n, outH >= 1, outW >= 1 else {
      throw error(.invalidGraph, "output is \(output.n)×\(output.h)×\(output.w), but padding \(explicit) with stride \(strideH)×\(strideW) gives \(input.n)×\(outH)×\(outW) for input \(input.n)×\(input.h)×\(input.w)")
    }
    return WindowGeometry(
      strideH: strideH, strideW: strideW, dilationH: dilationH, dilationW: dilationW,
      padH: explicit.top, padW: explicit.left)
  }
}
