/// Branch and bound over placement orders, for when the greedy layouts stop
/// above the lower bound.
///
/// Why a search over orders on a skyline is enough: take any layout, sort
/// its buffers by offset and place them in that order, each at the lowest
/// aligned offset where it fits among those placed before it. No buffer
/// lands higher than it was (one placed before it that moved, moved down,
/// so it cannot now be in its way) and the arena does not grow. Repeating
/// this reaches a layout that placing in offset order reproduces. In that
/// order every buffer placed before a buffer `b` and alive with it starts
/// no higher, so it ends no higher than `b` starts: `b` sits exactly on the
/// skyline — the highest end, over `b`'s steps, of the buffers placed so
/// far. So some order in which every buffer goes on the skyline, at offsets
/// that never decrease, is optimal, and the search enumerates only those.
///
/// A partial order is then described by its skyline (the top of the placed
/// buffers at each step) and the set placed, which the search remembers so
/// that orders differing only in independent buffers are explored once.
/// Pruning: with the arena to beat `bound`, every step must have room above
/// its skyline (and above the current level, where all later buffers go)
/// for the bytes still to be placed there; and a buffer that no longer fits
/// under the bound ends the branch, since skylines only rise. Children are
/// tried lowest first, then by a `Ranking` (longest-lived first, to begin
/// with: long-lived buffers are the hard ones to fit). The search stops
/// at `target` (the lower bound, which nothing beats) or after `nodeLimit`
/// partial orders.
struct OffsetSearch {
  /// Which of several buffers that could go at the same offset to try
  /// first. A depth-first search lives or dies by its early choices, so
  /// `assignOffsets` restarts it under each ranking with a share of the
  /// budget: on the 351 seeded random DAGs whose scheduled order the greedy
  /// orders leave above the bound, 2,000 nodes reach it for 314 under
  /// `.longestFirst` alone and for 332 split over all five.
  enum Ranking: CaseIterable {
    case longestFirst, largestFirst, largestAreaFirst, earliestFirst, latestEndFirst

    func key(_ request: BufferRequest, size: Int, index: Int) -> [Int] {
      let life = request.lastStep - request.firstStep + 1
      switch self {
      case .longestFirst: return [-life, -size, index]
      case .largestFirst: return [-size, -life, index]
      case .largestAreaFirst: return [-size * life, index]
      case .earliestFirst: return [request.firstStep, -life, index]
      case .latestEndFirst: return [-request.lastStep, -life, index]
      }
    }
  }

  let requests: [BufferRequest]
  let sizes: [Int]
  let nodeLimit: Int

  private(set) var nodes = 0
  /// Whether the last run explored every order it did not prune, so that no
  /// layout below its result (or below its upper bound, if it found none)
  /// exists.
  var exhausted: Bool { nodes < nodeLimit }

  /// Steps shifted so the earliest first step is 0.
  private let firstStep: Int
  private let stepCount: Int
  private var offsets: [Int]
  private var skyline: [Int]
  /// Per step: the bytes of the unplaced buffers alive at it.
  private var unplacedBytes: [Int]
  /// Per step: the lowest offset an unplaced buffer alive at it can take
  /// (scratch space of `descend`).
  private var floor: [Int]
  /// Per buffer: its steps, shifted.
  private let spans: [Range<Int>]
  /// Per buffer: its rank among buffers the search may place at one offset.
  private let priority: [Int]
  private var placedCount = 0
  private var seen: Set<[Int]> = []
  private var best: (arena: Int, offsets: [Int])?
  private var target = 0
  private var bound = 0

  /// `sizes` are the requests' sizes rounded up to the alignment, so that
  /// offsets built by stacking them stay aligned.
  init(
    requests: [BufferRequest], sizes: [Int], nodeLimit: Int, ranking: Ranking = .longestFirst
  ) {
    self.requests = requests
    self.sizes = sizes
    self.nodeLimit = nodeLimit
    firstStep = requests.map(\.firstStep).min() ?? 0
    stepCount = max(0, (requests.map(\.lastStep).max() ?? -1) - firstStep + 1)
    offsets = []
    skyline = []
    unplacedBytes = []
    floor = []
    let first = firstStep
    spans = requests.map { ($0.firstStep - first)..<($0.lastStep - first + 1) }
    var priority = [Int](repeating: 0, count: requests.count)
    let ranked = requests.indices.sorted {
      ranking.key(requests[$0], size: sizes[$0], index: $0)
        .lexicographicallyPrecedes(ranking.key(requests[$1], size: sizes[$1], index: $1))
    }
    for (rank, index) in ranked.enumerated() { priority[index] = rank }
    self.priority = priority
  }

  /// The offsets of a layout whose arena is below `upperBound`, as low as
  /// the search could take it (stopping at `target`), or nil if it found none.
  mutating func run(target: Int, upperBound: Int) -> (arena: Int, offsets: [Int])? {
    self.target = target
    bound = upperBound
    best = nil
    nodes = 0
    seen = []
    offsets = [Int](repeating: -1, count: requests.count)
    skyline = [Int](repeating: 0, count: stepCount)
    unplacedBytes = [Int](repeating: 0, count: stepCount)
    floor = [Int](repeating: 0, count: stepCount)
    placedCount = 0
    // Zero-byte buffers overlap nothing at offset 0; leave them out.
    for index in requests.indices {
      if sizes[index] == 0 {
        offsets[index] = 0
        placedCount += 1
      } else {
        for step in spans[index] { unplacedBytes[step] += sizes[index] }
      }
    }
    descend(level: 0, arena: 0)
    return best
  }

  private var finished: Bool { nodes >= nodeLimit || (best.map { $0.arena <= target } ?? false) }

  private mutating func descend(level: Int, arena: Int) {
    nodes += 1
    if placedCount == requests.count {
      best = (arena, offsets)
      bound = arena
      return
    }
    // Where each unplaced buffer would go now: on the skyline over its
    // steps, which only rises, and at or above the level.
    let room = bound - 1
    for step in 0..<stepCount { floor[step] = Int.max }
    var candidates: [(offset: Int, index: Int)] = []
    for index in requests.indices where offsets[index] < 0 {
      var offset = 0
      for step in spans[index] { offset = max(offset, skyline[step]) }
      if offset + sizes[index] > room { return }
      if offset >= level { candidates.append((offset, index)) }
      let lowest = max(offset, level)
      for step in spans[index] where lowest < floor[step] { floor[step] = lowest }
    }
    // At every step the bytes still to place there stack above the lowest
    // of them.
    for step in 0..<stepCount where unplacedBytes[step] > 0 {
      if floor[step] + unplacedBytes[step] > room { return }
    }
    var key = skyline
    key.append(level)
    var word = 0
    for index in requests.indices {
      if offsets[index] >= 0 { word |= 1 << (index % 62) }
      if index % 62 == 61 || index == requests.count - 1 {
        key.append(word)
        word = 0
      }
    }
    guard seen.insert(key).inserted else { return }
    candidates.sort { ($0.offset, priority[$0.index]) < ($1.offset, priority[$1.index]) }
    for (offset, index) in candidates {
      let span = spans[index]
      let saved = Array(skyline[span])
      offsets[index] = offset
      placedCount += 1
      for step in span {
        skyline[step] = offset + sizes[index]
        unplacedBytes[step] -= sizes[index]
      }
      descend(level: offset, arena: max(arena, offset + sizes[index]))
      offsets[index] = -1
      placedCount -= 1
      for (step, top) in zip(span, saved) {
        skyline[step] = top
        unplacedBytes[step] += sizes[index]
      }
      if finished { return }
    }
  }
}
