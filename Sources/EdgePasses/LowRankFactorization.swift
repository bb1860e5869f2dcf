import CLapacke
import EdgeCore
import Foundation

/// The factorisation of one layer's weight matrix W (rows × columns) the
/// low-rank pass cuts to a rank. Without input statistics it is the SVD of
/// W, which keeps the most of W itself. With them (calibration data) it is
/// data-aware: with G = L·Lᵀ the Cholesky factor of the inputs' Gram matrix,
/// the SVD of M = W·L gives the rank-r A·B that minimises ‖(W − A·B)·X‖ over
/// the calibration columns X, and B = √S·Vᵀ·L⁻¹. Energy is then the share of
/// the layer's output energy (before bias) on that data, not of the weights'.
public struct LayerFactorization: Sendable {
  public var svd: SingularValueDecomposition
  /// Row-major lower-triangular L, columns × columns; nil when not whitened.
  var whitening: [Double]?

  public init(_ matrix: [Double], rows: Int, columns: Int, inputs: LayerInputStatistics? = nil) throws {
    guard let inputs, inputs.columns > 0, inputs.width == columns,
      let l = Self.cholesky(inputs.symmetricGram, size: columns)
    else {
      svd = try SingularValueDecomposition(matrix, rows: rows, columns: columns)
      whitening = nil
      return
    }
    var m = [Double](repeating: 0, count: rows * columns)
    cblas_dgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(columns), Int32(columns), 1, matrix,
      Int32(columns), l, Int32(columns), 0, &m, Int32(columns))
    svd = try SingularValueDecomposition(m, rows: rows, columns: columns)
    whitening = l
  }

  public var isDataAware: Bool { whitening != nil }
  public var k: Int { svd.k }
  public func rank(keepingEnergy share: Double) -> Int { svd.rank(keepingEnergy: share) }
  public func energy(ofRank rank: Int) -> Double { svd.energy(ofRank: rank) }

  /// W ≈ A·B at `rank`: A is rows × r, B is r × columns, row-major.
  public func factors(rank: Int) -> (a: [Double], b: [Double]) {
    let (a, c) = svd.factors(rank: rank)
    guard let l = whitening else { return (a, c) }
    // B·L = C, so Lᵀ·Bᵀ = Cᵀ: one triangular solve with r right-hand sides.
    let (n, r) = (svd.columns, c.count / svd.columns)
    var ct = [Double](repeating: 0, count: n * r)
    for i in 0..<r { for j in 0..<n { ct[j * r + i] = c[i * n + j] } }
    let info = LAPACKE_dtrtrs(
      Int32(LAPACK_ROW_MAJOR), CChar(UInt8(ascii: "L")), CChar(UInt8(ascii: "T")), CChar(UInt8(ascii: "N")),
      Int32(n), Int32(r), l, Int32(n), &ct, Int32(r))
    // L is positive definite by construction (cholesky regularises it), so
    // the solve cannot fail; if LAPACK still refuses, fall back to C itself.
    guard info == 0 else { return (a, c) }
    var b = [Double](repeating: 0, count: r * n)
    for i in 0..<r { for j in 0..<n { b[i * n + j] = ct[j * r + i] } }
    return (a, b)
  }

  /// The lower Cholesky factor of G + λ·I, λ a small share of G's mean
  /// diagonal: dead inputs (ReLU zeros, padding) leave G singular. Nil when
  /// G is zero or will not factor even with a larger λ.
  static func cholesky(_ gram: [Double], size n: Int) -> [Double]? {
    let meanDiagonal = (0..<n).reduce(0.0) { $0 + gram[$1 * n + $1] } / Double(n)
    guard meanDiagonal > 0, meanDiagonal.isFinite else { return nil }
    var lambda = 1e-6 * meanDiagonal
    for _ in 0..<6 {
      var l = gram
      for i in 0..<n { l[i * n + i] += lambda }
      let info = LAPACKE_dpotrf(Int32(LAPACK_ROW_MAJOR), CChar(UInt8(ascii: "L")), Int32(n), &l, Int32(n))
      if info == 0 {
        for i in 0..<n { for j in (i + 1)..<n where j < n { l[i * n + j] = 0 } }
        return l
      }
      lambda *= 100
    }
    return nil
  }
}

extension LayerInputStatistics {
  /// The SQNR (dB) of W' = A·B against W on these inputs, before the
  /// activation: signal Σ‖W·x + b‖², noise Σ‖(W − W')·x‖², from G and Σx.
  func sqnr(weights w: [Double], approximation: [Double], bias: [Float], rows: Int) -> Double {
    let n = width
    let g = symmetricGram
    var e = [Double](repeating: 0, count: rows * n)
    for i in e.indices { e[i] = w[i] - approximation[i] }
    func quadratic(_ m: [Double]) -> Double {
      // tr(M·G·Mᵀ) = Σ (M·G) ∘ M.
      var mg = [Double](repeating: 0, count: rows * n)
      cblas_dgemm(
        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(n), Int32(n), 1, m, Int32(n), g, Int32(n), 0,
        &mg, Int32(n))
      return zip(mg, m).reduce(0) { $0 + $1.0 * $1.1 }
    }
    var signal = quadratic(w)
    if !bias.isEmpty {
      for i in 0..<rows {
        var ws = 0.0
        for j in 0..<n { ws += w[i * n + j] * sum[j] }
        let b = Double(bias[i])
        signal += 2 * b * ws + Double(columns) * b * b
      }
    }
    let noise = quadratic(e)
    guard noise > 0 else { return .infinity }
    return 10 * Foundation.log10(max(signal, 0) / noise)
  }
}
