import EdgeCore

/// How the low-rank pass picks each layer's rank.
public enum LowRankRule: Hashable, Sendable {
  /// The smallest rank whose squared singular values reach this share (0, 1].
  case energy(Double)
  /// This rank, capped at the layer's full rank.
  case rank(Int)
}

/// What the pass did (or declined to do) to one layer, for the report.
public struct LowRankLayer: Hashable, Sendable {
  /// The operator's index in the imported model.
  public var op: Int
  public var kind: OpKind
  /// The weights as a matrix: out × (kh·kw·in).
  public var rows: Int, columns: Int
  public var rank: Int
  /// Weight plus bias bytes of the layer, and of its two factors.
  public var bytesBefore: Int, bytesAfter: Int
  /// The share of the squared singular values the rank keeps.
  public var energyKept: Double
  /// The layer's output (bias and activation included) against the
  /// original's on random N(0, 1) inputs, in dB; infinite when exact.
  public var sqnr: Double
  /// False: the factors would not save bytes, the layer stays as it was.
  public var replaced: Bool
}

/// Low-rank decomposition of float32 FULLY_CONNECTED and CONV_2D weights:
/// W [out, in] ≈ A·B with A = U·√S [out, r] and B = √S·Vᵀ [r, in]. A fully
/// connected layer becomes FC(in→r, no bias) then FC(r→out, the original
/// bias and activation); a convolution becomes the same kh×kw convolution
/// to r channels then a 1×1 convolution r→out. A layer is replaced only
/// when r·(in + out) < out·in. Unlike the standard passes this one changes
/// the outputs (by the energy it drops), so it runs only when asked, before
/// quantization, so that calibration sees the decomposed model.
public struct LowRank: GraphPass {
  public var rule: LowRankRule
  public var name: String { "low-rank" }

  public init(_ rule: LowRankRule) { self.rule = rule }

  public func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int) {
    let (rewritten, layers) = try decompose(graph)
    return (rewritten, layers.filter(\.replaced).count)
  }

  /// The rewritten graph and a record for every layer the pass considered.
  public func decompose(_ graph: Graph) throws -> (graph: Graph, layers: [LowRankLayer]) {
    try validateRule()
    var result = graph
    result.operators = []
    var layers: [LowRankLayer] = []
    for (index, op) in graph.operators.enumerated() {
      guard let candidate = try LowRankCandidate(graph: graph, opIndex: index) else {
        result.operators.append(op)
        continue
      }
      let svd = try SingularValueDecomposition(candidate.matrix, rows: candidate.rows, columns: candidate.columns)
      let rank: Int
      switch rule {
      case .energy(let share): rank = svd.rank(keepingEnergy: share)
      case .rank(let fixed): rank = min(fixed, svd.k)
      }
      let (a, b) = svd.factors(rank: rank)
      let (fa, fb) = (a.map { Float($0) }, b.map { Float($0) })
      let biasBytes = candidate.bias.count * 4
      var layer = LowRankLayer(
        op: op.origin ?? index, kind: op.kind, rows: candidate.rows, columns: candidate.columns, rank: rank,
        bytesBefore: candidate.rows * candidate.columns * 4 + biasBytes,
        bytesAfter: rank * (candidate.rows + candidate.columns) * 4 + biasBytes,
        energyKept: svd.energy(ofRank: rank),
        sqnr: candidate.sqnr(a: fa, b: fb, rank: rank, activation: op.fusedActivation), replaced: false)
      // Equal bytes would only add an operator and an activation buffer.
      layer.replaced = layer.bytesAfter < layer.bytesBefore
      if layer.replaced {
        result.operators += candidate.split(into: &result, a: fa, b: fb, rank: rank, opIndex: index)
      } else {
        result.operators.append(op)
      }
      layers.append(layer)
    }
    return (result, layers)
  }

  private func validateRule() throws {
    switch rule {
    case .energy(let share) where !(share > 0 && share <= 1):
      throw EdgeError(.invalidInput, "--low-rank energy=\(share) is outside (0, 1]; give the share of energy to keep, e.g. energy=0.95")
    case .rank(let rank) where rank < 1:
      throw EdgeError(.invalidInput, "--low-rank rank=\(rank) must be at least 1")
    default: return
    }
  }
}
