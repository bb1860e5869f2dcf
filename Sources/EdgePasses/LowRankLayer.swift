import EdgeCore
import Foundation

/// A float32 FULLY_CONNECTED or CONV_2D whose constant weights the low-rank
/// pass can factor, with its weights as an out × (kh·kw·in) matrix.
struct LowRankCandidate {
  var op: Operator
  var rows: Int, columns: Int
  /// Row-major rows × columns (OHWI convolution weights are already so).
  var matrix: [Double]
  /// Empty when the layer has no bias.
  var bias: [Float]
  /// kh, kw, in of a convolution; nil for a fully connected layer.
  var kernel: (h: Int, w: Int, depth: Int)?

  /// Nil when operator `opIndex` is not a layer the pass factors: not
  /// float32, weights computed at run time, a fused residual or explicit
  /// padding (set only by later passes), a grouped convolution, or a matrix
  /// with a side of 1 (already rank 1).
  init?(graph: Graph, opIndex: Int) throws {
    let op = graph.operators[opIndex]
    guard op.kind == .fullyConnected || op.kind == .conv2D, op.inputs.count >= 2,
      let inputID = op.inputs[0], let weightsID = op.inputs[1], let outputID = op.outputs.first,
      graph.tensors.indices.contains(inputID), graph.tensors.indices.contains(weightsID),
      graph.tensors.indices.contains(outputID)
    else { return nil }
    let (input, weights, output) = (graph.tensors[inputID], graph.tensors[weightsID], graph.tensors[outputID])
    guard input.type == .float32, weights.type == .float32, output.type == .float32, let bytes = weights.data,
      bytes.count == weights.byteSize
    else { return nil }
    let dims = weights.shape.dims
    switch op.options {
    case .fullyConnected where dims.count == 2:
      kernel = nil
    case .conv2D(let o) where dims.count == 4 && o.residual == nil && o.explicitPadding == nil:
      guard input.shape.dims.last == dims[3] else { return nil }
      kernel = (dims[1], dims[2], dims[3])
    default:
      return nil
    }
    rows = dims[0]
    columns = dims.dropFirst().reduce(1, *)
    guard rows > 1, columns > 1 else { return nil }
    bias = []
    if op.inputs.count > 2, let biasID = op.inputs[2] {
      guard graph.tensors.indices.contains(biasID) else { return nil }
      let tensor = graph.tensors[biasID]
      guard tensor.type == .float32, let data = tensor.data, tensor.elementCount == rows, data.count == rows * 4
      else { return nil }
      bias = TensorValue(type: .float32, shape: tensor.shape, bytes: data).floats
    }
    self.op = op
    matrix = TensorValue(type: .float32, shape: weights.shape, bytes: bytes).floats.map(Double.init)
  }

  /// The two operators replacing this one, their new tensors added to `graph`.
  func split(into graph: inout Graph, a: [Float], b: [Float], rank: Int, opIndex: Int) -> [Operator] {
    let weightsName = graph.tensors[op.inputs[1] ?? 0].name
    let output = graph.tensors[op.outputs[0]]
    let firstShape = kernel.map { Shape([rank, $0.h, $0.w, $0.depth]) } ?? Shape([rank, columns])
    let secondShape = kernel == nil ? Shape([rows, rank]) : Shape([rows, 1, 1, rank])
    let first = graph.tensors.count
    graph.tensors.append(
      Tensor(name: weightsName + "/low_rank_in", type: .float32, shape: firstShape,
        data: TensorValue(floats: b, shape: firstShape).bytes))
    graph.tensors.append(
      Tensor(name: weightsName + "/low_rank_out", type: .float32, shape: secondShape,
        data: TensorValue(floats: a, shape: secondShape).bytes))
    var middleDims = output.shape.dims
    middleDims[middleDims.count - 1] = rank
    graph.tensors.append(Tensor(name: output.name + "/low_rank", type: .float32, shape: Shape(middleDims)))
    let (firstWeights, secondWeights, middle) = (first, first + 1, first + 2)

    let origin = op.origin ?? opIndex
    var second = op
    second.inputs[0] = middle
    second.inputs[1] = secondWeights
    var reduce = Operator(kind: op.kind, inputs: [op.inputs[0], firstWeights, nil], outputs: [middle], origin: origin)
    switch op.options {
    case .conv2D(let o):
      var options = o
      options.activation = .none
      reduce.options = .conv2D(options)
      second.options = .conv2D(Conv2DOptions(padding: .valid, strideH: 1, strideW: 1, activation: o.activation))
    case .fullyConnected(let o):
      reduce.options = .fullyConnected(FullyConnectedOptions(activation: .none, keepNumDims: o.keepNumDims))
    default:
      break
    }
    second.origin = origin
    return [reduce, second]
  }

  /// The largest rank whose factors take fewer weights than the layer.
  var breakEvenRank: Int { max(0, (rows * columns - 1) / (rows + columns)) }

  /// The layer's output SQNR, factors against original, in dB: on the
  /// calibration inputs before the activation when `inputs` are given, else
  /// on 32 seeded random N(0, 1) input columns (a convolution's output pixel
  /// is its weight matrix times one such column, so this covers both kinds).
  func sqnr(a: [Float], b: [Float], rank: Int, activation: FusedActivation, inputs: LayerInputStatistics?) -> Double {
    if let inputs, inputs.columns > 0 {
      var product = [Double](repeating: 0, count: rows * columns)
      for i in 0..<rows {
        for t in 0..<rank {
          let ait = Double(a[i * rank + t])
          for j in 0..<columns { product[i * columns + j] += ait * Double(b[t * columns + j]) }
        }
      }
      return inputs.sqnr(weights: matrix, approximation: product, bias: bias, rows: rows)
    }
    var random = SplitMix64(seed: 0x5EED_10A4)
    var signal = 0.0, noise = 0.0
    var x = [Double](repeating: 0, count: columns), middle = [Double](repeating: 0, count: rank)
    for _ in 0..<32 {
      for j in 0..<columns { x[j] = random.nextGaussian() }
      for i in 0..<rank {
        var sum = 0.0
        for j in 0..<columns { sum += Double(b[i * columns + j]) * x[j] }
        middle[i] = sum
      }
      for i in 0..<rows {
        var exact = bias.isEmpty ? 0 : Double(bias[i]), approx = exact
        for j in 0..<columns { exact += matrix[i * columns + j] * x[j] }
        for j in 0..<rank { approx += Double(a[i * rank + j]) * middle[j] }
        let (y, z) = (activation.apply(exact), activation.apply(approx))
        signal += y * y
        noise += (y - z) * (y - z)
      }
    }
    guard noise > 0 else { return .infinity }
    return 10 * log10(signal / noise)
  }
}

extension FusedActivation {
  /// The activation on one double value (sign-bit is left as is: no float
  /// layer uses it).
  func apply(_ v: Double) -> Double {
    switch self {
    case .relu: return max(0, v)
    case .relu6: return min(6, max(0, v))
    case .reluN1To1: return min(1, max(-1, v))
    case .tanh: return Foundation.tanh(v)
    case .none, .signBit: return v
    }
  }
}

/// A small seeded generator so the reported SQNR is the same on every run.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Uniform in (0, 1].
  mutating func nextUnit() -> Double { (Double(next() >> 11) + 1) / Double(1 << 53) }
  /// Box–Muller.
  mutating func nextGaussian() -> Double {
    (-2 * log(nextUnit())).squareRoot() * cos(2 * Double.pi * nextUnit())
  }
}
