import EdgeCore

/// SplitMix64: a tiny deterministic generator, so a failing seed reproduces.
struct RandomGraphRNG {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
  mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(UInt64(1) << 53) < p }
  mutating func float(_ low: Float, _ high: Float) -> Float {
    low + (high - low) * Float(Double(next() >> 11) / Double(UInt64(1) << 53))
  }
  mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

  mutating func int8s(_ count: Int) -> [Int8] { (0..<count).map { _ in Int8(truncatingIfNeeded: next()) } }
}

/// Random valid int8 graphs (N = 1, NHWC) for the property tests of the
/// passes, the planner's byte sharing and the emitted C: chains, branches and
/// joins of the operators the memory passes rewrite or share bytes between.
/// Every op is built by a RandomGraphBuilder method (RandomGraphOps.swift)
/// that only produces shapes and quantizations TFLM accepts.
struct RandomGraphBuilder {
  var rng: RandomGraphRNG
  var tensors: [Tensor] = []
  var operators: [Operator] = []
  var inputs: [TensorID] = []
  /// Run-time int8 rank-4 tensors an op may read, oldest first.
  var activations: [TensorID] = []

  init(seed: UInt64) { rng = RandomGraphRNG(seed: seed) }

  func dims(_ id: TensorID) -> [Int] { tensors[id].shape.dims }
  func quantization(_ id: TensorID) -> Quantization {
    tensors[id].quantization ?? Quantization(scale: 1, zeroPoint: 0)
  }

  mutating func randomQuantization() -> Quantization {
    Quantization(scale: rng.float(0.02, 0.12), zeroPoint: Int64(rng.int(-30...30)))
  }

  mutating func activation(_ dims: [Int], _ q: Quantization) -> TensorID {
    tensors.append(Tensor(name: "t\(tensors.count)", type: .int8, shape: Shape(dims), quantization: q))
    activations.append(tensors.count - 1)
    return tensors.count - 1
  }

  mutating func constant(_ type: DataType, _ dims: [Int], _ q: Quantization?, _ bytes: [UInt8]) -> TensorID {
    tensors.append(Tensor(name: "c\(tensors.count)", type: type, shape: Shape(dims), quantization: q, data: bytes))
    return tensors.count - 1
  }

  mutating func int32Constant(_ values: [Int32], _ dims: [Int], _ q: Quantization? = nil) -> TensorID {
    constant(.int32, dims, q, values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> (8 * $0)) } })
  }

  mutating func emit(_ kind: OpKind, _ inputs: [TensorID?], _ output: TensorID, _ options: OperatorOptions = .none) {
    operators.append(Operator(kind: kind, inputs: inputs, outputs: [output], options: options))
  }

  /// An operand, most often the newest tensor (chains), otherwise any earlier
  /// one (branches and skips).
  mutating func operand() -> TensorID {
    rng.chance(0.55) ? activations[activations.count - 1] : rng.pick(activations)
  }

  /// A graph of one or two inputs and 2–10 random steps; every tensor no op
  /// reads is an output, and sometimes a tensor that is also read later is
  /// one too. With `stem`, the graph starts the way CNNs do and patch-based
  /// inference wants: a larger image through 2–3 convolutions, the last
  /// with stride 2, so the peak sits in a stage that row bands can shrink.
  static func make(seed: UInt64, stem: Bool = false) -> Graph {
    var b = RandomGraphBuilder(seed: seed)
    let first =
      stem
      ? [1, b.rng.int(10...18), b.rng.int(10...18), b.rng.int(1...3)]
      : [1, b.rng.int(3...9), b.rng.int(3...9), b.rng.int(1...6)]
    b.inputs.append(b.activation(first, b.randomQuantization()))
    if stem {
      var x = b.convolution(b.inputs[0], kernel: 3, stride: 1, padding: .same, channels: b.rng.int(4...8))
      if b.rng.chance(0.5) { x = b.depthwise(x, padding: .same) }
      b.convolution(x, kernel: b.rng.pick([1, 3]), stride: 2, padding: b.rng.pick([.same, .valid]), channels: b.rng.int(2...6))
    }
    if !stem, b.rng.chance(0.25) {
      let second = b.rng.chance(0.5) ? first : [1, b.rng.int(3...8), b.rng.int(3...8), b.rng.int(1...5)]
      b.inputs.append(b.activation(second, b.randomQuantization()))
    }
    let steps = stem ? b.rng.int(1...6) : b.rng.int(2...10)
    for _ in 0..<steps { b.randomStep() }
    var consumers = [Int](repeating: 0, count: b.tensors.count)
    for op in b.operators { for case let id? in op.inputs { consumers[id] += 1 } }
    for input in b.inputs where consumers[input] == 0 { b.logistic(input) }
    consumers = [Int](repeating: 0, count: b.tensors.count)
    for op in b.operators { for case let id? in op.inputs { consumers[id] += 1 } }
    let produced = b.operators.flatMap(\.outputs)
    var outputs = produced.filter { consumers[$0] == 0 }
    let readToo = produced.filter { consumers[$0] > 0 }
    if !readToo.isEmpty, b.rng.chance(0.3) { outputs.insert(b.rng.pick(readToo), at: b.rng.int(0...outputs.count)) }
    return Graph(name: "random\(seed)", tensors: b.tensors, operators: b.operators, inputs: b.inputs, outputs: outputs)
  }

  mutating func randomStep() {
    let x = operand()
    switch rng.int(0...15) {
    case 0, 1: convolution(x)
    case 2: depthwise(x)
    case 3, 4: residualBlock(x)
    case 5: elementwise(.add, x)
    case 6: elementwise(.mul, x)
    case 7: logistic(x)
    case 8: requantize(x)
    case 9, 10: padThenWindow(x)
    case 11: concatenate(x, axis: 3)
    case 12: concatenate(x, axis: 1)
    case 13: reshape(x)
    default: pool(x)
    }
  }
}

/// One line per operator, for failure messages: enough to rebuild the graph.
func describeRandomGraph(_ graph: Graph) -> String {
  func t(_ id: TensorID?) -> String {
    guard let id else { return "-" }
    let tensor = graph.tensors[id]
    if tensor.isConstant { return "\(tensor.name)\(tensor.shape)" }
    let q = tensor.quantization.map { " s=\($0.scale) zp=\($0.zeroPoint)" } ?? ""
    return "\(tensor.name)\(tensor.shape)\(q)"
  }
  var lines = ["inputs: \(graph.inputs.map { t($0) }.joined(separator: ", "))"]
  for (k, op) in graph.operators.enumerated() {
    lines.append("  \(k): \(op.kind.name)(\(op.inputs.map(t).joined(separator: ", "))) -> \(op.outputs.map { t($0) }.joined(separator: ", ")) \(op.options)")
  }
  lines.append("outputs: \(graph.outputs.map { graph.tensors[$0].name }.joined(separator: ", "))")
  return lines.joined(separator: "\n")
}
