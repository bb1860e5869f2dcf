import EdgeCore

/// The tensors holding the same data as `id`: `id` and everything joined to
/// it by views (alias edges that are not in-place writes), up and down the
/// alias chains, sorted. An in-place write starts new data in old bytes, so
/// its edge separates two such groups.
public func sameBytes(as id: TensorID, aliases: [TensorID: TensorID], inPlace: Set<TensorID>)
  -> [TensorID]
{
  var neighbours: [TensorID: [TensorID]] = [:]
  for (member, target) in aliases where !inPlace.contains(member) {
    neighbours[member, default: []].append(target)
    neighbours[target, default: []].append(member)
  }
  var group: Set<TensorID> = [id]
  var pending = [id]
  while let next = pending.popLast() {
    for other in neighbours[next] ?? [] where group.insert(other).inserted { pending.append(other) }
  }
  return group.sorted()
}

/// An op whose kernel may write its output over one of `inputs` (element by
/// element, each read before the write at the same bytes).
public struct InPlaceCandidate: Hashable, Sendable {
  public var opIndex: Int
  public var output: TensorID
  public var inputs: [TensorID]
  /// The output may be smaller than the input it overwrites and then takes
  /// that input's first bytes (the caller records the alias at offset 0).
  public var outputMayBeSmaller: Bool

  public init(opIndex: Int, output: TensorID, inputs: [TensorID], outputMayBeSmaller: Bool = false) {
    self.opIndex = opIndex
    self.output = output
    self.inputs = inputs
    self.outputMayBeSmaller = outputMayBeSmaller
  }
}

/// Chooses which candidates write in place, and over which input: the first
/// listed input that (1) has the output's byte size (or, for a candidate
/// whose output may be smaller, at least it), (2) lives in the arena
/// (not a constant, not a variable), (3) shares no bytes with the op's other
/// inputs or with a graph output, and (4) whose bytes no other op reads after
/// this one in the stored order — so the stored order stays valid and the
/// scheduler only has to keep those readers first (`scheduleForMemory`'s
/// `inPlace`). Returns output → overwritten input, to be merged into the
/// planner's aliases (with the outputs as `inPlace`).
public func chooseInPlaceWrites(
  _ graph: Graph, views: [TensorID: TensorID], candidates: [InPlaceCandidate]
) throws -> [TensorID: TensorID] {
  let consumers = graph.consumers
  let outputs = Set(graph.outputs)
  var chosen: [TensorID: TensorID] = [:]
  for candidate in candidates.sorted(by: { $0.opIndex < $1.opIndex }) {
    let op = graph.operators[candidate.opIndex]
    let output = candidate.output
    guard views[output] == nil, chosen[output] == nil, !graph.tensors[output].isConstant,
      !graph.tensors[output].isVariable
    else { continue }
    let outputBytes = try byteCount(of: output, in: graph)
    var aliases = views
    for (member, target) in chosen { aliases[member] = target }
    let inPlace = Set(chosen.keys)
    for input in candidate.inputs {
      let tensor = graph.tensors[input]
      guard !tensor.isConstant, !tensor.isVariable else { continue }
      let inputBytes = try byteCount(of: input, in: graph)
      guard inputBytes == outputBytes || (candidate.outputMayBeSmaller && inputBytes > outputBytes) else { continue }
      let group = sameBytes(as: input, aliases: aliases, inPlace: inPlace)
      let otherInputs = op.inputs.enumerated().compactMap { slot, id -> TensorID? in
        slot == op.inputs.firstIndex(of: input) ? nil : id
      }
      let safe = group.allSatisfy { member in
        !outputs.contains(member) && !otherInputs.contains(member)
          && consumers[member].allSatisfy { $0 == candidate.opIndex || $0 < candidate.opIndex }
      }
      if safe {
        chosen[output] = input
        break
      }
    }
  }
  return chosen
}
