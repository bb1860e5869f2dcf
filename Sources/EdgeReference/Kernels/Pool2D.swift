import EdgeCore

// AVERAGE_POOL_2D and MAX_POOL_2D: TFLM's reference pools. Windows are
// clipped to the input, so padding never enters a max or an average: the
// average divides by the number of in-bounds taps. int8 pools work on the raw
// values (TFLite requires the output to share the input's quantization) and
// round the average half away from zero.

func lowerPool2D(_ context: OpContext) throws -> LoweredOp {
  guard case .pool2D(let options) = context.op.options else {
    throw context.error(.invalidGraph, "\(context.op.kind.name) carries no Pool2DOptions")
  }
  let input = try context.input(0)
  let output = try context.output()
  let arithmetic = try context.convArithmetic(input: input, filter: nil, bias: nil, output: output)
  let inDims = try context.nhwcDims(input, role: "input")
  let outDims = try context.nhwcDims(output, role: "output")
  guard inDims.c == outDims.c else {
    throw context.error(.invalidGraph, "input '\(input.name)' has \(inDims.c) channels, output '\(output.name)' \(outDims.c)")
  }
  let window = try context.windowGeometry(
    padding: options.padding, strideH: options.strideH, strideW: options.strideW,
    input: inDims, filterH: options.filterH, filterW: options.filterW, output: outDims)
  let isMax = context.op.kind == .maxPool2D
  let shape = PoolShape(input: inDims, output: outDims, filterH: options.filterH, filterW: options.filterW, window: window)
  switch arithmetic {
  case .int8:
    let range = try context.int8ActivationRange(output: output)
    return context.kernel(Pool2DS8Kernel(isMax: isMax, shape: shape, actMin: range.min, actMax: range.max), inputs: [context.inputID(0)])
  case .float32:
    let range = try context.float32ActivationRange()
    return context.kernel(Pool2DF32Kernel(isMax: isMax, shape: shape, actMin: range.min, actMax: range.max), inputs: [context.inputID(0)])
  }
}

/// What both pool kernels share: the dims and the window.
struct PoolShape: Hashable, Sendable {
  var input: NHWCDims, output: NHWCDims
  var filterH: Int, filterW: Int
  var window: WindowGeometry

  /// The struct's leading fields: input, output, filter_h, filter_w, stride_h, stride_w, pad_h, pad_w.
  var cFields: [NamedKernelField] {
    [
      NamedKernelField("input", input.field), NamedKernelField("output", output.field),
      NamedKernelField("filter_h", .int(Int32(filterH))), NamedKernelField("filter_w", .int(Int32(filterW))),
      NamedKernelField("stride_h", .int(Int32(window.strideH))), NamedKernelField("stride_w", .int(Int32(window.strideW))),
      NamedKernelField("pad_h", .int(Int32(window.padH))), NamedKernelField("pad_w", .int(Int32(window.padW))),
    ]
  }

  /// Calls `body(outputIndex, taps)` for every output element, where `taps`
  /// lists the in-bounds input indices of its window in TFLM's order (y, then x).
  func forEachWindow(_ body: (Int, [Int]) -> Void) {
    var taps: [Int] = []
    taps.reserveCapacity(filterH * filterW)
    var o = 0
    for b in 0..<output.n {
      for oy in 0..<output.h {
        let iy0 = oy * window.strideH - window.padH
        let yRange = max(0, -iy0)..<min(filterH, input.h - iy0)
        for ox in 0..<output.w {
          let ix0 = ox * window.strideW - window.padW
          let xRange = max(0, -ix0)..<min(filterW, input.w - ix0)
          for c in 0..<output.c {
            taps.removeAll(keepingCapacity: true)
            for fy in yRange {
              for fx in xRange {
                taps.append(((b * input.h + iy0 + fy) * input.w + ix0 + fx) * input.c + c)
              }
            }
            body(o, taps)
            o += 1
          }
        }
      }
    }
  }
}

struct Pool2DS8Kernel: PreparedKernel {
  var isMax: Bool
  var shape: PoolShape
  var actMin: Int32, actMax: Int32

  var cFunction: String { isMax ? "edgec_max_pool_s8" : "edgec_avg_pool_s8" }
  var cParamsType: String { "edgec_pool_s8_params" }
  var cFields: [NamedKernelField] {
    shape.cFields + [NamedKernelField("act_min", .int(actMin)), NamedKernelField("act_max", .int(actMax))]
  }

  func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let inputValue = inputs.first ?? nil, !outputs.isEmpty else { return }
    let x = inputValue.windowKernelElements(as: Int8.self)
    var y = [Int8](repeating: 0, count: shape.output.elementCount)
    shape.forEachWindow { o, taps in
      var value: Int32
      if isMax {
        value = Int32(Int8.min)
        for t in taps { value = max(value, Int32(x[t])) }
      } else {
        var sum: Int32 = 0
        for t in taps { sum &+= Int32(x[t]) }
        // Integer division truncates, so adding half the count before
        // dividing rounds half away from zero; an empty window averages to 0.
        let count = Int32(taps.count)
        value = count == 0 ? 0 : (sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count)
      }
      y[o] = Int8(truncatingIfNeeded: min(max(value, actMin), actMax))
    }
    outputs[0].setWindowKernelElements(y)
  }
}

struct Pool2DF32Kernel: PreparedKernel {
  var isMax: Bool
  var shape: PoolShape
  var actMin: Float, actMax: Float

  var cFunction: String { isMax ? "edgec_max_pool_f32" : "edgec_avg_pool_f32" }
  var cParamsType: String { "edgec_pool_f32_params" }
  var cFields: [NamedKernelField] {
    shape.cFields + [NamedKernelField("act_min", .float(actMin)), NamedKernelField("act_max", .float(actMax))]
  }

  func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let inputValue = inputs.first ?? nil, !outputs.isEmpty else { return }
    let x = inputValue.windowKernelElements(as: Float.self)
    var y = [Float](repeating: 0, count: shape.output.elementCount)
    shape.forEachWindow { o, taps in
      var value: Float
      if isMax {
        // std::max(a, b) keeps `a` unless a < b: NaNs are skipped and of
        // -0 and +0 the first seen wins, which Swift's max would not do.
        value = -Float.greatestFiniteMagnitude
        for t in taps where value < x[t] { value = x[t] }
      } else {
        var total: Float = 0
        for t in taps { total += x[t] }
        value = taps.isEmpty ? 0 : total / Float(taps.count)
      }
      y[o] = value < actMin ? actMin : (value > actMax ? actMax : value)
    }
    outputs[0].setWindowKernelElements(y)
  }
}
