import EdgeCore

/// How the low-rank pass picks each layer's rank.
public enum LowRankRule: Hashable, Sendable {
  /// The smallest rank whose squared singular values reach this share (0, 1].
  case energy(Double)
  /// This rank, capped at the layer's full rank.
  case rank(Int)
  /// A rank per layer, keyed by the operator's index in the imported model;
  /// layers not named are left whole (what `--flash-budget` chooses).
  case perLayer([Int: Int])
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
  /// The share of the squared singular values the rank keeps: of the
  /// layer's output energy on the calibration data when `dataAware`, else
  /// of the weights' own.
  public var energyKept: Double
  /// The layer's output against the original's, in dB, infinite when exact:
  /// on the calibration inputs before the activation when `dataAware`, else
  /// on random N(0, 1) inputs with bias and activation.
  public var sqnr: Double
  /// Factored to keep the layer's outputs on calibration data (whitened by
  /// its inputs' statistics), rather than its weights.
  public var dataAware: Bool
  /// False: the factors would not save bytes, the layer stays as it was.
  public var replaced: Bool
}

/// Low-rank decomposition of float32 FULLY_CONNECTED and CONV_2D weights:
/// W [out, in] ≈ A·B with A [out, r] and B [r, in] (`LayerFactorization`:
/// plain SVD, or whitened by the layer's inputs on calibration data). A
/// fully connected layer becomes FC(in→r, no bias) then FC(r→out, the
/// original bias and activation); a convolution becomes the same kh×kw
/// convolution to r channels then a 1×1 convolution r→out. A layer is
/// replaced only when r·(in + out) < out·in. Unlike the standard passes this
/// one changes the outputs (by the energy it drops), so it runs only when
/// asked, before quantization, so that calibration sees the decomposed model.
public struct LowRank: GraphPass {
  public var rule: LowRankRule
  /// Per layer (imported operator index): its inputs on calibration data.
  public var inputs: [Int: LayerInputStatistics]
  /// Factorisations already computed, by imported operator index: a search
  /// that rebuilds the graph at many ranks factors each layer once.
  public var factorizations: [Int: LayerFactorization]
  public var name: String { "low-rank" }

  public init(
    _ rule: LowRankRule, inputs: [Int: LayerInputStatistics] = [:], factorizations: [Int: LayerFactorization] = [:]
  ) {
    self.rule = rule
    self.inputs = inputs
    self.factorizations = factorizations
  }

  public func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int) {
    let (rewritten, layers) = try decompose(graph)
    return (rewritten, layers.filter(\.replaced).count)
  }

  /// Every layer the pass can factor, factored once (what `factorizations`
  /// caches), by imported operator index.
  public func factorizeAll(_ graph: Graph) throws -> [Int: LayerFactorization] {
    var result: [Int: LayerFactorization] = [:]
    for index in graph.operators.indices {
      guard let candidate = try LowRankCandidate(graph: graph, opIndex: index) else { continue }
      let origin = candidate.op.origin ?? index
      result[origin] = try factorization(of: candidate, origin: origin)
    }
    return result
  }

  /// For every layer the pass can factor (by imported operator index), the
  /// largest rank whose factors take fewer weights than the layer.
  public static func breakEvenRanks(_ graph: Graph) throws -> [Int: Int] {
    var result: [Int: Int] = [:]
    for index in graph.operators.indices {
      guard let candidate = try LowRankCandidate(graph: graph, opIndex: index) else { continue }
      result[candidate.op.origin ?? index] = candidate.breakEvenRank
    }
    return result
  }

  /// The rewritten graph and a record for every layer the pass considered.
  public func decompose(_ graph: Graph) throws -> (graph: Graph, layers: [LowRankLayer]) {
    try validateRule()
    var result = graph
    result.operators = []
    var layers: [LowRankLayer] = []
    for (index, op) in graph.operators.enumerated() {
      let origin = op.origin ?? index
      guard let candidate = try LowRankCandidate(graph: graph, opIndex: index) else {
        result.operators.append(op)
        continue
      }
      if case .perLayer(let ranks) = rule, ranks[origin] == nil {
        result.operators.append(op)
        continue
      }
      let factored = try factorization(of: candidate, origin: origin)
      let rank: Int
      switch rule {
      case .energy(let share): rank = factored.rank(keepingEnergy: share)
      case .rank(let fixed): rank = min(fixed, factored.k)
      case .perLayer(let ranks): rank = max(1, min(ranks[origin] ?? factored.k, factored.k))
      }
      let (a, b) = factored.factors(rank: rank)
      let (fa, fb) = (a.map { Float($0) }, b.map { Float($0) })
      let biasBytes = candidate.bias.count * 4
      var layer = LowRankLayer(
        op: origin, kind: op.kind, rows: candidate.rows, columns: candidate.columns, rank: rank,
        bytesBefore: candidate.rows * candidate.columns * 4 + biasBytes,
        bytesAfter: rank * (candidate.rows + candidate.columns) * 4 + biasBytes,
        energyKept: factored.energy(ofRank: rank),
        sqnr: candidate.sqnr(a: fa, b: fb, rank: rank, activation: op.fusedActivation, inputs: inputs[origin]),
        dataAware: factored.isDataAware, replaced: false)
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

  private func factorization(of candidate: LowRankCandidate, origin: Int) throws -> LayerFactorization {
    if let cached = factorizations[origin] { return cached }
    return try LayerFactorization(
      candidate.matrix, rows: candidate.rows, columns: candidate.columns, inputs: inputs[origin])
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
