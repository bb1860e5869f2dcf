/// Where each buffer of a request set starts, and how big the arena must be.
public struct ArenaLayout: Hashable, Sendable {
  public struct Placement: Hashable, Sendable {
    public var request: BufferRequest
    public var offset: Int
    /// One past the last byte the buffer may touch (its size rounded up to
    /// the alignment, so the next buffer can start right there).
    public var end: Int
  }

  /// In the order of the requests given to `assignOffsets`.
  public var placements: [Placement]
  public var arenaBytes: Int
  public var alignment: Int
  /// The placement order that produced this layout (see `PlacementOrder`).
  public var order: PlacementOrder
}

/// The orders in which the greedy assigner may place buffers. Each is a
/// different guess at which buffers constrain the others most; ties are
/// broken by size (largest first), first step, id and input position.
/// `.search` is not a greedy order: it marks a layout the branch-and-bound
/// search (OffsetSearch.swift) found after every greedy order fell short.
public enum PlacementOrder: String, Hashable, Sendable {
  /// Largest first: TFLite Micro's order. Large buffers placed first leave
  /// holes the small ones fill; small ones placed first fragment the arena.
  case bySize = "size"
  /// Largest bytes × steps first: buffers that block the most arena-time.
  case byArea = "area"
  /// Longest-lived first: they overlap, and so constrain, the most others.
  case byLifetime = "lifetime"
  /// In execution order: a linear scan, which stacks the buffers of a chain.
  case byStart = "start"
  /// Found by the search over placement orders.
  case search = "search"

  /// The greedy orders, in the order `assignOffsets` tries them.
  public static let greedyOrders: [PlacementOrder] = [.bySize, .byArea, .byLifetime, .byStart]

  func key(_ request: BufferRequest, size: Int) -> Int {
    switch self {
    case .bySize, .search: return -size
    case .byArea: return -size * (request.lastStep - request.firstStep + 1)
    case .byLifetime: return -(request.lastStep - request.firstStep)
    case .byStart: return request.firstStep
    }
  }
}

/// Places buffers in one arena so that no two buffers that are alive at the
/// same step share a byte — greedy, best fit, after TFLite Micro's
/// GreedyMemoryPlanner:
///  1. Round every size up to `alignment`.
///  2. Sort the buffers in a placement order (largest first, to begin with).
///  3. For each buffer in that order, collect the already placed buffers
///     whose lifetimes overlap its own, sorted by offset. Only they
///     constrain it; a buffer dead for its whole lifetime may be overwritten.
///  4. Walk them, tracking the end of the space they occupy so far; every
///     aligned hole before the next one that is large enough is a candidate.
///  5. Take the candidate hole that wastes the fewest bytes (best fit; ties:
///     lowest offset). TFLM takes the first hole that fits; best fit keeps
///     the large holes for the large buffers that may still come.
///  6. If no hole fits, place the buffer after the last overlapping one.
///  7. The arena is the largest end offset.
///  8. Repeat for each `PlacementOrder` and keep the smallest arena (ties:
///     the earlier order, so largest-first wins unless another is smaller).
///     Different orders fail on different inputs; on seeded random DAGs
///     trying all four halves the mean gap to the lower bound.
///  9. If the best is still above `lowerBound(of:alignment:)`, search over
///     placement orders (OffsetSearch), for a layout at the bound and then
///     for any smaller one, each with `searchNodes` partial orders shared
///     among restarts, and keep what it finds.
///
/// Finding the smallest arena is the dynamic storage allocation problem,
/// which is NP-hard in general, and the lower bound (the most bytes alive at
/// one step) is not always reachable, so the search is bounded; what is
/// left above the bound is the plan's reported fragmentation.
public func assignOffsets(
  _ requests: [BufferRequest], alignment: Int,
  orders: [PlacementOrder] = PlacementOrder.greedyOrders,
  searchNodes: Int = defaultOffsetSearchNodes
) -> ArenaLayout {
  precondition(alignment >= 1, "alignment must be positive")
  let sizes = requests.map { alignUp($0.bytes, to: alignment) }
  var best: ArenaLayout?
  for order in orders.isEmpty ? [.bySize] : orders {
    let sequence = requests.indices.sorted { a, b in
      let (ra, rb) = (requests[a], requests[b])
      return (order.key(ra, size: sizes[a]), -sizes[a], ra.firstStep, ra.id, a)
        < (order.key(rb, size: sizes[b]), -sizes[b], rb.firstStep, rb.id, b)
    }
    let offsets = placeGreedily(requests, sizes: sizes, in: sequence, alignment: alignment)
    let placements = requests.indices.map {
      ArenaLayout.Placement(
        request: requests[$0], offset: offsets[$0], end: offsets[$0] + sizes[$0])
    }
    let layout = ArenaLayout(
      placements: placements, arenaBytes: placements.map(\.end).max() ?? 0,
      alignment: alignment, order: order)
    if best.map({ layout.arenaBytes < $0.arenaBytes }) ?? true { best = layout }
  }
  guard let greedy = best else {
    return ArenaLayout(placements: [], arenaBytes: 0, alignment: alignment, order: .bySize)
  }
  let bound = lowerBound(of: requests, alignment: alignment)
  guard greedy.arenaBytes > bound, searchNodes > 0 else { return greedy }
  // First look for a layout at the bound itself, where the search prunes
  // hardest; failing that, for anything below the greedy arena. Each under
  // every ranking in turn, with an equal share of the nodes.
  let share = max(1, searchNodes / OffsetSearch.Ranking.allCases.count)
  var found: (arena: Int, offsets: [Int])?
  for upperBound in [bound + 1, greedy.arenaBytes] where found == nil {
    for ranking in OffsetSearch.Ranking.allCases {
      var search = OffsetSearch(
        requests: requests, sizes: sizes, nodeLimit: share, ranking: ranking)
      let limit = found?.arena ?? upperBound
      if let better = search.run(target: bound, upperBound: limit) { found = better }
      if let arena = found?.arena, arena <= bound { break }
    }
  }
  guard let found else { return greedy }
  let placements = requests.indices.map {
    ArenaLayout.Placement(
      request: requests[$0], offset: found.offsets[$0], end: found.offsets[$0] + sizes[$0])
  }
  return ArenaLayout(
    placements: placements, arenaBytes: found.arena, alignment: alignment, order: .search)
}

/// The default number of partial orders the offset search may visit.
public let defaultOffsetSearchNodes = 4_000

/// Steps 3-6 above for one order: the offset of every request.
func placeGreedily(
  _ requests: [BufferRequest], sizes: [Int], in sequence: [Int], alignment: Int
) -> [Int] {
  var offsets = [Int](repeating: 0, count: requests.count)
  // Indices of placed buffers, kept sorted by (offset, size) for the walk.
  var placed: [Int] = []
  for index in sequence {
    let request = requests[index]
    let size = sizes[index]
    var best: (offset: Int, waste: Int)?
    var occupiedEnd = 0
    for other in placed where requests[other].isLive(atSameTimeAs: request) {
      let holeStart = alignUp(occupiedEnd, to: alignment)
      let hole = offsets[other] - holeStart
      if hole >= size, best.map({ hole - size < $0.waste }) ?? true {
        best = (holeStart, hole - size)
      }
      occupiedEnd = max(occupiedEnd, offsets[other] + sizes[other])
    }
    offsets[index] = best?.offset ?? alignUp(occupiedEnd, to: alignment)
    let key = (offsets[index], size)
    let position = placed.firstIndex { (offsets[$0], sizes[$0]) > key } ?? placed.endIndex
    placed.insert(index, at: position)
  }
  return offsets
}
