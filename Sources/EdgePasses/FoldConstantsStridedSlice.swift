import EdgeCore

/// STRIDED_SLICE as LiteRT's kernel computes it: the ellipsis and new-axis
/// masks first widen the begin/end/strides vectors to an "effective" input
/// (the input with size-1 axes inserted), then each axis walks from its start
/// to its end by its stride, and shrunk axes are dropped from the output.
/// TFLM's kernel is the same computation without the ellipsis, new-axis and
/// offset features, so on the models it runs the two agree.
extension FoldContext {
  func evaluateStridedSlice(_ options: StridedSliceOptions) throws -> [TensorValue] {
    let input = try value(0)
    let (begin, end, strides) = (try integers(1, "begin"), try integers(2, "end"), try integers(3, "strides"))
    guard begin.count == end.count, begin.count == strides.count else {
      throw error("begin, end and strides have \(begin.count), \(end.count) and \(strides.count) elements")
    }
    let axes = effectiveAxes(rank: input.shape.rank, count: begin.count, options)
    var ranges: [[Int]] = []
    var outputDims: [Int] = []
    for (i, axis) in axes.enumerated() {
      let size = axis.source.map { input.shape[$0] } ?? 1
      let coordinates: [Int]
      switch axis.spec {
      case .whole: coordinates = Array(0..<size)
      case .newAxis: coordinates = [0]
      case .entry(let k):
        let bit = 1 << k
        coordinates = try walk(
          size: size, begin: begin[k], end: end[k], stride: strides[k], beginMask: options.beginMask & bit != 0,
          endMask: options.endMask & bit != 0, shrink: options.shrinkAxisMask & bit != 0, offset: options.offset,
          axis: i)
        if options.shrinkAxisMask & bit != 0 {
          guard coordinates.count == 1 else {
            throw error("shrinks axis \(i), but begin \(begin[k]) selects no element of its \(size)")
          }
          ranges.append(coordinates)
          continue
        }
      }
      ranges.append(coordinates)
      outputDims.append(coordinates.count)
    }
    // New axes have size 1, so the effective input has the input's layout.
    let effectiveDims = axes.map { $0.source.map { input.shape[$0] } ?? 1 }
    let shape = try expectShape(outputDims)
    return [input.picking(flatIndices(dims: effectiveDims, ranges: ranges), shape: shape)]
  }

  /// One axis of the effective input: which input axis it is (nil for an
  /// inserted one) and what selects along it.
  private struct EffectiveAxis {
    enum Spec { case whole, newAxis, entry(Int) }
    let source: Int?
    let spec: Spec
  }

  /// LiteRT's BuildStridedSliceParams: expands the ellipsis to the axes the
  /// vectors do not name and inserts the new axes.
  private func effectiveAxes(rank: Int, count: Int, _ o: StridedSliceOptions) -> [EffectiveAxis] {
    let addedAxes = (0..<count).filter { o.ellipsisMask & (1 << $0) == 0 && o.newAxisMask & (1 << $0) != 0 }.count
    let dims = rank + addedAxes
    var ellipsis = Set<Int>(), newAxes = Set<Int>()
    var ellipsisStart = dims, expanded = 0
    var i = 0
    while i < dims {
      if o.ellipsisMask & (1 << i) != 0 {
        ellipsisStart = i
        let stop = max(i + 1, min(i + 1 + addedAxes + rank - count, dims))
        expanded = stop - i - 1
        while i < stop {
          ellipsis.insert(i)
          i += 1
        }
        continue
      }
      if o.newAxisMask & (1 << (i - expanded)) != 0 { newAxes.insert(i) }
      i += 1
    }
    var result: [EffectiveAxis] = []
    var inserted = 0
    for i in 0..<dims {
      if ellipsis.contains(i) {
        result.append(EffectiveAxis(source: i - inserted, spec: .whole))
      } else if newAxes.contains(i) {
        result.append(EffectiveAxis(source: nil, spec: .newAxis))
        inserted += 1
      } else if i >= count + expanded {
        result.append(EffectiveAxis(source: i - inserted, spec: .whole))
      } else {
        // The ellipsis stands for `expanded + 1` entries' worth of axes.
        let entry = i - (i > ellipsisStart ? expanded : 0)
        result.append(EffectiveAxis(source: i - inserted, spec: .entry(entry)))
      }
    }
    return result
  }

  /// The coordinates one axis visits: LiteRT's StridedSliceStartForAxis and
  /// StridedSliceEndForAxis, then its loop `for (i = start; i < end (or > end
  /// for a negative stride); i += stride)`.
  private func walk(
    size: Int, begin: Int, end rawEnd: Int, stride: Int, beginMask: Bool, endMask: Bool, shrink: Bool,
    offset: Bool, axis: Int
  ) throws -> [Int] {
    guard stride != 0, abs(stride) <= Int(Int32.max) else {
      throw error("stride \(stride) of axis \(axis) must be non-zero and within int32")
    }
    var start = begin < 0 ? begin + size : begin
    start = stride > 0 ? min(max(start, 0), size) : min(max(start, -1), size - 1)
    if beginMask { start = stride > 0 ? 0 : size - 1 }
    var end: Int
    if shrink {
      end = start >= size ? start : start + 1
    } else {
      end = rawEnd
      if offset {
        let (sum, overflow) = rawEnd.addingReportingOverflow(start)
        guard !overflow else { throw error("end \(rawEnd) of axis \(axis) overflows with the offset flag") }
        end = sum
      }
      if end < 0 { end += size }
      end = stride > 0 ? min(max(end, 0), size) : min(max(end, -1), size - 1)
      if endMask { end = stride > 0 ? size : -1 }
    }
    let span = stride > 0 ? end - start : start - end
    let count = span <= 0 ? 0 : (span + abs(stride) - 1) / abs(stride)
    return (0..<count).map { start + $0 * stride }
  }
}
