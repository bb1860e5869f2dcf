import ArgumentParser
import EdgeCodegen
import EdgeCore
import EdgeImport
import EdgeTargets
import Foundation

struct CompileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compile",
    abstract: "Compile a model (or several that share one arena) into C for a target.",
    discussion: """
      Writes into the output directory: <model>.h (the API), <model>.c (the \
      kernel calls), <model>_weights.c (constants, in flash), the runtime kernels \
      the model uses under edgec/, plan.json (where every tensor lives) and \
      report.json (SRAM, flash, MACs). Build it with `cc -I <dir> <dir>/*.c <dir>/edgec/*.c`.

      Several models (`edgec compile kws.tflite cmd.tflite --target T`) are \
      emitted side by side for an application that runs them one after the \
      other: they share one arena, edgec_shared_arena (edgec_shared_arena.h/.c), \
      as large as the largest model needs, and one copy of each runtime kernel. \
      Running one overwrites the others' inputs and outputs. plan.json and \
      report.json then describe the pair (each model's own plan is also in \
      plan_<model>.json); the model names, taken from the file names, must differ.

      Nothing is written unless the whole compilation succeeds; a model that \
      does not fit the target's SRAM or flash is an error that says how much it \
      needs and how much there is.
      """)

  @OptionGroup var modelOptions: ModelOptions

  @Argument(help: "More models to emit beside the first, sharing its arena (run one at a time).")
  var moreModels: [String] = []

  @Option(help: "The chip to compile for (see `edgec targets`).")
  var target: String = "host"

  @Option(name: [.customShort("o"), .long], help: "Output directory (replaced if it exists). Default: build/<model> (build/<model>_<model>… for several).")
  var output: String?

  @Flag(help: "Skip compiling the generated code with the target's compiler to measure its size.")
  var noMeasureCode = false

  func validate() throws {
    if modelOptions.quantize != nil && !moreModels.isEmpty {
      throw ValidationError("--quantize calibrates one model; quantize each model on its own (or export them) before compiling several together")
    }
  }

  func run() throws {
    try reportingErrors {
      let chip = try TargetCatalog().load(target)
      var options = CompileOptions(rounding: modelOptions.rounding, measureCode: !noMeasureCode)
      options.sramBudget = modelOptions.sramBudget
      if !moreModels.isEmpty {
        return try compileTogether(for: chip, options: options)
      }
      let (graph, compression) = try modelOptions.loadCompressed(for: chip)
      options.compression = compression?.json
      options.sourceName = (modelOptions.model as NSString).lastPathComponent
      let result = try compile(graph, for: chip, options: options)
      let directory = output ?? "build/\(graph.name)"
      try writeDirectoryAtomically(result.files.map { ($0.path, $0.contents) }, to: directory)
      let r = result.report
      print("compiled \(graph.name) for \(chip.name) into \(directory)/")
      print("  ops \(r.ops), MACs \(grouped(r.macs)), kernels: \(r.kernels.joined(separator: " "))")
      // A stateful model's variables sit beside the arena; the lower bound is the arena's.
      let state = r.stateBytes > 0 ? "arena \(grouped(r.arenaBytes)) + state \(grouped(r.stateBytes)), " : ""
      print("  SRAM  \(grouped(r.peakSRAMBytes)) bytes (\(state)lower bound \(grouped(r.lowerBoundBytes))) of \(grouped(chip.sramBudgetBytes)) available")
      print("  flash \(grouped(r.weightsBytes + r.code.bytes)) bytes (weights \(grouped(r.weightsBytes)), code \(grouped(r.code.bytes)), \(r.code.method)) of \(grouped(chip.flashBytes))")
    }
  }

  /// Several models, one arena (EdgeCodegen's compileTogether).
  func compileTogether(for chip: Target, options: CompileOptions) throws {
    let paths = [modelOptions.model] + moreModels
    let models = try paths.map { ModelSource(graph: try loadModel(path: $0), path: $0) }
    let result = try EdgeCodegen.compileTogether(models, for: chip, options: options)
    let directory = output ?? "build/\(models.map(\.graph.name).joined(separator: "_"))"
    try writeDirectoryAtomically(result.files.map { ($0.path, $0.contents) }, to: directory)
    let r = result.report
    print("compiled \(models.map(\.graph.name).joined(separator: ", ")) for \(chip.name) into \(directory)/, sharing one arena")
    let width = models.map(\.graph.name.count).max() ?? 0
    for m in r.models {
      let name = m.model.padding(toLength: width, withPad: " ", startingAt: 0)
      print("  \(name)  arena \(grouped(m.arenaBytes)) bytes (lower bound \(grouped(m.lowerBoundBytes))), ops \(m.ops), MACs \(grouped(m.macs)), weights \(grouped(m.weightsBytes))")
    }
    // Stateful models' variables sit beside the shared arena, one buffer each.
    let shared = r.stateBytes > 0
      ? ": arena \(grouped(r.arenaBytes)) shared, set by \(r.setBy), + state \(grouped(r.stateBytes))"
      : " shared, set by \(r.setBy)"
    print("  SRAM  \(grouped(r.peakSRAMBytes)) bytes\(shared) (separate arenas: \(grouped(r.separateArenasBytes))) of \(grouped(chip.sramBudgetBytes)) available")
    print("  flash \(grouped(r.weightsBytes + r.code.bytes)) bytes (weights \(grouped(r.weightsBytes)), code \(grouped(r.code.bytes)), \(r.code.method)) of \(grouped(chip.flashBytes))")
    print("  kernels: \(r.kernels.joined(separator: " "))")
  }
}
