import ArgumentParser
import EdgeCore
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
      "Width of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED weights with --quantize: int8 (default) or int4 (per-channel symmetric in [-7, 7], two a byte: half the weight flash, less accuracy; activations stay int8).",
      valueName: "int8|int4"))
  var weights: QuantizeInt8.WeightWidth = .int8

  @Option(
    help: ArgumentHelp(
      "With --quantize int8: the most bytes the weights may take in flash (code not counted). edgec starts from int8 weights and moves layers to int4, one at a time, taking the layer that loses the least output SQNR (on 32 calibration samples, against the float model) per byte saved, until the weights fit; it fails naming the smallest weights it could reach. Default: no budget.",
      valueName: "bytes"))
  var flashBudget: Int?

  /// The model as every command sees it: imported, then compressed when
  /// --low-rank and --quantize ask, in that order (calibrating on the way,
  /// with progress on stderr). The
  /// compression runs here, before `compile` and its standard passes, so
  /// compile, simulate (whose --check then runs the reference on the
  /// quantized graph), run, plan, inspect and export all get the same graph.
  func load() throws -> Graph {
    var graph = try loadModel(path: model)
    if let lowRank { graph = try lowRank.apply(to: graph) }
    guard let quantize else {
      if !calibration.isEmpty { throw EdgeError(.invalidInput, "--calibration is only used with --quantize int8") }
      if weights != .int8 { throw EdgeError(.invalidInput, "--weights \(weights.rawValue) needs --quantize int8 (it picks the weight width of the quantized model)") }
      if flashBudget != nil { throw EdgeError(.invalidInput, "--flash-budget needs --quantize int8 (it picks int8 or int4 weights per layer)") }
      return graph
    }
    switch quantize {
    case .int8:
      return try quantizeInt8(graph)
    }
  }

  private func quantizeInt8(_ imported: Graph) throws -> Graph {
    guard !calibration.isEmpty else {
      throw EdgeError(.invalidInput, "--quantize int8 needs calibration samples: --calibration DATA.npy (a batch [N, *input_shape]) or a folder of .npy files")
    }
    let graph = try QuantizeInt8.prepare(imported)
    let samples = try CalibrationFiles(specs: calibration).samples(for: graph)
    let progress = CalibrationProgress()
    let calibrated = try calibrate(
      graph, samples: samples, options: LoweringOptions(rounding: rounding), progress: progress.report)
    let ranges = calibrated.ranges(calibrationMethod.method)
    if let flashBudget {
      guard flashBudget > 0, weights == .int8 else {
        throw EdgeError(
          .invalidInput,
          flashBudget > 0
            ? "--flash-budget chooses the weight width per layer; leave out --weights \(weights.rawValue)"
            : "--flash-budget \(flashBudget): a budget is a positive number of bytes")
      }
      let search = FlashBudgetSearch(budget: flashBudget, options: LoweringOptions(rounding: rounding))
      return try search.run(graph, ranges: ranges, samples: samples)
    }
    let pass = QuantizeInt8(ranges: ranges, weights: weights)
    return try PassManager([pass]).run(graph).graph
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
extension QuantizeInt8.WeightWidth: ExpressibleByArgument {}
