import EdgeCore

/// Post-training int8 quantization of a float32 graph (run on
/// `QuantizeInt8.prepare`'s output, with ranges calibrated on that graph):
/// what the TFLite converter makes with a representative dataset and no
/// inference_input_type — a full-int8 model that keeps its float interface.
///
/// * Every float32 run-time tensor becomes per-tensor asymmetric int8 from
///   its range (`Int8Parameters.activation`); tensors TFLite ties together
///   share one quantization over the union of their ranges: the input and
///   output of RESHAPE, PAD, SLICE, MAX_POOL_2D and AVERAGE_POOL_2D (their
///   int8 kernels copy or compare without rescaling) and every input and the
///   output of CONCATENATION. SOFTMAX and LOGISTIC outputs are fixed at
///   1/256, −128, and so is any tensor tied to them.
/// * Weights of CONV_2D (axis 0), DEPTHWISE_CONV_2D (axis 3) and
///   FULLY_CONNECTED (axis 0) become per-channel symmetric int8; their bias
///   int32 at input scale × weight scale. Other float constants (ADD or MUL
///   operands) are quantized over their own range.
/// * Each float input gets a QUANTIZE, each float output a DEQUANTIZE.
///
/// Not bit-preserving (the one pass that is not): it trades exactness for
/// a 4× smaller model, and edgec reports the cost as output SQNR.
public struct QuantizeInt8: GraphPass {
  public var name: String { "quantize-int8" }
  /// Float range of every float32 run-time tensor, by id in the graph.
  public var ranges: [TensorID: ClosedRange<Float>]
  /// The width of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED weights:
  /// int4 halves their flash (per-channel symmetric, [−7, 7], packed two a
  /// byte); activations stay int8 either way.
  public var weights: WeightWidth
  /// Operators (by index in the input graph) whose weights are int4
  /// whatever `weights` says: the per-layer choice of `--flash-budget`.
  public var int4Operators: Set<Int>

  public enum WeightWidth: String, Sendable, CaseIterable { case int8, int4 }

  public init(ranges: [TensorID: ClosedRange<Float>], weights: WeightWidth = .int8, int4Operators: Set<Int> = []) {
    self.ranges = ranges
    self.weights = weights
    self.int4Operators = int4Operators
  }

  public func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int) {
    if let bad = graph.operators.firstIndex(where: { $0.kind == .quantize || $0.kind == .dequantize }) {
      throw EdgeError(
        .unsupported,
        "--quantize int8 takes a float model, but \(graph.describe(op: bad)) already converts between float and integers; compile the model without --quantize",
        at: ErrorLocation(opIndex: graph.operators[bad].origin ?? bad, opName: graph.operators[bad].kind.name))
    }
    let activations = graph.tensors.indices.filter { graph.tensors[$0].type == .float32 && !graph.tensors[$0].isConstant }
    guard !activations.isEmpty else {
      throw EdgeError(.unsupported, "--quantize int8: model '\(graph.name)' has no float32 tensors to quantize; it is already integer")
    }
    let quantization = try activationQuantization(graph, activations)
    var g = graph
    var replacement: [TensorID: TensorID] = [:]
    for id in activations {
      if graph.inputs.contains(id) || graph.outputs.contains(id) {
        var tensor = graph.tensors[id]
        tensor.name += "_int8"
        (tensor.type, tensor.quantization) = (.int8, quantization[id])
        replacement[id] = g.tensors.count
        g.tensors.append(tensor)
      } else {
        (g.tensors[id].type, g.tensors[id].quantization) = (.int8, quantization[id])
        replacement[id] = id
      }
    }
    var operators = graph.inputs.compactMap { id -> Operator? in
      guard let int8 = replacement[id], int8 != id else { return nil }
      return Operator(kind: .quantize, inputs: [id], outputs: [int8])
    }
    var quantizedConstants: Set<TensorID> = []
    for (index, op) in graph.operators.enumerated() {
      var rewritten = op
      rewritten.inputs = op.inputs.map { id in id.map { replacement[$0] ?? $0 } }
      rewritten.outputs = op.outputs.map { replacement[$0] ?? $0 }
      if op.kind == .concatenation, let output = rewritten.outputs.first {
        for (position, input) in rewritten.inputs.enumerated() {
          guard let input, g.tensors[input].type == .int8, let q = g.tensors[input].quantization,
            let target = g.tensors[output].quantization, q != target
          else { continue }
          var requantized = g.tensors[input]
          (requantized.name, requantized.quantization) = (requantized.name + "_requantized", target)
          g.tensors.append(requantized)
          operators.append(Operator(kind: .quantize, inputs: [input], outputs: [g.tensors.count - 1], origin: op.origin ?? index))
          rewritten.inputs[position] = g.tensors.count - 1
        }
      }
      try quantizeConstants(of: rewritten, index: index, in: &g, quantization: quantization, done: &quantizedConstants)
      operators.append(rewritten)
      for output in op.outputs where graph.outputs.contains(output) {
        if let int8 = replacement[output], int8 != output {
          operators.append(Operator(kind: .dequantize, inputs: [int8], outputs: [output], origin: op.origin ?? index))
        }
      }
    }
    if let id = graph.inputs.first(where: { graph.outputs.contains($0) && replacement[$0] != nil }) {
      throw EdgeError(.unsupported, "--quantize int8: \(graph.describe(tensor: id)) is both an input and an output of the model")
    }
    g.operators = operators
    // The state starts from the initial values, now in the variables' int8.
    for (index, variable) in g.variables.enumerated() {
      let tensor = g.tensors[variable.tensor]
      guard graph.tensors[variable.tensor].type == .float32, tensor.type == .int8, let q = tensor.quantization else {
        continue
      }
      let floats = TensorValue(type: .float32, shape: graph.tensors[variable.tensor].shape, bytes: variable.initialValue).floats
      g.variables[index].initialValue = floats.map { UInt8(bitPattern: Int8Parameters.quantize($0, q)) }
    }
    return (g, activations.count + quantizedConstants.count)
  }

  /// The int8 quantization of every float activation, ties resolved.
  private func activationQuantization(_ graph: Graph, _ activations: [TensorID]) throws -> [TensorID: Quantization] {
    var ties = TensorTies(count: graph.tensors.count)
    var fixed: Set<TensorID> = []
    for op in graph.operators {
      switch op.kind {
      case .reshape, .pad, .slice, .maxPool2D, .averagePool2D, .transpose, .stridedSlice, .gather:
        if let input = op.inputs.first ?? nil, let output = op.outputs.first { ties.join(input, output) }
      // Data movement into several outputs: the converter gives them all the
      // input's quantization, and edgec's kernels only move bytes. SPLIT's
      // data is its second input (the axis comes first), SPLIT_V's its first.
      // A variable holds what is assigned to it and gives it back when read:
      // one quantization for the three, as the converter's quantized
      // variables have (and as the verifier requires).
      case .readVariable, .assignVariable:
        if let variable = op.inputs.first ?? nil {
          for case let other? in op.inputs.dropFirst() { ties.join(variable, other) }
          for output in op.outputs { ties.join(variable, output) }
        }
      case .split, .splitV:
        let position = op.kind == .split ? 1 : 0
        if op.inputs.count > position, let input = op.inputs[position] {
          for output in op.outputs { ties.join(input, output) }
        }
      case .softmax, .logistic:
        fixed.formUnion(op.outputs)
      default:
        break
      }
    }
    var groupFixed = Set(fixed.map { ties.root($0) })
    // CONCATENATION shares its output's quantization with its inputs, except
    // an input fixed at 1/256 (a LOGISTIC output): that one is requantized
    // by a QUANTIZE before the concatenation (see `run`), as the converter does.
    for op in graph.operators where op.kind == .concatenation {
      guard let output = op.outputs.first else { continue }
      for case let input? in op.inputs where !groupFixed.contains(ties.root(input)) {
        ties.join(input, output)
      }
      groupFixed = Set(fixed.map { ties.root($0) })
    }
    var groupRange: [Int: ClosedRange<Float>] = [:]
    // A variable is never computed, so calibration does not see it; it
    // takes the range of what is read from and assigned to it.
    for id in activations where !graph.tensors[id].isVariable {
      guard let range = ranges[id] else {
        throw EdgeError(
          .invalidInput,
          "--quantize int8: no calibration range for \(graph.describe(tensor: id)); calibration did not reach it")
      }
      let root = ties.root(id)
      groupRange[root] = groupRange[root].map { min($0.lowerBound, range.lowerBound)...max($0.upperBound, range.upperBound) } ?? range
    }
    // Constants tied to activations (a constant CONCATENATION input) take
    // the group's quantization, not their own range.
    var result: [TensorID: Quantization] = [:]
    for id in graph.tensors.indices where graph.tensors[id].type == .float32 {
      let root = ties.root(id)
      if groupFixed.contains(root) {
        result[id] = Int8Parameters.probability
      } else if let range = groupRange[root] {
        result[id] = Int8Parameters.activation(range)
      }
    }
    return result
  }
}

/// Union-find over tensor ids: tensors that must share one quantization.
struct TensorTies {
  private var parent: [Int]
  init(count: Int) { parent = Array(0..<count) }

  mutating func root(_ id: Int) -> Int {
    var r = id
    while parent[r] != r { r = parent[r] }
    var i = id
    while parent[i] != r { (parent[i], i) = (r, parent[i]) }
    return r
  }

  mutating func join(_ a: Int, _ b: Int) {
    let (ra, rb) = (root(a), root(b))
    if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
  }
}
