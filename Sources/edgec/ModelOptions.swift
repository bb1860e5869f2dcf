import ArgumentParser
import EdgeCore
import EdgeImport
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

  func load() throws -> Graph { try loadModel(path: model) }
}

extension Rounding: ExpressibleByArgument {}
