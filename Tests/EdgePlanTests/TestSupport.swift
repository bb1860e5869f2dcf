import EdgeCore

@testable import EdgePlan

/// Builds small graphs for planner tests: every tensor is int8 with shape
/// [bytes], so a tensor's size in bytes is its one dimension.
struct GraphBuilder {
  var tensors: [Tensor] = []
  var operators: [Operator] = []
  var inputs: [TensorID] = []
  var outputs: [TensorID] = []

  mutating func tensor(_ name: String, bytes: Int, constant: Bool = false) -> TensorID {
    tensors.append(
      Tensor(
        name: name, type: .int8, shape: Shape([bytes]),
        data: constant ? [UInt8](repeating: 0, count: bytes) : nil))
    return tensors.count - 1
  }

  mutating func input(_ name: String, bytes: Int) -> TensorID {
    let id = tensor(name, bytes: bytes)
    inputs.append(id)
    return id
  }

  /// Adds an operator reading `from` and writing one new tensor; returns it.
  mutating func op(
    _ kind: OpKind = .add, _ from: [TensorID], _ name: String, bytes: Int
  ) -> TensorID {
    let id = tensor(name, bytes: bytes)
    operators.append(Operator(kind: kind, inputs: from, outputs: [id]))
    return id
  }

  var graph: Graph {
    Graph(name: "test", tensors: tensors, operators: operators, inputs: inputs, outputs: outputs)
  }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed generator whose
/// sequence is fixed by its seed, so a failing random case can be replayed.
struct SplitMix64 {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in `range` (the modulo bias is irrelevant at these sizes).
  mutating func int(in range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.count))
  }

  /// True with probability `percent`/100.
  mutating func chance(_ percent: Int) -> Bool { int(in: 0...99) < percent }
}

extension MemoryPlan {
  /// [tensor, offset, first, last, alias or -1] per entry, for compact asserts.
  var rows: [[Int]] {
    tensors.map { [$0.tensor, $0.offset, $0.firstOp, $0.lastOp, $0.aliasOf ?? -1] }
  }
}

/// A seeded random graph with the aliases the lowering would give it.
///
/// 1-2 graph inputs, 1-`maxOps` ops reading up to 3 earlier activations
/// (half the time the newest one, as in real networks) plus sometimes a
/// weight; some ops are RESHAPE views (aliases), some write a second output
/// nobody reads, and some tensors in the middle are graph outputs. A chain
/// has one input and ops that each read the newest activation only.
struct RandomCase {
  var graph: Graph
  var aliases: [TensorID: TensorID]

  init(_ rng: inout SplitMix64, chain: Bool, maxOps: Int = 40) {
    var g = GraphBuilder()
    var activations: [TensorID] = []
    var aliases: [TensorID: TensorID] = [:]
    for i in 0..<(chain ? 1 : rng.int(in: 1...2)) {
      activations.append(g.input("in\(i)", bytes: rng.int(in: 1...100_000)))
    }
    for i in 0..<rng.int(in: 1...maxOps) {
      var reads: [TensorID] = []
      for _ in 0..<(chain ? 1 : rng.int(in: 1...3)) {
        let pick = rng.chance(50) ? activations.count - 1 : rng.int(in: 0...(activations.count - 1))
        if !reads.contains(activations[pick]) { reads.append(activations[pick]) }
      }
      if !chain, rng.chance(15) {
        let source = reads[0]
        let view = g.op(.reshape, [source], "view\(i)", bytes: g.tensors[source].shape[0])
        aliases[view] = source
        activations.append(view)
        continue
      }
      if rng.chance(30) {
        reads.append(g.tensor("w\(i)", bytes: rng.int(in: 1...1000), constant: true))
      }
      let out = g.op(.conv2D, reads, "t\(i)", bytes: rng.int(in: 1...100_000))
      if !chain, rng.chance(10) {
        g.operators[g.operators.count - 1].outputs.append(
          g.tensor("aux\(i)", bytes: rng.int(in: 1...5000)))
      }
      if !chain, rng.chance(10) { g.outputs.append(out) }
      activations.append(out)
    }
    if let last = activations.last, !g.outputs.contains(last) { g.outputs.append(last) }
    self.graph = g.graph
    self.aliases = aliases
  }
}
