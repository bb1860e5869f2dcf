import EdgeCore
import EdgeReference
import Foundation
import Testing

@Suite struct CalibrationTests {
  func statistics(_ values: [Float]) -> TensorStatistics {
    var s = TensorStatistics()
    values.withUnsafeBufferPointer { s.add($0) }
    return s
  }

  /// 0, 1, …, 999 and one outlier at 10^6. The outlier widens the bins to
  /// 512 (2048 · 512 > 10^6), so 0…511 fall in bin 0 (centre 256) and
  /// 512…999 in bin 1 (centre 768). 99.8% keeps all but 1.001 values per
  /// tail: the outlier's bin alone is not more, so the top is bin 1's centre.
  @Test func minmaxAndPercentile() {
    let s = statistics((0..<1000).map(Float.init) + [1_000_000])
    #expect(s.min == 0 && s.max == 1_000_000 && s.count == 1001)
    #expect(s.range(.minmax) == 0...1_000_000)
    #expect(s.range(.percentile(99.8)) == 256...768)
  }

  /// Statistics merged from two halves equal those of the whole, whatever
  /// bin width each half reached: calibration threads merge exactly.
  @Test func mergeIsExact() {
    let values: [Float] = (0..<3000).map { Float($0 % 97) * 0.37 - 11 + ($0 == 2999 ? 5000 : 0) }
    var a = statistics(Array(values[..<1500]))
    a.merge(statistics(Array(values[1500...])))
    #expect(a == statistics(values))
  }

  /// An exponential distribution (20 000 quantiles of mean 0.1, the largest
  /// 0.921) with one outlier at 5. The MSE search weighs 20 000 values'
  /// rounding noise, N·(hi/255)²/12, against the outlier's clipping error
  /// (5 − hi)²: the optimum is hi = 5 / (1 + N/(12·255²)) ≈ 4.875, so of
  /// the 1% steps it keeps 0.98 · 5. The 99.99th percentile drops the
  /// outlier (one value per 1.00005-value tail) and ends at the centre of the
  /// 1/256-wide bin holding 0.921 (bin 235); it starts at bin 0's centre.
  @Test func mseAndPercentileOnALongTail() {
    let n = 20_000
    var values: [Float] = (0..<n).map { k -> Float in
      let p = Double(k) / Double(n + 1)
      return Float(-0.1 * Foundation.log(1 - p))
    }
    values.append(5)
    let s = statistics(values)
    #expect(s.range(.minmax) == 0...5)
    #expect(s.range(.mse) == 0...Float(5 * 0.98))
    #expect(s.range(.percentile(99.99)) == Float(0.5 / 256)...Float(235.5 / 256))
  }

  /// The statistics of a one-op float graph run on three samples.
  @Test func calibrationObservesEveryFloatTensor() throws {
    let graph = Graph(
      name: "relu",
      tensors: [
        Tensor(name: "x", type: .float32, shape: Shape([1, 3])),
        Tensor(name: "c", type: .float32, shape: Shape([1, 3]), data: TensorValue(floats: [1, 1, 1], shape: Shape([1, 3])).bytes),
        Tensor(name: "y", type: .float32, shape: Shape([1, 3])),
      ],
      operators: [Operator(kind: .add, inputs: [0, 1], outputs: [2], options: .activation(.relu))],
      inputs: [0], outputs: [2])
    let samples = [[-3, 0, 2], [1, -5, 4], [0.5, 0.5, 0.5]].map { [TensorValue(floats: $0, shape: Shape([1, 3]))] }
    var seen: [Int] = []
    let calibration = try calibrate(graph, samples: samples) { done, total in seen.append(done * 10 + total) }
    #expect(calibration.samples == 3)
    #expect(seen == [13, 23, 33])
    #expect(calibration.statistics[1] == nil)
    #expect(calibration.ranges(.minmax) == [0: -5...4, 2: 0...5])
  }
}
