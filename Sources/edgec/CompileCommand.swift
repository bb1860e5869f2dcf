import ArgumentParser
import EdgeCodegen
import EdgeCore
import EdgeTargets
import Foundation

struct CompileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compile",
    abstract: "Compile a model into C for a target.",
    discussion: """
      Writes into the output directory: <model>.h (the API), <model>.c (the \
      kernel calls), <model>_weights.c (constants, in flash), the runtime kernels \
      the model uses under edgec/, plan.json (where every tensor lives) and \
      report.json (SRAM, flash, MACs). Build it with `cc -I <dir> <dir>/*.c <dir>/edgec/*.c`.

      Nothing is written unless the whole compilation succeeds; a model that \
      does not fit the target's SRAM or flash is an error that says how much it \
      needs and how much there is.
      """)

  @OptionGroup var modelOptions: ModelOptions

  @Option(help: "The chip to compile for (see `edgec targets`).")
  var target: String = "host"

  @Option(name: [.customShort("o"), .long], help: "Output directory (replaced if it exists). Default: build/<model>.")
  var output: String?

  @Flag(help: "Skip compiling the generated code with the target's compiler to measure its size.")
  var noMeasureCode = false

  func run() throws {
    try reportingErrors {
      let graph = try modelOptions.load()
      let chip = try TargetCatalog().load(target)
      let result = try compile(
        graph, for: chip,
        options: CompileOptions(
          rounding: modelOptions.rounding, measureCode: !noMeasureCode,
          sourceName: (modelOptions.model as NSString).lastPathComponent))
      let directory = output ?? "build/\(graph.name)"
      try writeDirectoryAtomically(result.files.map { ($0.path, $0.contents) }, to: directory)
      let r = result.report
      print("compiled \(graph.name) for \(chip.name) into \(directory)/")
      print("  ops \(r.ops), MACs \(grouped(r.macs)), kernels: \(r.kernels.joined(separator: " "))")
      print("  SRAM  \(grouped(r.peakSRAMBytes)) bytes (lower bound \(grouped(r.lowerBoundBytes))) of \(grouped(chip.sramBudgetBytes)) available")
      print("  flash \(grouped(r.weightsBytes + r.code.bytes)) bytes (weights \(grouped(r.weightsBytes)), code \(grouped(r.code.bytes)), \(r.code.method)) of \(grouped(chip.flashBytes))")
    }
  }
}
