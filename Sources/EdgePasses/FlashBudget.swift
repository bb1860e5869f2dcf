import EdgeCore
import Foundation

/// `--flash-budget`: chooses, layer by layer, a rank (low-rank factors, or
/// whole) and a weight width (int8 or int4) so the quantized model's weight
/// bytes fit a budget while keeping as much output signal as it can.
///
/// Every option of every layer is measured once, alone, on top of the
/// starting point (all layers whole, at the widest width allowed): the
/// weight bytes it saves and the output noise power it adds against the
/// float model. Treating the layers' noise as additive, as quantization
/// noise from separate layers nearly is, the choice is a multiple-choice
/// knapsack; it is solved greedily on each layer's lower convex hull of
/// (bytes saved, noise added), steepest saving per unit of noise first —
/// the classic near-optimal rule, which unlike a plain per-step greedy is
/// not fooled by a first step that saves little on the way to one that
/// saves a lot — then steps that overshoot the budget are given back where
/// that removes noise. The combination chosen is measured as a whole.
public struct FlashBudget: Sendable {
  public enum Width: String, Hashable, Sendable { case int8, int4 }

  /// One layer's configuration: a rank (nil: left whole) and a width.
  public struct Choice: Hashable, Sendable {
    public var rank: Int?
    public var width: Width
    public init(rank: Int? = nil, width: Width) {
      self.rank = rank
      self.width = width
    }
  }

  /// A layer the search may change, and what it may change it to.
  public struct Layer: Sendable {
    /// The operator's index in the imported model.
    public var op: Int
    public var name: String
    public var options: [Choice]
    public init(op: Int, name: String, options: [Choice]) {
      self.op = op
      self.name = name
      self.options = options
    }
  }

  /// A configuration measured: weight bytes once compiled, and the output
  /// signal and noise power against the float model on the search samples.
  public struct Measurement: Sendable, Equatable {
    public var weightBytes: Int
    public var signal: Double
    public var noise: Double
    public init(weightBytes: Int, signal: Double, noise: Double) {
      self.weightBytes = weightBytes
      self.signal = signal
      self.noise = noise
    }
    public var sqnr: Double { noise > 0 && signal > 0 ? 10 * log10(signal / noise) : 200 }
  }

  /// One layer's part of the answer, for the summary and report.json.
  public struct Decision: Sendable, Equatable {
    public var op: Int
    public var layer: String
    public var choice: Choice
    public var bytesSaved: Int
    /// The output SQNR with this layer's change alone.
    public var sqnrAlone: Double
  }

  public struct Result: Sendable {
    public var choices: [Int: Choice]
    public var decisions: [Decision]
    public var start: Measurement
    public var final: Measurement
    /// How many configurations were measured.
    public var measured: Int
  }

  public var budget: Int
  public var widths: [Width]

  /// `widths`: the widths allowed, widest first (`--weights` fixes one).
  public init(budget: Int, widths: [Width] = [.int8, .int4]) {
    self.budget = budget
    self.widths = widths
  }

  /// The layers of the float `graph` (origins stamped) the search may
  /// change: CONV_2D and FULLY_CONNECTED get ranks down from the largest
  /// that saves bytes, by factors of 3/4 (at most eight), at every width;
  /// DEPTHWISE_CONV_2D gets the widths alone.
  public func layers(of graph: Graph, ranks: [Int: Int]) -> [Layer] {
    var layers: [Layer] = []
    for (index, op) in graph.operators.enumerated() {
      guard [.conv2D, .depthwiseConv2D, .fullyConnected].contains(op.kind), op.inputs.count > 1,
        let w = op.inputs[1], graph.tensors.indices.contains(w), graph.tensors[w].isConstant,
        graph.tensors[w].type == .float32
      else { continue }
      let origin = op.origin ?? index
      var rungs: [Int?] = [nil]
      if let breakEven = ranks[origin], breakEven >= 1 {
        var rank = breakEven
        while rank >= 1 && rungs.count <= 8 {
          if rungs.last != .some(rank) { rungs.append(rank) }
          rank = rank * 3 / 4
        }
      }
      let options = widths.flatMap { width in rungs.map { Choice(rank: $0, width: width) } }
      layers.append(Layer(op: origin, name: graph.describe(op: index), options: options))
    }
    return layers
  }

  /// `measure` compiles a configuration (layers absent: whole, at the
  /// widest width) and scores it.
  public func search(_ layers: [Layer], measure: ([Int: Choice]) throws -> Measurement) throws -> Result {
    let widest = widths.first ?? .int8
    let base = Choice(width: widest)
    let start = try measure([:])
    var measured = 1
    guard start.weightBytes > budget else {
      return Result(choices: [:], decisions: [], start: start, final: start, measured: measured)
    }
    // Each layer's options as (saved, added noise), alone on the start.
    var hulls: [[(choice: Choice, saved: Int, noise: Double, sqnr: Double)]] = []
    for layer in layers {
      var points = [(choice: base, saved: 0, noise: 0.0, sqnr: start.sqnr)]
      for option in layer.options where option != base {
        let m = try measure([layer.op: option])
        measured += 1
        let saved = start.weightBytes - m.weightBytes
        guard saved > 0 else { continue }
        // Negative when the change happens to cancel noise: kept, so that
        // options are still told apart rather than all tied at zero.
        points.append((option, saved, m.noise - start.noise, m.sqnr))
      }
      hulls.append(Self.lowerHull(points))
    }
    var position = [Int](repeating: 0, count: layers.count)
    var bytes = start.weightBytes
    while bytes > budget {
      // The next hull step with the least noise per byte saved; ties to the
      // earlier layer, so the answer is the same on every run.
      var best: (layer: Int, slope: Double)?
      for (l, hull) in hulls.enumerated() where position[l] + 1 < hull.count {
        let (here, next) = (hull[position[l]], hull[position[l] + 1])
        let slope = (next.noise - here.noise) / Double(next.saved - here.saved)
        if let current = best, current.slope <= slope { continue }
        best = (l, slope)
      }
      guard let step = best else {
        let smallest = start.weightBytes - hulls.map { $0.last?.saved ?? 0 }.reduce(0, +)
        throw EdgeError(
          .invalidInput,
          "--flash-budget \(budget): the smallest weights reachable are about \(smallest) bytes (every layer at its \(widths.count > 1 || widest == .int4 ? "int4, " : "")lowest rank tried); raise the budget\(widths.contains(.int4) ? "" : ", or allow int4 weights (leave out --weights int8)")")
      }
      let hull = hulls[step.layer]
      bytes -= hull[position[step.layer] + 1].saved - hull[position[step.layer]].saved
      position[step.layer] += 1
    }
    // The last steps may overshoot the budget: give back, while it still
    // fits, the hull steps whose undoing removes the most noise.
    while true {
      var best: (layer: Int, position: Int, removed: Double)?
      for (l, hull) in hulls.enumerated() where position[l] > 0 {
        let here = hull[position[l]]
        for p in 0..<position[l] where bytes + here.saved - hull[p].saved <= budget {
          let removed = here.noise - hull[p].noise
          if removed > 0, removed > best?.removed ?? 0 { best = (l, p, removed) }
        }
      }
      guard let undo = best else { break }
      bytes += hulls[undo.layer][position[undo.layer]].saved - hulls[undo.layer][undo.position].saved
      position[undo.layer] = undo.position
    }
    var choices: [Int: Choice] = [:]
    var decisions: [Decision] = []
    for (l, layer) in layers.enumerated() where position[l] > 0 {
      let point = hulls[l][position[l]]
      choices[layer.op] = point.choice
      decisions.append(
        Decision(op: layer.op, layer: layer.name, choice: point.choice, bytesSaved: point.saved, sqnrAlone: point.sqnr))
    }
    let final = try measure(choices)
    measured += 1
    return Result(choices: choices, decisions: decisions, start: start, final: final, measured: measured)
  }

  /// The points on the lower convex hull of (saved, noise), from (0, 0):
  /// each step the cheapest noise per byte among those that save more.
  static func lowerHull(_ points: [(choice: Choice, saved: Int, noise: Double, sqnr: Double)])
    -> [(choice: Choice, saved: Int, noise: Double, sqnr: Double)]
  {
    var hull = [points[0]]
    var rest = points.dropFirst().sorted { ($0.saved, $0.noise) < ($1.saved, $1.noise) }
    while let here = hull.last {
      rest = rest.filter { $0.saved > here.saved }
      // Least added noise per byte; among equal slopes, the larger saving.
      let next = rest.min { a, b in
        let slopeA = (a.noise - here.noise) / Double(a.saved - here.saved)
        let slopeB = (b.noise - here.noise) / Double(b.saved - here.saved)
        return slopeA != slopeB ? slopeA < slopeB : a.saved > b.saved
      }
      guard let next else { break }
      hull.append(next)
    }
    return hull
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
