import EdgeCore

// BATCH_MATMUL: TFLM's batch_matmul.cc with reference_ops::BatchMatMul.
// Both operands are extended to rank 5; the three leading (batch) axes
// broadcast (an axis of size 1 repeats), the last two are the matrices:
// lhs [M, K] (stored [K, M] when adj_x), rhs [K, N] (stored [N, K] when
// adj_y), output [M, N]. int8: the accumulator sums
// (rhs + rhs_offset) · (lhs + lhs_offset) over K, then TFLM's
// MultiplyByQuantizedMultiplier (double rounding) with the multiplier of
// double(s_lhs) · double(s_rhs) / double(s_out) (LiteRT, --rounding litert:
// double(float(s_lhs · s_rhs)) / double(s_out)), plus the
// output zero point, clamped to int8. float32: the sum of products over K in
// ascending order. The kernels read the transposed operands through strides,
// so adj_x/adj_y cost no copy.

func lowerBatchMatMul(_ context: OpContext) throws -> LoweredOp {
  guard case .batchMatMul(let adjX, let adjY) = context.op.options else {
    throw context.error(.invalidGraph, "BATCH_MATMUL carries no BatchMatMulOptions (adj_x, adj_y)")
  }
  let (lhs, rhs, output) = (try context.input(0), try context.input(1), try context.output())
  guard (2...5).contains(lhs.shape.rank), (2...5).contains(rhs.shape.rank) else {
    throw context.error(.unsupported, "BATCH_MATMUL operands '\(lhs.name)' \(lhs.shape) and '\(rhs.name)' \(rhs.shape) must have rank 2 to 5")
  }
  let (l, r) = (extendedTo5(lhs.shape.dims), extendedTo5(rhs.shape.dims))
  let (m, k) = adjX ? (l[4], l[3]) : (l[3], l[4])
  let (rk, n) = adjY ? (r[4], r[3]) : (r[3], r[4])
  var batch: [Int] = []
  for axis in 0..<3 {
    guard l[axis] == r[axis] || l[axis] == 1 || r[axis] == 1 else {
      throw context.error(.invalidGraph, "BATCH_MATMUL batch axes of '\(lhs.name)' \(lhs.shape) and '\(rhs.name)' \(rhs.shape) do not broadcast")
    }
    batch.append(max(l[axis], r[axis]))
  }
  let outputRank = max(lhs.shape.rank, rhs.shape.rank)
  let expected = Array((batch + [m, n]).suffix(outputRank))
  guard rk == k, output.shape.dims == expected else {
    throw context.error(.invalidGraph, "BATCH_MATMUL of '\(lhs.name)' \(lhs.shape) and '\(rhs.name)' \(rhs.shape) (adj_x \(adjX), adj_y \(adjY)) needs equal inner dimensions (\(k), \(rk)) and output \(Shape(expected)), got '\(output.name)' \(output.shape)")
  }
  // Element strides: per batch axis (0 where broadcast), and inside a matrix.
  func batchStrides(_ dims: [Int]) -> [Int32] {
    (0..<3).map { axis in dims[axis] == 1 ? 0 : Int32(dims[(axis + 1)...].reduce(1, *)) }
  }
  let geometry = BatchMatMulGeometry(
    batch: batch.map { Int32($0) }, rows: Int32(m), depth: Int32(k), cols: Int32(n),
    lhsBatchStrides: batchStrides(l), rhsBatchStrides: batchStrides(r),
    lhsRowStride: adjX ? 1 : Int32(k), lhsDepthStride: adjX ? Int32(m) : 1,
    rhsDepthStride: adjY ? 1 : Int32(n), rhsColStride: adjY ? Int32(k) : 1)
  guard lhs.type == rhs.type, lhs.type == output.type else {
    throw context.error(.unsupported, "BATCH_MATMUL needs operands and output of one type, got \(lhs.type.rawValue), \(rhs.type.rawValue) → \(output.type.rawValue)")
  }
  switch lhs.type {
  case .float32:
    return context.kernel(BatchMatMulF32Kernel(geometry: geometry))
  case .int8:
    let (ql, qr, qo) = try (
      context.int8Quantization(of: lhs), context.int8Quantization(of: rhs), context.int8Quantization(of: output))
    // LiteRT's GetQuantizedConvolutionMultipler multiplies the two float32
    // scales in float32 before widening (static_cast<double>(s_in * s_w));
    // TFLM's widens first. The two multipliers differ in the last bits, and
    // on random inputs (`make test-conformance`) in a rounding now and then.
    let real =
      context.options.rounding == .litert
      ? Double(Float(ql.scale) * Float(qr.scale)) / Double(qo.scale)
      : Double(ql.scale) * Double(qr.scale) / Double(qo.scale)
    let multiplier = try context.requantization([real], what: "BATCH_MATMUL '\(output.name)'")[0]
    return context.kernel(
      BatchMatMulS8Kernel(
        geometry: geometry, lhsOffset: -ql.zeroPoint, rhsOffset: -qr.zeroPoint, outputOffset: qo.zeroPoint,
        multiplier: multiplier.multiplier, shift: multiplier.shift))
  default:
    throw context.error(.unsupported, "BATCH_MATMUL on \(lhs.type.rawValue) tensors is not supported (int8 and float32 are)")
  }
}

/// `dims` with leading 1s to rank 5 (TFLite's RuntimeShape::ExtendedShape).
private func extendedTo5(_ dims: [Int]) -> [Int] { [Int](repeating: 1, count: 5 - dims.count) + dims }

/// The loop nest both BATCH_MATMUL kernels walk: `edgec_batch_matmul_geometry`.
public struct BatchMatMulGeometry: Hashable, Sendable {
  /// The output's three batch axes (rank-5 extended).
  public var batch: [Int32]
  public var rows: Int32, depth: Int32, cols: Int32
  public var lhsBatchStrides: [Int32], rhsBatchStrides: [Int32]
  public var lhsRowStride: Int32, lhsDepthStride: Int32
  public var rhsDepthStride: Int32, rhsColStride: Int32

  var fields: [NamedKernelField] {
    [
      NamedKernelField("batch", .inline(batch)),
      NamedKernelField("lhs_batch_stride", .inline(lhsBatchStrides)),
      NamedKernelField("rhs_batch_stride", .inline(rhsBatchStrides)),
      NamedKernelField("rows", .int(rows)), NamedKernelField("depth", .int(depth)),
      NamedKernelField("cols", .int(cols)),
      NamedKernelField("lhs_row_stride", .int(lhsRowStride)),
      NamedKernelField("lhs_depth_stride", .int(lhsDepthStride)),
      NamedKernelField("rhs_depth_stride", .int(rhsDepthStride)),
      NamedKernelField("rhs_col_stride", .int(rhsColStride)),
    ]
  }

  /// Calls `body(output index, lhs base, rhs base)` for every output element
  /// in row-major order; the bases are the element offsets of (row, depth 0)
  /// and (depth 0, col).
  func forEachOutput(_ body: (Int, Int, Int) -> Void) {
    var out = 0
    for b0 in 0..<Int(batch[0]) {
      for b1 in 0..<Int(batch[1]) {
        for b2 in 0..<Int(batch[2]) {
          let lBase = b0 * Int(lhsBatchStrides[0]) + b1 * Int(lhsBatchStrides[1]) + b2 * Int(lhsBatchStrides[2])
          let rBase = b0 * Int(rhsBatchStrides[0]) + b1 * Int(rhsBatchStrides[1]) + b2 * Int(rhsBatchStrides[2])
          for i in 0..<Int(rows) {
            for j in 0..<Int(cols) {
              body(out, lBase + i * Int(lhsRowStride), rBase + j * Int(rhsColStride))
              out += 1
            }
          }
        }
      }
    }
  }
}

public struct BatchMatMulS8Kernel: PreparedKernel {
  public var geometry: BatchMatMulGeometry
  public var lhsOffset: Int32, rhsOffset: Int32, outputOffset: Int32
  public var multiplier: Int32, shift: Int32

  public var cFunction: String { "edgec_batch_matmul_s8" }
  public var cParamsType: String { "edgec_batch_matmul_s8_params" }
  public var cFields: [NamedKernelField] {
    [
      NamedKernelField("geometry", .record(geometry.fields)),
      NamedKernelField("lhs_offset", .int(lhsOffset)), NamedKernelField("rhs_offset", .int(rhsOffset)),
      NamedKernelField("output_offset", .int(outputOffset)),
      NamedKernelField("multiplier", .int(multiplier)), NamedKernelField("shift", .int(shift)),
    ]
  }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let lhs = inputs[0]?.elements(as: Int8.self), let rhs = inputs[1]?.elements(as: Int8.self) else { return }
    var result = [Int8](repeating: 0, count: outputs[0].shape.elementCount)
    let g = geometry
    let (ld, rd) = (Int(g.lhsDepthStride), Int(g.rhsDepthStride))
    g.forEachOutput { out, l, r in
      var acc: Int32 = 0
      for d in 0..<Int(g.depth) {
        acc &+= (Int32(rhs[r + d * rd]) + rhsOffset) &* (Int32(lhs[l + d * ld]) + lhsOffset)
      }
      let scaled = multiplyByQuantizedMultiplier(acc, multiplier, shift) &+ outputOffset
      result[out] = Int8(min(127, max(-128, scaled)))
    }
    outputs[0] = TensorValue(result, type: .int8, shape: outputs[0].shape)
  }
}

public struct BatchMatMulF32Kernel: PreparedKernel {
  public var geometry: BatchMatMulGeometry

  public var cFunction: String { "edgec_batch_matmul_f32" }
  public var cParamsType: String { "edgec_batch_matmul_f32_params" }
  public var cFields: [NamedKernelField] { [NamedKernelField("geometry", .record(geometry.fields))] }

  public func run(inputs: [TensorValue?], outputs: inout [TensorValue]) {
    guard let lhs = inputs[0]?.floats, let rhs = inputs[1]?.floats else { return }
    var result = [Float](repeating: 0, count: outputs[0].shape.elementCount)
    let g = geometry
    let (ld, rd) = (Int(g.lhsDepthStride), Int(g.rhsDepthStride))
    g.forEachOutput { out, l, r in
      var total: Float = 0
      for d in 0..<Int(g.depth) { total += rhs[r + d * rd] * lhs[l + d * ld] }
      result[out] = total
    }
    outputs[0] = TensorValue(floats: result, shape: outputs[0].shape)
  }
}
