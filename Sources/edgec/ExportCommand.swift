import ArgumentParser
import EdgeCore
import EdgeExport
import EdgeImport
import EdgePasses
import Foundation

struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write a model, after edgec's compression passes, as a .tflite file.",
    discussion: """
      The file is a TensorFlow Lite flatbuffer (schema version 3, written by \
      edgec's own FlatBuffers writer) that TFLite Micro and LiteRT load and run: \
      evaluate the transformed model in your own pipeline. Only the compression \
      passes run; edgec's memory passes (residual fusion, folded padding, \
      in-place depthwise) are internal to `compile` and have no TFLite form. \
      Run in TFLM (or LiteRT with --rounding litert), the exported model gives \
      the outputs `edgec simulate` gives, bit for bit on int8 models.

      The file is written in one step: on any error nothing is written.
      """)

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: [.customShort("o"), .long], help: "The .tflite file to write (replaced if it exists).")
  var output: String

  func validate() throws {
    if modelOptions.sramBudget != nil {
      throw ValidationError("--sram-budget plans the arena of compiled code; it has no meaning for export")
    }
  }

  func run() throws {
    try reportingErrors {
      let graph = try modelOptions.load()
      let (transformed, records) = try compressionPasses().run(graph)
      let bytes = try exportTFLite(transformed)
      try writeFile(output, bytes)
      let changed = records.filter { $0.rewrites > 0 }.map { "\($0.name) (\($0.rewrites))" }
      print("exported \(graph.name) to \(output): \(grouped(bytes.count)) bytes, \(transformed.operators.count) ops")
      if !changed.isEmpty { print("  passes: " + changed.joined(separator: ", ")) }
    }
  }

  /// Compression passes that run after `modelOptions.load()`, in pipeline
  /// order. The shared compression options (such as --quantize) are applied
  /// by `load()` itself, so `compile` and `export` see the same graph; passes
  /// added here (low rank, int4) must be compression passes only — the
  /// memory passes make forms TFLite cannot hold, and exportTFLite refuses them.
  func compressionPasses() -> PassManager {
    PassManager([])
  }
}
