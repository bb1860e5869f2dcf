/// The values one float tensor took over the calibration samples: exact
/// min/max and a histogram for the percentile and MSE range searches.
///
/// The histogram is two halves (values ≥ 0 and magnitudes of values < 0), each
/// `binCount` bins of width 2^exponent starting at 0. A value beyond a half's
/// reach doubles its bin width by merging neighbouring pairs, which is exact,
/// so the range never has to be known in advance and two histograms (from two
/// threads) merge exactly by coarsening the finer one.
public struct TensorStatistics: Sendable, Equatable {
  public static let binCount = 2048
  public private(set) var min = Float.infinity
  public private(set) var max = -Float.infinity
  public private(set) var count = 0
  var positive = HalfHistogram()
  var negative = HalfHistogram()

  public init() {}

  public mutating func add(_ values: UnsafeBufferPointer<Float>) {
    var lo = min, hi = max
    for v in values where v.isFinite {
      if v < lo { lo = v }
      if v > hi { hi = v }
      if v >= 0 { positive.add(v) } else { negative.add(-v) }
    }
    (min, max) = (lo, hi)
    count += values.count
  }

  public mutating func merge(_ other: TensorStatistics) {
    min = Swift.min(min, other.min)
    max = Swift.max(max, other.max)
    count += other.count
    positive.merge(other.positive)
    negative.merge(other.negative)
  }

  /// (bin centre, count) over both halves, negative values first.
  var bins: [(value: Double, count: Double)] {
    var result: [(Double, Double)] = []
    let nw = negative.width, pw = positive.width
    for i in stride(from: negative.counts.count - 1, through: 0, by: -1) where negative.counts[i] > 0 {
      result.append((-(Double(i) + 0.5) * nw, Double(negative.counts[i])))
    }
    for i in positive.counts.indices where positive.counts[i] > 0 {
      result.append(((Double(i) + 0.5) * pw, Double(positive.counts[i])))
    }
    return result
  }
}

/// Bins of width 2^exponent over [0, binCount · width).
struct HalfHistogram: Sendable, Equatable {
  var counts = [UInt64](repeating: 0, count: TensorStatistics.binCount)
  /// Starts fine (2^-20) so that small activations still get many bins.
  var exponent = -20

  var width: Double { Double(sign: .plus, exponent: exponent, significand: 1) }

  @inline(__always)
  mutating func add(_ magnitude: Float) {
    var index = Int(Double(magnitude) / width)
    while index >= counts.count {
      coarsen()
      index = Int(Double(magnitude) / width)
    }
    counts[index] &+= 1
  }

  /// Doubles the bin width: bin i takes old bins 2i and 2i+1.
  mutating func coarsen() {
    let n = counts.count
    for i in 0..<(n / 2) { counts[i] = counts[2 * i] &+ counts[2 * i + 1] }
    for i in (n / 2)..<n { counts[i] = 0 }
    exponent += 1
  }

  mutating func merge(_ other: HalfHistogram) {
    var other = other
    while exponent < other.exponent { coarsen() }
    while other.exponent < exponent { other.coarsen() }
    for i in counts.indices { counts[i] &+= other.counts[i] }
  }
}
