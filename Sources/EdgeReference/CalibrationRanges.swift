extension TensorStatistics {
  /// The float range `method` chooses; always inside [min, max].
  public func range(_ method: CalibrationMethod) -> ClosedRange<Float> {
    guard min <= max else { return 0...0 }
    switch method {
    case .minmax:
      return min...max
    case .percentile(let percent):
      return percentileRange(percent)
    case .mse:
      return mseRange()
    }
  }

  /// The range without the rarest (100 − percent)% of values, half from
  /// each end, read off the histogram at bin centres.
  func percentileRange(_ percent: Double) -> ClosedRange<Float> {
    let bins = self.bins
    let total = bins.reduce(0) { $0 + $1.count }
    let tail = total * (100 - Swift.min(Swift.max(percent, 0), 100)) / 200
    var below = 0.0, lo = Double(min), hi = Double(max)
    for bin in bins {
      below += bin.count
      if below > tail { lo = bin.value; break }
    }
    var above = 0.0
    for bin in bins.reversed() {
      above += bin.count
      if above > tail { hi = bin.value; break }
    }
    let clippedLo = Float(Swift.max(lo, Double(min))), clippedHi = Float(Swift.min(hi, Double(max)))
    return clippedLo <= clippedHi ? clippedLo...clippedHi : min...max
  }

  /// Shrinks [min, max] by factors 1, 0.99, …, 0.01 (both ends together,
  /// keeping the asymmetry) and keeps the one with the least expected error:
  /// Σ count · (clipping error² outside, or step²/12 of rounding inside).
  func mseRange() -> ClosedRange<Float> {
    let bins = self.bins
    var best = (error: Double.infinity, range: min...max)
    for step in stride(from: 100, through: 1, by: -1) {
      let factor = Double(step) / 100
      let lo = Swift.min(Double(min) * factor, 0), hi = Swift.max(Double(max) * factor, 0)
      let quantum = (hi - lo) / 255
      guard quantum > 0 else { continue }
      var error = 0.0
      for bin in bins {
        if bin.value < lo {
          error += bin.count * (lo - bin.value) * (lo - bin.value)
        } else if bin.value > hi {
          error += bin.count * (bin.value - hi) * (bin.value - hi)
        } else {
          error += bin.count * quantum * quantum / 12
        }
      }
      let rangeLo = min < 0 ? Float(Double(min) * factor) : min
      let rangeHi = max > 0 ? Float(Double(max) * factor) : max
      if error < best.error, rangeLo <= rangeHi { best = (error, rangeLo...rangeHi) }
    }
    return best.range
  }
}
