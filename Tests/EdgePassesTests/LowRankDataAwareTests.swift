import EdgeCore
import EdgePasses
import Foundation
import Testing

/// Low rank whitened by the layer's inputs on calibration data: the rank-r
/// factors that keep the layer's outputs, not its weights.
@Suite struct LowRankDataAwareTests {
  /// W = diag(3, 2, 1) on inputs with G = diag(1, 1, 100): plain SVD keeps
  /// the 3 (output error 2²·1 + 1²·100 = 104), the data-aware factors keep
  /// the direction the data lives in (error 3²·1 + 2²·1 = 13), so the
  /// rank-1 product is diag(0, 0, 1); SQNR on the data 10·log10(113/13).
  @Test func whiteningKeepsTheDirectionTheInputsUse() throws {
    let graph = fullyConnected([3, 0, 0, 0, 2, 0, 0, 0, 1], out: 3, in: 3)
    var collector = try LowRankInputCollector(graph: graph)
    #expect(collector.inputTensors == [0])
    for x: [Float] in [[1, 0, 0], [0, 1, 0], [0, 0, 10]] { collector.observe(0, floats: x) }
    let stats = try #require(collector.statistics[0])
    #expect(stats.columns == 3 && stats.sum == [1, 1, 10])

    let plain = try LayerFactorization([3, 0, 0, 0, 2, 0, 0, 0, 1], rows: 3, columns: 3)
    let aware = try LayerFactorization([3, 0, 0, 0, 2, 0, 0, 0, 1], rows: 3, columns: 3, inputs: stats)
    #expect(!plain.isDataAware && aware.isDataAware)
    let (pa, pb) = plain.factors(rank: 1)
    let (aa, ab) = aware.factors(rank: 1)
    let plainProduct = product(pa, pb, rows: 3, rank: 1, columns: 3)
    let awareProduct = product(aa, ab, rows: 3, rank: 1, columns: 3)
    for (got, want) in zip(plainProduct, [3.0, 0, 0, 0, 0, 0, 0, 0, 0]) { #expect(abs(got - want) < 1e-9) }
    for (got, want) in zip(awareProduct, [0.0, 0, 0, 0, 0, 0, 0, 0, 1]) { #expect(abs(got - want) < 1e-4) }
    #expect(abs(aware.energy(ofRank: 1) - 100.0 / 113) < 1e-4)

    let (split, layers) = try LowRank(.rank(1), inputs: collector.statistics).decompose(graph)
    try verify(split)
    let layer = try #require(layers.first)
    #expect(layer.dataAware && layer.replaced && layer.rank == 1)
    #expect(abs(layer.sqnr - 10 * log10(113.0 / 13)) < 0.01, "\(layer.sqnr)")
  }

  /// The columns of a CONV_2D (3×3 image, 2×2 kernel, SAME, stride 2: the
  /// window pads one row and column after): the collector's Gram matrix and
  /// sum equal the ones of the receptive fields gathered by hand.
  @Test func convolutionColumnsAreTheReceptiveFields() throws {
    let image: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    let graph = convolution(height: 3, width: 3, kernel: 2, stride: 2, outputs: 2)
    var collector = try LowRankInputCollector(graph: graph)
    collector.observe(0, floats: image)
    let stats = try #require(collector.statistics[0])
    var columns: [[Double]] = []
    for oy in 0..<2 {
      for ox in 0..<2 {
        var column: [Double] = []
        for ky in 0..<2 {
          for kx in 0..<2 {
            let (y, x) = (oy * 2 + ky, ox * 2 + kx)
            column.append(y < 3 && x < 3 ? Double(image[y * 3 + x]) : 0)
          }
        }
        columns.append(column)
      }
    }
    #expect(stats.columns == 4 && stats.width == 4)
    #expect(stats.sum == (0..<4).map { j in columns.reduce(0) { $0 + $1[j] } })
    for i in 0..<4 {
      for j in i..<4 {
        #expect(stats.gram[i * 4 + j] == columns.reduce(0) { $0 + $1[i] * $1[j] }, "G[\(i)][\(j)]")
      }
    }
  }

  /// `.perLayer` factors the layers it names, at their rank, and no other.
  @Test func perLayerRanksFactorOnlyTheLayersNamed() throws {
    let weights: [Float] = (0..<64).map { Float(($0 * 7) % 11) - 5 }
    let graph = fullyConnected(weights, out: 8, in: 8)
    let (same, none) = try LowRank(.perLayer([:])).decompose(graph)
    #expect(same == graph && none.isEmpty)
    let (split, layers) = try LowRank(.perLayer([0: 2])).decompose(graph)
    #expect(layers.map(\.rank) == [2] && split.operators.count == 2)
    #expect(try LowRank.breakEvenRanks(graph) == [0: 3])  // 3·16 < 64 ≤ 4·16
  }

  func fullyConnected(_ weights: [Float], out: Int, in depth: Int) -> Graph {
    Graph(
      name: "fc",
      tensors: [
        Tensor(name: "x", type: .float32, shape: Shape([1, depth])),
        Tensor(name: "w", type: .float32, shape: Shape([out, depth]),
          data: TensorValue(floats: weights, shape: Shape([out, depth])).bytes),
        Tensor(name: "y", type: .float32, shape: Shape([1, out])),
      ],
      operators: [
        Operator(kind: .fullyConnected, inputs: [0, 1, nil], outputs: [2], options: .fullyConnected(FullyConnectedOptions()))
      ],
      inputs: [0], outputs: [2])
  }

  func convolution(height: Int, width: Int, kernel: Int, stride: Int, outputs: Int) -> Graph {
    let out = (height + stride - 1) / stride
    let count = outputs * kernel * kernel
    let filter = Shape([outputs, kernel, kernel, 1])
    return Graph(
      name: "conv",
      tensors: [
        Tensor(name: "x", type: .float32, shape: Shape([1, height, width, 1])),
        Tensor(name: "w", type: .float32, shape: filter,
          data: TensorValue(floats: (0..<count).map { Float($0 % 5) - 2 }, shape: filter).bytes),
        Tensor(name: "y", type: .float32, shape: Shape([1, out, out, outputs])),
      ],
      operators: [
        Operator(
          kind: .conv2D, inputs: [0, 1, nil], outputs: [2],
          options: .conv2D(Conv2DOptions(padding: .same, strideH: stride, strideW: stride)))
      ],
      inputs: [0], outputs: [2])
  }

  func product(_ a: [Double], _ b: [Double], rows: Int, rank: Int, columns: Int) -> [Double] {
    (0..<rows * columns).map { index in
      (0..<rank).reduce(0) { $0 + a[index / columns * rank + $1] * b[$1 * columns + index % columns] }
    }
  }
}
