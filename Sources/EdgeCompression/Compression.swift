import EdgeCore
import EdgePasses
import EdgeReference

/// What the user asked of a float model: `--low-rank`, `--quantize int8`
/// with its calibration, `--weights`, `--flash-budget`.
public struct CompressionRequest {
  public var lowRank: LowRankRule?
  public var quantize: Bool
  public var samples: [[TensorValue]]
  public var method: CalibrationMethod
  /// Nil: the flash-budget search picks int8 or int4 per layer; plain
  /// quantization then uses int8.
  public var weights: FlashBudget.Width?
  public var flashBudget: Int?
  public var lowering: LoweringOptions
  /// Calibration progress (done, total), for the progress bar.
  public var progress: ((Int, Int) -> Void)?

  public init(
    lowRank: LowRankRule? = nil, quantize: Bool = false, samples: [[TensorValue]] = [],
    method: CalibrationMethod = .minmax, weights: FlashBudget.Width? = nil, flashBudget: Int? = nil,
    lowering: LoweringOptions = LoweringOptions(), progress: ((Int, Int) -> Void)? = nil
  ) {
    self.lowRank = lowRank
    self.quantize = quantize
    self.samples = samples
    self.method = method
    self.weights = weights
    self.flashBudget = flashBudget
    self.lowering = lowering
    self.progress = progress
  }
}

/// What the compression did, for stderr and report.json.
public struct CompressionRecord: Sendable {
  public var lowRank: [LowRankLayer] = []
  /// Samples calibration ran on, and how ranges were chosen; nil unquantized.
  public var calibration: (samples: Int, method: CalibrationMethod)?
  public var weights: FlashBudget.Width?
  public var budget: BudgetRecord?

  public struct BudgetRecord: Sendable {
    public var budget: Int
    public var samples: Int
    public var result: FlashBudget.Result
  }

  public init() {}
}

/// Samples the per-layer input statistics are gathered on: enough for a
/// well-conditioned Gram matrix (a convolution gives one column per output
/// pixel), few enough to stay a small part of compile time.
let statisticsSampleCount = 64

/// Compresses a float model as asked, in the order that makes each step see
/// the last one's result: float16 weights widened and shape arithmetic
/// folded, low rank (whitened by calibration inputs when there are
/// samples), calibration of the factored model, int8 quantization. With a
/// flash budget, the ranks and widths come from `FlashBudgetSearch`.
public func compress(_ imported: Graph, _ request: CompressionRequest) throws -> (graph: Graph, record: CompressionRecord) {
  var graph = imported
  // Every later step names layers by their index in the imported model.
  for index in graph.operators.indices where graph.operators[index].origin == nil {
    graph.operators[index].origin = index
  }
  graph = try QuantizeInt8.prepare(graph)
  var record = CompressionRecord()
  if request.quantize && request.samples.isEmpty {
    throw EdgeError(.invalidInput, "--quantize int8 needs calibration samples: --calibration DATA.npy (a batch [N, *input_shape]) or a folder of .npy files")
  }
  if let budget = request.flashBudget {
    guard request.quantize else {
      throw EdgeError(.invalidInput, "--flash-budget needs --quantize int8 (it picks ranks and int8 or int4 weights per layer)")
    }
    guard budget > 0 else { throw EdgeError(.invalidInput, "--flash-budget \(budget): a budget is a positive number of bytes") }
    guard request.lowRank == nil else {
      throw EdgeError(.invalidInput, "--flash-budget picks each layer's rank itself; leave out --low-rank")
    }
    let search = FlashBudgetSearch(
      budget: budget, widths: request.weights.map { [$0] } ?? [.int8, .int4], method: request.method,
      lowering: request.lowering)
    let (result, searched) = try search.run(graph, samples: request.samples, progress: request.progress)
    record.lowRank = searched.lowRank
    record.calibration = (request.samples.count, request.method)
    record.weights = request.weights
    record.budget = .init(budget: budget, samples: min(request.samples.count, FlashBudgetSearch.sampleCount), result: searched.result)
    return (result, record)
  }
  if let rule = request.lowRank {
    let inputs = try layerInputStatistics(graph, samples: request.samples, lowering: request.lowering)
    let (decomposed, layers) = try LowRank(rule, inputs: inputs).decompose(graph)
    graph = try verified(decomposed, by: "low-rank")
    record.lowRank = layers
  }
  guard request.quantize else {
    if request.weights == .int4 { throw EdgeError(.invalidInput, "--weights int4 needs --quantize int8 (it picks the weight width of the quantized model)") }
    return (graph, record)
  }
  let ranges = try calibrate(graph, samples: request.samples, options: request.lowering, progress: request.progress)
    .ranges(request.method)
  let width: QuantizeInt8.WeightWidth = request.weights == .int4 ? .int4 : .int8
  record.calibration = (request.samples.count, request.method)
  record.weights = request.weights ?? .int8
  return (try PassManager([QuantizeInt8(ranges: ranges, weights: width)]).run(graph).graph, record)
}

/// Per factorable layer, its inputs' statistics on the first samples; empty
/// without samples (the low-rank pass then factors the weights alone).
func layerInputStatistics(_ graph: Graph, samples: [[TensorValue]], lowering: LoweringOptions) throws
  -> [Int: LayerInputStatistics]
{
  guard !samples.isEmpty else { return [:] }
  var collector = try LowRankInputCollector(graph: graph)
  let wanted = collector.inputTensors
  guard !wanted.isEmpty else { return [:] }
  let interpreter = try ReferenceInterpreter(graph: graph, options: lowering)
  for sample in samples.prefix(statisticsSampleCount) {
    var seen: [(TensorID, [Float])] = []
    _ = try interpreter.run(sample) { id, value in
      if wanted.contains(id) && value.type == .float32 { seen.append((id, value.floats)) }
    }
    for (id, floats) in seen { collector.observe(id, floats: floats) }
  }
  return collector.statistics
}

/// A pass's output through the verifier; a failure is the pass's bug.
func verified(_ graph: Graph, by pass: String) throws -> Graph {
  do {
    try verify(graph)
  } catch let error as EdgeError {
    throw EdgeError(.invalidGraph, "internal error: the \(pass) pass produced an invalid graph: \(error.message)")
  }
  return graph
}
