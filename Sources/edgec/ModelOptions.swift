import ArgumentParser
import EdgeCompression
import EdgeCore
import EdgeCodegen
import EdgeTargets
import EdgeImport
import EdgePasses
import EdgeReference

/// Options every command that compiles a model shares.
struct ModelOptions: ParsableArguments {
  @Argument(help: "The TensorFlow Lite model (.tflite).")
  var model: String

  @Option(
    help: ArgumentHelp(
      "Whose arithmetic to reproduce where TFLM and LiteRT differ: tflm (default, also CMSIS-NN) or litert (LiteRT 2.x reference kernels: FULLY_CONNECTED rounds once).",
      valueName: "tflm|litert"))
  var rounding: Rounding = .tflm

  @Option(
    help: ArgumentHelp(
      "The most SRAM the model's arena may use. Default: the target's SRAM minus its stack reserve. When the arena is larger, edgec runs the first layers in row bands (patch-based inference, reported with its extra MACs), or fails naming the least it could reach.",
      valueName: "bytes"))
  var sramBudget: Int?

  @Option(
    help: ArgumentHelp(
      "Quantize a float model before compiling it: int8 (per-channel int8 weights, int8 activations from --calibration; the float inputs and outputs stay, behind QUANTIZE and DEQUANTIZE).",
      valueName: "int8"))
  var quantize: QuantizeMode?

  @Option(
    help: ArgumentHelp(
      "Calibration samples for --quantize: an .npy batch [N, *input_shape], NAME=FILE.npy once per input, or a folder of .npy files (each [*input_shape] or [n, *input_shape]).",
      valueName: "[NAME=]DATA"))
  var calibration: [String] = []

  @Option(
    help: ArgumentHelp(
      "How --quantize picks each tensor's range from the calibration values: minmax (default, as the TFLite converter), percentile (99.99% of values; percentile=P for another share) or mse (the clipping range with the least expected squared error).",
      valueName: "minmax|percentile[=P]|mse"))
  var calibrationMethod: CalibrationMethodOption = .init(method: .minmax)

  @Option(
    help: ArgumentHelp(
      "Factor float FULLY_CONNECTED and CONV_2D weights by SVD where it saves bytes: energy=E keeps the smallest rank per layer holding that share of the squared singular values, rank=N a fixed rank. Runs before --quantize, so calibration sees the factored model.",
      valueName: "energy=E|rank=N"))
  var lowRank: LowRankOption?

  @Option(
    help: ArgumentHelp(
      "Width of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED weights with --quantize: int8 (default) or int4 (per-channel symmetric in [-7, 7], two a byte: half the weight flash, less accuracy; activations stay int8). With --flash-budget it fixes the width, so the search only lowers ranks.",
      valueName: "int8|int4"))
  var weights: FlashBudget.Width?

  @Option(
    help: ArgumentHelp(
      "With --quantize int8: the most bytes the weights may take in flash (code not counted). edgec measures, layer by layer, every rank (low-rank factors whitened by the calibration data) and width (int8, int4) on 32 calibration samples against the float model, then picks per layer the combination that adds the least output noise per byte saved until the weights fit; it fails naming the smallest weights it could reach. Default: when the int8 weights and the code overflow the target's flash, the target's flash minus the code.",
      valueName: "bytes"))
  var flashBudget: Int?

  /// The model as every command sees it: imported, then compressed when
  /// --low-rank, --quantize or --flash-budget ask (calibrating on the way,
  /// with progress on stderr). The compression runs here, before `compile`
  /// and its standard passes, so compile, simulate (whose --check then runs
  /// the reference on the compressed graph), run, plan, inspect and export
  /// all get the same graph. `target`: the chip whose flash sets the
  /// default budget (nil: no default).
  func load(for target: Target? = nil) throws -> Graph {
    try loadCompressed(for: target).graph
  }

  /// The graph, and what compression did (nil when nothing was asked).
  func loadCompressed(for target: Target?) throws -> (graph: Graph, compression: CompressionRecord?) {
    let imported = try loadModel(path: model)
    guard quantize != nil || lowRank != nil else {
      if !calibration.isEmpty { throw EdgeError(.invalidInput, "--calibration is only used with --quantize int8 or --low-rank") }
      if let weights { throw EdgeError(.invalidInput, "--weights \(weights.rawValue) needs --quantize int8 (it picks the weight width of the quantized model)") }
      if flashBudget != nil { throw EdgeError(.invalidInput, "--flash-budget needs --quantize int8 (it picks ranks and int8 or int4 weights per layer)") }
      return (imported, nil)
    }
    if lowRank != nil { try refuseQuantizedLayers(imported) }
    let samples = calibration.isEmpty ? [] : try CalibrationFiles(specs: calibration).samples(for: imported)
    var request = CompressionRequest(
      lowRank: lowRank?.rule, quantize: quantize != nil, samples: samples, method: calibrationMethod.method,
      weights: weights, flashBudget: flashBudget, lowering: LoweringOptions(rounding: rounding),
      progress: CalibrationProgress().report)
    var (graph, record) = try compress(imported, request)
    if let target, quantize != nil, flashBudget == nil, weights == nil, lowRank == nil,
      let available = try defaultFlashBudget(for: graph, target: target)
    {
      request.flashBudget = available
      (graph, record) = try compress(imported, request)
    }
    if !record.lowRank.isEmpty { FileHandleOutput.writeToStandardError(LowRankOption.summary(record.lowRank)) }
    if let summary = record.budgetSummary { FileHandleOutput.writeToStandardError(summary) }
    return (graph, record)
  }

  /// The weight bytes `target` leaves once the code is in (the default
  /// --flash-budget), when the int8 `graph` overflows it; nil when it fits.
  private func defaultFlashBudget(for graph: Graph, target: Target) throws -> Int? {
    let weightBytes = FlashBudget.weightBytes(of: try PassManager.standard.run(graph).graph)
    // The code of any model so far is well under this; measuring it means a
    // compile, so models far from the limit skip it.
    let codeAllowance = 256 * 1024
    guard weightBytes + codeAllowance > target.flashBytes else { return nil }
    let (available, code) = try weightFlashAvailable(
      for: graph, target: target, options: CompileOptions(rounding: rounding, measureCode: true))
    guard weightBytes > available else { return nil }
    guard available > 0 else {
      throw EdgeError(.doesNotFit, "the code alone (\(code) bytes with the int4 kernels) leaves no flash for weights on \(target.name) (\(target.flashBytes) bytes)")
    }
    FileHandleOutput.writeToStandardError(
      "int8 weights \(weightBytes) B + code \(code) B overflow \(target.name)'s \(target.flashBytes) B of flash: fitting the weights to \(available) B (the default --flash-budget, flash minus code)\n")
    return available
  }

  /// Low rank factors float weights; quantized layers would need both
  /// halves requantized, so the float model is the one to decompose.
  private func refuseQuantizedLayers(_ graph: Graph) throws {
    for (index, op) in graph.operators.enumerated() where op.kind == .fullyConnected || op.kind == .conv2D {
      guard op.inputs.count > 1, let weights = op.inputs[1], graph.tensors.indices.contains(weights) else { continue }
      let type = graph.tensors[weights].type
      if type != .float32 && type != .float16 {
        throw EdgeError(
          .unsupported,
          "--low-rank works on float models, but \(graph.describe(op: index)) has \(type) weights; decompose the float model (optionally with --quantize int8 after)",
          at: ErrorLocation(opIndex: index))
      }
    }
  }
}

enum QuantizeMode: String, ExpressibleByArgument, CaseIterable {
  case int8
}

struct CalibrationMethodOption: ExpressibleByArgument {
  var method: CalibrationMethod

  init(method: CalibrationMethod) { self.method = method }

  init?(argument: String) {
    switch argument {
    case "minmax": method = .minmax
    case "mse": method = .mse
    case "percentile": method = .percentile(99.99)
    default:
      guard argument.hasPrefix("percentile="), let p = Double(argument.dropFirst("percentile=".count)), p > 50, p <= 100
      else { return nil }
      method = .percentile(p)
    }
  }
}

extension Rounding: ExpressibleByArgument {}
extension FlashBudget.Width: ExpressibleByArgument {}
