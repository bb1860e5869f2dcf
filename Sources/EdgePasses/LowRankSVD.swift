import CLapacke
import EdgeCore

/// A thin singular value decomposition M = U·diag(S)·Vᵀ of a row-major
/// m×n matrix, k = min(m, n): U is m×k, Vᵀ is k×n, S descends. Computed in
/// double by LAPACK's divide-and-conquer dgesdd, so the factors a float32
/// layer is rebuilt from carry no more error than float32 itself.
public struct SingularValueDecomposition: Sendable {
  public var rows: Int, columns: Int
  /// Row-major m×k.
  public var u: [Double]
  /// Descending, k of them.
  public var singularValues: [Double]
  /// Row-major k×n.
  public var vt: [Double]

  public var k: Int { singularValues.count }

  /// Decomposes the row-major `rows`×`columns` matrix `matrix`.
  public init(_ matrix: [Double], rows: Int, columns: Int) throws {
    guard rows > 0, columns > 0, matrix.count == rows * columns else {
      throw EdgeError(
        .invalidInput,
        "SVD needs a \(rows)×\(columns) matrix of \(rows * columns) values, got \(matrix.count); pass a non-empty row-major matrix")
    }
    guard matrix.allSatisfy(\.isFinite) else {
      throw EdgeError(.invalidInput, "SVD of a \(rows)×\(columns) matrix with NaN or infinite entries; check the weights")
    }
    let k = min(rows, columns)
    var a = matrix
    var s = [Double](repeating: 0, count: k)
    var u = [Double](repeating: 0, count: rows * k)
    var vt = [Double](repeating: 0, count: k * columns)
    // jobz 'S': the k leading singular vectors only (the thin SVD). lapack_int is
    // a C macro (int32_t here), which Swift does not import.
    let info = LAPACKE_dgesdd(
      Int32(LAPACK_ROW_MAJOR), CChar(UInt8(ascii: "S")), Int32(rows), Int32(columns), &a,
      Int32(columns), &s, &u, Int32(k), &vt, Int32(columns))
    guard info == 0 else {
      throw EdgeError(
        .invalidInput,
        "LAPACK dgesdd failed on a \(rows)×\(columns) matrix (info \(info): \(info > 0 ? "did not converge" : "bad argument \(-info)")); the layer cannot be decomposed")
    }
    self.rows = rows
    self.columns = columns
    self.u = u
    self.singularValues = s
    self.vt = vt
  }

  /// The smallest rank whose squared singular values reach `share` of
  /// their total (all of them when the total is 0: nothing to keep).
  public func rank(keepingEnergy share: Double) -> Int {
    let total = singularValues.reduce(0) { $0 + $1 * $1 }
    guard total > 0 else { return 1 }
    var sum = 0.0
    for (index, value) in singularValues.enumerated() {
      sum += value * value
      // A hair of slack so `energy=1` is met despite rounding in the sum.
      if sum >= share * total * (1 - 1e-12) { return index + 1 }
    }
    return k
  }

  /// The share of the squared singular values the first `rank` keep.
  public func energy(ofRank rank: Int) -> Double {
    let squares = singularValues.map { $0 * $0 }
    let total = squares.reduce(0, +)
    guard total > 0 else { return 1 }
    return squares.prefix(rank).reduce(0, +) / total
  }

  /// The rank-`rank` factors M ≈ A·B with the singular values split as
  /// √S into both (A = U·√S, m×r; B = √S·Vᵀ, r×n), which keeps the two
  /// layers' weights on the same scale, as int8 quantization prefers.
  public func factors(rank: Int) -> (a: [Double], b: [Double]) {
    let r = max(1, min(rank, k))
    let root = singularValues.prefix(r).map { $0.squareRoot() }
    var a = [Double](repeating: 0, count: rows * r)
    for i in 0..<rows { for j in 0..<r { a[i * r + j] = u[i * k + j] * root[j] } }
    var b = [Double](repeating: 0, count: r * columns)
    for i in 0..<r { for j in 0..<columns { b[i * columns + j] = vt[i * columns + j] * root[i] } }
    return (a, b)
  }
}
