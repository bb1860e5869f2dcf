import EdgeCore

/// One tensor's place in the arena.
public struct PlannedTensor: Hashable, Sendable {
  public var tensor: TensorID
  public var name: String
  /// The tensor's own size; the arena reserves it rounded up to the alignment.
  public var bytes: Int
  public var offset: Int
  /// The tensor's own lifetime, in steps of the execution order (inclusive).
  public var firstOp: Int
  public var lastOp: Int
  /// The tensor that owns the buffer when this one is an alias (always the
  /// root of the alias chain, never an intermediate member), else nil.
  public var aliasOf: TensorID?

  public init(
    tensor: TensorID, name: String, bytes: Int, offset: Int, firstOp: Int, lastOp: Int,
    aliasOf: TensorID? = nil
  ) {
    self.tensor = tensor
    self.name = name
    self.bytes = bytes
    self.offset = offset
    self.firstOp = firstOp
    self.lastOp = lastOp
    self.aliasOf = aliasOf
  }

  /// The tensor whose buffer this one uses (itself unless it is an alias).
  public var buffer: TensorID { aliasOf ?? tensor }
}

/// The static memory plan: where every run-time tensor lives in the one
/// arena. The only place that decides offsets; codegen prints what it says.
public struct MemoryPlan: Hashable, Sendable {
  public var arenaBytes: Int
  /// The most aligned bytes simultaneously alive under this execution order.
  public var lowerBoundBytes: Int
  public var alignment: Int
  /// Operator indices in the order they run; step `s` runs `order[s]`.
  public var order: [Int]
  /// Sorted by tensor id.
  public var tensors: [PlannedTensor]
  /// The placement order whose layout won (for reports and `--print-plan`).
  public var placementOrder: PlacementOrder
  /// How `order` was chosen.
  public var schedule: ScheduleMethod
  /// Kernel scratch carved from bytes free at its op's step (`grantScratch`).
  public var scratch: [PlannedScratch] = []
  /// Arena bytes added at the end for kernel scratch (only under a budget
  /// the user gave; `grantScratch`), not counted as fragmentation.
  public var scratchTailBytes = 0

  public init(
    arenaBytes: Int, lowerBoundBytes: Int, alignment: Int, order: [Int], tensors: [PlannedTensor],
    placementOrder: PlacementOrder = .bySize, schedule: ScheduleMethod = .stored
  ) {
    self.arenaBytes = arenaBytes
    self.lowerBoundBytes = lowerBoundBytes
    self.alignment = alignment
    self.order = order
    self.tensors = tensors
    self.placementOrder = placementOrder
    self.schedule = schedule
  }

  /// Arena bytes above the lower bound of this order: what the offsets
  /// waste. Zero when the layout is optimal for the order.
  public var fragmentationBytes: Int { arenaBytes - scratchTailBytes - lowerBoundBytes }

  /// The entry of tensor `id`, or nil for constants and unused tensors.
  public func entry(for id: TensorID) -> PlannedTensor? {
    var low = 0
    var high = tensors.count
    while low < high {
      let mid = (low + high) / 2
      if tensors[mid].tensor < id { low = mid + 1 } else { high = mid }
    }
    return low < tensors.count && tensors[low].tensor == id ? tensors[low] : nil
  }
}

/// Plans the arena for `graph` run in the order `schedule` chose
/// (`scheduleForMemory` with the same aliases and alignment); the plan
/// records how the order was chosen. Code generation must then run the ops
/// in `plan.order`.
public func planMemory(
  _ graph: Graph, schedule: MemorySchedule, aliases: [TensorID: TensorID] = [:],
  aliasOffsets: [TensorID: Int] = [:], alignment: Int = 16
) throws -> MemoryPlan {
  var plan = try planMemory(
    graph, order: schedule.order, aliases: aliases, aliasOffsets: aliasOffsets, alignment: alignment)
  plan.schedule = schedule.method
  return plan
}

/// Schedules `graph` for the least peak (`scheduleForMemory`; see there for
/// `inPlace`) and plans its arena in that order — unless the stored order's
/// plan has the smaller arena, which can happen when the scheduled order's
/// lower bound is lower but harder to pack (the plan then says `.stored`).
/// Code generation must run the ops in `plan.order`.
public func planScheduledMemory(
  _ graph: Graph, aliases: [TensorID: TensorID] = [:], aliasOffsets: [TensorID: Int] = [:],
  inPlace: Set<TensorID> = [], alignment: Int = 16
) throws -> MemoryPlan {
  let schedule = try scheduleForMemory(
    graph, aliases: aliases, aliasOffsets: aliasOffsets, inPlace: inPlace, alignment: alignment)
  let scheduled = try planMemory(
    graph, schedule: schedule, aliases: aliases, aliasOffsets: aliasOffsets, alignment: alignment)
  guard schedule.order != Array(graph.operators.indices) else { return scheduled }
  let stored = try planMemory(graph, aliases: aliases, aliasOffsets: aliasOffsets, alignment: alignment)
  return stored.arenaBytes < scheduled.arenaBytes ? stored : scheduled
}

/// Plans the arena for `graph` run in `order` (default: as stored).
/// `aliases` maps a tensor to the tensor whose bytes it reuses (e.g. a
/// RESHAPE output to its input); each alias chain becomes one buffer alive
/// over the union of its members' lifetimes. Throws an EdgeError naming the
/// tensor or op when the graph, the order or the aliases are inconsistent.
public func planMemory(
  _ graph: Graph, order: [Int]? = nil, aliases: [TensorID: TensorID] = [:],
  aliasOffsets: [TensorID: Int] = [:], alignment: Int = 16
) throws -> MemoryPlan {
  guard alignment > 0, alignment & (alignment - 1) == 0 else {
    throw EdgeError(.invalidInput, "alignment \(alignment) is not a positive power of two")
  }
  let steps = try executionSteps(of: graph, order: order)
  let lifetimes = try tensorLifetimes(in: graph, order: steps)
  let roots = try aliasRoots(aliases, offsets: aliasOffsets, in: graph)
  let memberOffsets = rootOffsets(aliases, offsets: aliasOffsets)
  var bytes: [TensorID: Int] = [:]
  for lifetime in lifetimes {
    bytes[lifetime.tensor] = try byteCount(of: lifetime.tensor, in: graph)
  }

  let requests = bufferRequests(
    lifetimes, roots: roots, bytes: bytes, alignment: alignment, graph: graph)
  let layout = assignOffsets(requests, alignment: alignment)
  var offsets: [TensorID: Int] = [:]
  for placement in layout.placements { offsets[placement.request.id] = placement.offset }

  let tensors = lifetimes.map { lifetime -> PlannedTensor in
    let id = lifetime.tensor
    let root = roots[id] ?? id
    return PlannedTensor(
      tensor: id, name: graph.tensors[id].name, bytes: bytes[id] ?? 0,
      offset: (offsets[root] ?? 0) + (memberOffsets[id] ?? 0), firstOp: lifetime.firstStep,
      lastOp: lifetime.lastStep,
      aliasOf: roots[id])
  }
  return MemoryPlan(
    arenaBytes: layout.arenaBytes, lowerBoundBytes: lowerBound(of: requests, alignment: alignment),
    alignment: alignment, order: steps, tensors: tensors, placementOrder: layout.order,
    schedule: order == nil ? .stored : .given)
}

/// The buffers `graph` needs, one per tensor or alias group, with sizes
/// rounded up to `alignment`; request ids are the owning tensors' ids.
/// `planMemory` is this followed by `assignOffsets`.
public func bufferRequests(
  for graph: Graph, order: [Int]? = nil, aliases: [TensorID: TensorID] = [:], alignment: Int = 16
) throws -> [BufferRequest] {
  let lifetimes = try tensorLifetimes(in: graph, order: order)
  let roots = try aliasRoots(aliases, in: graph)
  var bytes: [TensorID: Int] = [:]
  for lifetime in lifetimes {
    bytes[lifetime.tensor] = try byteCount(of: lifetime.tensor, in: graph)
  }
  return bufferRequests(
    lifetimes, roots: roots, bytes: bytes, alignment: max(alignment, 1), graph: graph)
}

/// One request per buffer: a tensor without aliases is its own buffer; an
/// alias group is one buffer, named by its root and alive from the first
/// member's first step to the last member's last step.
func bufferRequests(
  _ lifetimes: [TensorLifetime], roots: [TensorID: TensorID], bytes: [TensorID: Int],
  alignment: Int, graph: Graph
) -> [BufferRequest] {
  var requests: [TensorID: BufferRequest] = [:]
  for lifetime in lifetimes {
    let root = roots[lifetime.tensor] ?? lifetime.tensor
    if var request = requests[root] {
      request.firstStep = min(request.firstStep, lifetime.firstStep)
      request.lastStep = max(request.lastStep, lifetime.lastStep)
      requests[root] = request
    } else {
      // The root owns the buffer; a member is its size or (at an offset) fits in it.
      requests[root] = BufferRequest(
        id: root, name: graph.tensors[root].name,
        bytes: alignUp(bytes[root] ?? bytes[lifetime.tensor] ?? 0, to: alignment),
        firstStep: lifetime.firstStep, lastStep: lifetime.lastStep)
    }
  }
  return requests.values.sorted { $0.id < $1.id }
}
