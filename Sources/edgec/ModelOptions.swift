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

  func load() throws -> Graph { try loadModel(path: model) }
}

extension Rounding: ExpressibleByArgument {}
