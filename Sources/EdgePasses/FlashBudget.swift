import EdgeCore

/// `--flash-budget`: picks, layer by layer, which CONV_2D, DEPTHWISE_CONV_2D
/// and FULLY_CONNECTED weights drop from int8 to int4 so the quantized
/// model's weight bytes fit a budget, losing as little output SQNR as it can.
///
/// Greedy, as a person would: start from all int8; while the weights exceed
/// the budget, try every layer still int8, and take the one that costs the
/// least SQNR per byte saved. The budget is on the weight bytes only (the
/// constants the compiled kernels read, measured after the standard passes
/// as `compile` measures them): code size is known only after compiling.
/// Per-layer low rank is not searched; `--low-rank` still applies first.
public struct FlashBudget {
  public var budget: Int
  public var ranges: [TensorID: ClosedRange<Float>]

  /// One step of the search, for the summary on stderr and the tests.
  public struct Move: Sendable, Equatable {
    /// The operator's index in the prepared float graph.
    public var opIndex: Int
    public var layer: String
    public var bytesSaved: Int
    /// Weight bytes and output SQNR (dB) once this move is made.
    public var weightBytes: Int
    public var sqnr: Double
  }

  public struct Result {
    public var graph: Graph
    public var moves: [Move]
    /// Weight bytes and SQNR of the all-int8 start.
    public var int8Bytes: Int
    public var int8SQNR: Double
    public var int4Operators: Set<Int>
  }

  public init(budget: Int, ranges: [TensorID: ClosedRange<Float>]) {
    self.budget = budget
    self.ranges = ranges
  }

  /// `graph` is `QuantizeInt8.prepare`'s output; `sqnr` gives the output
  /// SQNR of a quantized graph (already through `PassManager.standard`)
  /// against the float model on the calibration samples.
  public func search(_ graph: Graph, sqnr: (Graph) throws -> Double) throws -> Result {
    func quantized(_ int4: Set<Int>) throws -> (graph: Graph, lowered: Graph, bytes: Int) {
      let q = try PassManager([QuantizeInt8(ranges: ranges, int4Operators: int4)]).run(graph).graph
      let lowered = try PassManager.standard.run(q).graph
      return (q, lowered, Self.weightBytes(of: lowered))
    }
    var chosen: Set<Int> = []
    var current = try quantized(chosen)
    let start = (bytes: current.bytes, sqnr: try sqnr(current.lowered))
    var currentSQNR = start.sqnr
    var moves: [Move] = []
    let candidates = graph.operators.indices.filter { index in
      let op = graph.operators[index]
      guard [.conv2D, .depthwiseConv2D, .fullyConnected].contains(op.kind), op.inputs.count > 1, let w = op.inputs[1]
      else { return false }
      return graph.tensors[w].type == .float32 && graph.tensors[w].isConstant
    }
    while current.bytes > budget {
      var best: (index: Int, state: (graph: Graph, lowered: Graph, bytes: Int), sqnr: Double, cost: Double)?
      for index in candidates where !chosen.contains(index) {
        let state = try quantized(chosen.union([index]))
        let saved = current.bytes - state.bytes
        guard saved > 0 else { continue }
        let value = try sqnr(state.lowered)
        // dB lost per byte saved; ties go to the earlier layer (deterministic).
        let cost = (currentSQNR - value) / Double(saved)
        if let current = best, current.cost <= cost { continue }
        best = (index, state, value, cost)
      }
      guard let move = best else {
        throw EdgeError(
          .invalidInput,
          "--flash-budget \(budget): the smallest weights reachable are \(current.bytes) bytes (every CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED weight int4); raise the budget, or add --low-rank to shrink the layers first")
      }
      moves.append(
        Move(
          opIndex: move.index, layer: graph.describe(op: move.index), bytesSaved: current.bytes - move.state.bytes,
          weightBytes: move.state.bytes, sqnr: move.sqnr))
      chosen.insert(move.index)
      (current, currentSQNR) = (move.state, move.sqnr)
    }
    return Result(graph: current.graph, moves: moves, int8Bytes: start.bytes, int8SQNR: start.sqnr, int4Operators: chosen)
  }

  /// The bytes of the constants operators read, each counted once: what
  /// the compiled model keeps in flash as weights.
  public static func weightBytes(of graph: Graph) -> Int {
    var seen: Set<TensorID> = []
    for op in graph.operators {
      for case let id? in op.inputs where graph.tensors.indices.contains(id) && graph.tensors[id].isConstant {
        seen.insert(id)
      }
    }
    return seen.map { graph.tensors[$0].byteSize }.reduce(0, +)
  }
}
