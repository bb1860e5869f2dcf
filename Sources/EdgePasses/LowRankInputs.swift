import CLapacke
import EdgeCore

/// What a layer sees on calibration data, as the low-rank pass needs it: the
/// Gram matrix G = Σ x·xᵀ of the columns its weight matrix multiplies (a
/// fully connected layer's input rows; a convolution's receptive fields,
/// kh·kw·in values with zeros where the window leaves the image) and their
/// sum. With them the pass minimises the error of the layer's outputs on
/// that data, ‖(W − A·B)·X‖, instead of the error of the weights, and
/// reports each layer's SQNR on the data rather than on random inputs.
public struct LayerInputStatistics: Sendable {
  /// The number of values in one column: the weight matrix's columns.
  public var width: Int
  /// Row-major width × width, upper triangle accumulated, mirrored by `finish`.
  public var gram: [Double]
  public var sum: [Double]
  public var columns: Int

  public init(width: Int) {
    self.width = width
    gram = Array(repeating: 0, count: width * width)
    sum = Array(repeating: 0, count: width)
    columns = 0
  }

  /// Adds `count` columns stored row-major, one after the other.
  mutating func add(columns block: [Double], count: Int) {
    guard count > 0 else { return }
    // G += Xᵀ·X for the count × width block X (BLAS: one pass, upper half).
    cblas_dsyrk(
      CblasRowMajor, CblasUpper, CblasTrans, Int32(width), Int32(count), 1, block, Int32(width), 1, &gram,
      Int32(width))
    for c in 0..<count { for j in 0..<width { sum[j] += block[c * width + j] } }
    columns += count
  }

  mutating func merge(_ other: LayerInputStatistics) {
    for i in gram.indices { gram[i] += other.gram[i] }
    for i in sum.indices { sum[i] += other.sum[i] }
    columns += other.columns
  }

  /// The full symmetric Gram matrix (`dsyrk` fills the upper triangle).
  var symmetricGram: [Double] {
    var g = gram
    for i in 0..<width { for j in 0..<i { g[i * width + j] = g[j * width + i] } }
    return g
  }
}

/// Collects `LayerInputStatistics` for the layers the low-rank pass can
/// factor, from the float values of their input tensors: feed it every
/// run-time tensor the reference interpreter produces (`observe`), sample by
/// sample; keyed by the operator's index in the imported model.
public struct LowRankInputCollector: Sendable {
  struct Layer: Sendable {
    var origin: Int
    var input: TensorID
    var inputShape: Shape
    /// Nil for a fully connected layer.
    var window: Window?
  }
  struct Window: Sendable {
    var kh: Int, kw: Int, strideH: Int, strideW: Int, dilationH: Int, dilationW: Int
    var outH: Int, outW: Int, padTop: Int, padLeft: Int
  }

  var layers: [Layer]
  public private(set) var statistics: [Int: LayerInputStatistics] = [:]

  /// The layers of `graph` the low-rank pass could factor.
  public init(graph: Graph) throws {
    layers = []
    for index in graph.operators.indices {
      guard let candidate = try LowRankCandidate(graph: graph, opIndex: index), let input = candidate.op.inputs[0]
      else { continue }
      let shape = graph.tensors[input].shape
      var window: Window?
      if let kernel = candidate.kernel, case .conv2D(let o) = candidate.op.options, shape.rank == 4 {
        let output = graph.tensors[candidate.op.outputs[0]].shape
        guard output.rank == 4 else { continue }
        let (effectiveH, effectiveW) = ((kernel.h - 1) * o.dilationH + 1, (kernel.w - 1) * o.dilationW + 1)
        let padH = o.padding == .same ? max(0, (output[1] - 1) * o.strideH + effectiveH - shape[1]) : 0
        let padW = o.padding == .same ? max(0, (output[2] - 1) * o.strideW + effectiveW - shape[2]) : 0
        window = Window(
          kh: kernel.h, kw: kernel.w, strideH: o.strideH, strideW: o.strideW, dilationH: o.dilationH,
          dilationW: o.dilationW, outH: output[1], outW: output[2], padTop: padH / 2, padLeft: padW / 2)
      }
      let origin = candidate.op.origin ?? index
      layers.append(Layer(origin: origin, input: input, inputShape: shape, window: window))
      statistics[origin] = LayerInputStatistics(width: candidate.columns)
    }
  }

  /// The tensors whose values `observe` needs.
  public var inputTensors: Set<TensorID> { Set(layers.map(\.input)) }

  /// One run-time tensor's float values; ignored unless a layer reads it.
  public mutating func observe(_ id: TensorID, floats: [Float]) {
    for layer in layers where layer.input == id && floats.count == layer.inputShape.elementCount {
      guard var stats = statistics[layer.origin] else { continue }
      let (block, count) = Self.columns(of: floats, layer: layer, width: stats.width)
      stats.add(columns: block, count: count)
      statistics[layer.origin] = stats
    }
  }

  public mutating func merge(_ other: LowRankInputCollector) {
    for (origin, stats) in other.statistics { statistics[origin]?.merge(stats) }
  }

  /// The columns the layer's weight matrix multiplies, row-major.
  static func columns(of x: [Float], layer: Layer, width: Int) -> ([Double], Int) {
    guard let w = layer.window else {
      let count = x.count / width
      return (x.prefix(count * width).map(Double.init), count)
    }
    let dims = layer.inputShape.dims
    let (batches, height, widthIn, depth) = (dims[0], dims[1], dims[2], dims[3])
    let count = batches * w.outH * w.outW
    var block = [Double](repeating: 0, count: count * width)
    var c = 0
    for b in 0..<batches {
      for oy in 0..<w.outH {
        for ox in 0..<w.outW {
          var j = c * width
          for ky in 0..<w.kh {
            let iy = oy * w.strideH - w.padTop + ky * w.dilationH
            for kx in 0..<w.kw {
              let ix = ox * w.strideW - w.padLeft + kx * w.dilationW
              if iy >= 0, iy < height, ix >= 0, ix < widthIn {
                let base = ((b * height + iy) * widthIn + ix) * depth
                for d in 0..<depth { block[j + d] = Double(x[base + d]) }
              }
              j += depth
            }
          }
          c += 1
        }
      }
    }
    return (block, count)
  }
}
