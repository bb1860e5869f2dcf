import EdgeCore

/// Collapses alias chains to their roots: `aliases` maps a tensor to the
/// tensor whose bytes it reuses (a RESHAPE output to its input), and the
/// result maps every alias member to the tensor at the end of its chain,
/// which owns the buffer. `offsets` places a member at a byte offset inside
/// its target (a CONCATENATION input in its slice of the output); members
/// without one have their target's size. Throws, naming the tensor, when an
/// alias refers to a tensor that does not exist, ends in a constant (which
/// lives in flash), does not fit its target, or goes round in a cycle.
public func aliasRoots(
  _ aliases: [TensorID: TensorID], offsets: [TensorID: Int] = [:], in graph: Graph
) throws -> [TensorID: TensorID] {
  var roots: [TensorID: TensorID] = [:]
  // Sorted so that the error for an inconsistent map is always the same one.
  for member in aliases.keys.sorted() {
    var path: [TensorID] = [member]
    var current = member
    while let next = aliases[current] {
      try checkAlias(from: current, to: next, offset: offsets[current], in: graph)
      if path.contains(next) {
        let cycle = (path + [next]).map(String.init).joined(separator: " -> ")
        throw EdgeError(
          .invalidGraph,
          "aliases form a cycle (\(cycle));"
            + " an alias chain must end in a tensor that owns its bytes",
          at: location(of: member, in: graph))
      }
      path.append(next)
      current = next
    }
    roots[member] = current
  }
  return roots
}

/// Each member's byte offset inside its root's buffer: the sum of the
/// offsets along its chain (0 for plain views).
public func rootOffsets(_ aliases: [TensorID: TensorID], offsets: [TensorID: Int]) -> [TensorID: Int] {
  var result: [TensorID: Int] = [:]
  for member in aliases.keys {
    var total = 0
    var current = member
    var steps = 0
    while let next = aliases[current], steps <= aliases.count {
      total += offsets[current] ?? 0
      current = next
      steps += 1
    }
    result[member] = total
  }
  return result
}

private func checkAlias(from member: TensorID, to target: TensorID, offset: Int?, in graph: Graph) throws {
  for id in [member, target] where !graph.tensors.indices.contains(id) {
    throw EdgeError(
      .invalidGraph, "an alias refers to tensor \(id), but the graph has \(graph.tensors.count)")
  }
  if member == target {
    throw EdgeError(.invalidGraph, "is an alias of itself", at: location(of: member, in: graph))
  }
  for id in [member, target] where graph.tensors[id].isConstant {
    let relation =
      id == member
      ? "it cannot be an alias of \(graph.describe(tensor: target))"
      : "\(graph.describe(tensor: member)) cannot be an alias of it"
    throw EdgeError(
      .invalidGraph, "is a constant that lives in flash, so \(relation)",
      at: location(of: id, in: graph))
  }
  let memberBytes = try byteCount(of: member, in: graph)
  let targetBytes = try byteCount(of: target, in: graph)
  if let offset {
    guard offset >= 0, offset + memberBytes <= targetBytes else {
      throw EdgeError(
        .invalidGraph,
        "has \(memberBytes) bytes at offset \(offset) of \(graph.describe(tensor: target)),"
          + " which has only \(targetBytes)",
        at: location(of: member, in: graph))
    }
    return
  }
  guard memberBytes == targetBytes else {
    throw EdgeError(
      .invalidGraph,
      "has \(memberBytes) bytes but is an alias of \(graph.describe(tensor: target)),"
        + " which has \(targetBytes); only tensors of the same size can share a buffer",
      at: location(of: member, in: graph))
  }
}

/// A tensor's size in bytes, checked: negative dimensions and sizes that
/// overflow are errors here rather than traps in `Tensor.byteSize`.
func byteCount(of id: TensorID, in graph: Graph) throws -> Int {
  let tensor = graph.tensors[id]
  var bytes = tensor.type.byteSize
  for dim in tensor.shape.dims {
    let (product, overflow) = bytes.multipliedReportingOverflow(by: dim)
    guard dim >= 0, !overflow, product <= Int(Int32.max) else {
      throw EdgeError(
        .invalidGraph, "shape \(tensor.shape) of \(tensor.type) is negative or larger than 2 GiB",
        at: location(of: id, in: graph))
    }
    bytes = product
  }
  // int4 (byteSize 1) packs two elements a byte.
  return tensor.type == .int4 ? tensor.type.byteCount(elements: bytes) : bytes
}
