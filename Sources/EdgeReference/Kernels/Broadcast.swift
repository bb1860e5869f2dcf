import EdgeCore

/// How a binary element-wise operator walks its two inputs: the output's
/// axes, and per axis the element stride of each input (0 where that input is
/// broadcast). This is `edgec_broadcast` in kernels.h.
///
/// TFLM extends both shapes to 4 or 6 axes and loops over all of them; the
/// order in which output elements are produced does not change any value, so
/// edgec first drops size-1 axes and merges axes that both inputs walk
/// contiguously. A same-shape operation becomes one flat loop (rank 1).
public struct BroadcastPlan: Hashable, Sendable {
  public static let maxRank = 6

  public var dims: [Int]
  public var stride1: [Int]
  public var stride2: [Int]

  public var rank: Int { dims.count }

  /// Plans `output = f(input1, input2)` with numpy broadcasting. Throws when a
  /// shape does not broadcast to the output or the merged rank exceeds 6.
  public init(_ shape1: Shape, _ shape2: Shape, output: Shape) throws {
    let rank = output.rank
    guard shape1.rank <= rank, shape2.rank <= rank else { throw BroadcastError.rankExceedsOutput }
    let s1 = Self.rowMajorStrides(shape1, extendedTo: rank, output: output)
    let s2 = Self.rowMajorStrides(shape2, extendedTo: rank, output: output)
    guard let s1 else { throw BroadcastError.incompatible(input: 1) }
    guard let s2 else { throw BroadcastError.incompatible(input: 2) }

    var dims: [Int] = [], stride1: [Int] = [], stride2: [Int] = []
    for axis in 0..<rank where output.dims[axis] != 1 {
      let (d, a, b) = (output.dims[axis], s1[axis], s2[axis])
      // An axis continues the previous one when each input steps through it
      // exactly as if the two were one axis (both contiguous, or both broadcast).
      if let last = dims.indices.last, stride1[last] == a * d, stride2[last] == b * d {
        dims[last] *= d
        stride1[last] = a
        stride2[last] = b
      } else {
        dims.append(d)
        stride1.append(a)
        stride2.append(b)
      }
    }
    if dims.isEmpty { (dims, stride1, stride2) = ([1], [0], [0]) }
    guard dims.count <= Self.maxRank else { throw BroadcastError.rankTooLarge(dims.count) }
    self.dims = dims
    self.stride1 = stride1
    self.stride2 = stride2
  }

  /// The strides of `shape` (right-aligned against `output`), 0 on broadcast
  /// axes; nil when an axis neither matches the output nor is 1.
  private static func rowMajorStrides(_ shape: Shape, extendedTo rank: Int, output: Shape) -> [Int]? {
    let extended = [Int](repeating: 1, count: rank - shape.rank) + shape.dims
    var strides = [Int](repeating: 0, count: rank)
    var elements = 1
    for axis in stride(from: rank - 1, through: 0, by: -1) {
      if extended[axis] == output.dims[axis] {
        strides[axis] = extended[axis] == 1 ? 0 : elements
      } else if extended[axis] != 1 {
        return nil
      }
      elements *= extended[axis]
    }
    return strides
  }

  /// The inputs (0 and/or 1) read at the output's own element positions —
  /// not broadcast along any axis — which an element-wise kernel may
  /// therefore overwrite in place.
  public var inputsInOutputOrder: [Int] {
    var contiguous: [Int] = []
    var elements = 1
    for axis in dims.indices.reversed() {
      contiguous.insert(elements, at: 0)
      elements *= dims[axis]
    }
    return [stride1, stride2].enumerated().filter { $0.element == contiguous }.map(\.offset)
  }

  /// The `edgec_broadcast` initializer, arrays padded to EDGEC_MAX_DIMS.
  public var cRecord: KernelField {
    func padded(_ values: [Int]) -> KernelField {
      .inline((values + [Int](repeating: 0, count: Self.maxRank - values.count)).map { Int32($0) })
    }
    return .record([
      NamedKernelField("rank", .int(Int32(rank))),
      NamedKernelField("dims", padded(dims)),
      NamedKernelField("stride1", padded(stride1)),
      NamedKernelField("stride2", padded(stride2)),
    ])
  }

  /// Calls `body(outputIndex, index1, index2)` for every output element in
  /// row-major order, walking the axes like an odometer (as the C kernels do).
  @inline(__always)
  func forEach(_ body: (Int, Int, Int) -> Void) {
    let inner = dims[rank - 1]
    let (step1, step2) = (stride1[rank - 1], stride2[rank - 1])
    let outer = dims.dropLast().reduce(1, *)
    var counter = [Int](repeating: 0, count: rank)
    var (base1, base2, out) = (0, 0, 0)
    for _ in 0..<outer {
      for i in 0..<inner { body(out + i, base1 + i * step1, base2 + i * step2) }
      out += inner
      var axis = rank - 2
      while axis >= 0 {
        counter[axis] += 1
        base1 += stride1[axis]
        base2 += stride2[axis]
        if counter[axis] < dims[axis] { break }
        base1 -= stride1[axis] * dims[axis]
        base2 -= stride2[axis] * dims[axis]
        counter[axis] = 0
        axis -= 1
      }
    }
  }
}

public enum BroadcastError: Error, Hashable, Sendable {
  case rankExceedsOutput
  case incompatible(input: Int)
  case rankTooLarge(Int)
}

extension OpContext {
  /// The broadcast plan of a binary operator, with errors naming the op and tensors.
  func broadcastPlan(_ a: Tensor, _ b: Tensor, output: Tensor) throws -> BroadcastPlan {
    do {
      return try BroadcastPlan(a.shape, b.shape, output: output.shape)
    } catch BroadcastError.rankTooLarge(let rank) {
      throw error(.unsupported, "broadcasting '\(a.name)' \(a.shape) with '\(b.name)' \(b.shape) needs \(rank) axes; edgec supports up to \(BroadcastPlan.maxRank)")
    } catch {
      throw self.error(.invalidGraph, "inputs '\(a.name)' \(a.shape) and '\(b.name)' \(b.shape) do not broadcast to output '\(output.name)' \(output.shape)")
    }
  }
}
