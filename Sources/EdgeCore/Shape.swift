/// A static tensor shape. TFLite models for microcontrollers are fully static;
/// a dynamic dimension (-1 in `shape_signature`) is resolved at import to the
/// concrete value in `shape`, and a negative concrete value is an import error.
public struct Shape: Hashable, Sendable, Codable, CustomStringConvertible {
  public var dims: [Int]

  public init(_ dims: [Int]) { self.dims = dims }

  public var rank: Int { dims.count }

  /// Number of elements; 1 for a scalar (rank 0).
  public var elementCount: Int { dims.reduce(1, *) }

  public subscript(axis: Int) -> Int { dims[axis] }

  /// `[1, 49, 10, 1]` style, as printed in the tables and errors.
  public var description: String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }

  /// Elements of shape[axis+1...], the stride of `axis` in a row-major layout.
  public func stride(ofAxis axis: Int) -> Int { dims[(axis + 1)...].reduce(1, *) }

  /// Normalises a possibly negative axis (numpy style) or returns nil when out of range.
  public func normalizedAxis(_ axis: Int) -> Int? {
    let a = axis < 0 ? axis + rank : axis
    return (0..<Swift.max(rank, 1)).contains(a) ? a : nil
  }
}
