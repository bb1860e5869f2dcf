import ArgumentParser
import EdgeCodegen
import EdgeCore
import EdgeReference
import EdgeTargets
import Foundation

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Build a firmware for an emulated Cortex-M board and run the model under QEMU.",
    discussion: """
      Compiles the model for the target, links it with startup code and a linker \
      script made from the target's memory regions, and runs it in qemu-system-arm \
      with -icount shift=0, where every instruction takes 1 ns of virtual time. \
      The firmware counts the instructions of each invoke exactly (the board's \
      timer, read as a vernier) — the same number on every run and every host.

      Without --input the model runs once on a fixed pseudo-random input. With \
      --input X.npy ([N, *input_shape]) it runs the N inputs in order, writes the \
      outputs to --output, and checks them bit for bit against the emitted C run \
      on the host (`edgec simulate`); any difference exits non-zero.

      --profile adds the instructions of every operator (a second, instrumented \
      firmware run on the first input). A crash prints the faulting PC and its \
      function; a firmware that does not finish within --timeout seconds is \
      stopped. Both exit non-zero.
      """)

  @OptionGroup var modelOptions: ModelOptions

  @Option(help: "The board to run on: a target with a QEMU machine (see `edgec targets`).")
  var target: String = "mps2-an500"

  @Option(name: .long, help: ArgumentHelp("Input data: FILE.npy, or NAME=FILE.npy per input.", valueName: "[NAME=]FILE"))
  var input: [String] = []

  @Option(name: .long, help: "Where to write the outputs (.npy; _1, _2, ... for further outputs).")
  var output: String?

  @Flag(help: "Also count the instructions of every operator.")
  var profile = false

  @Flag(help: "Print the result as JSON.")
  var json = false

  @Option(help: "Stop the emulation after this many seconds of wall-clock time.")
  var timeout: Double = 600

  func validate() throws {
    if output != nil && input.isEmpty { throw ValidationError("--output needs --input: without it the model runs on a fixed pattern") }
    if !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
  }

  func run() throws {
    try reportingErrors {
      let catalog = try TargetCatalog()
      let chip = try catalog.load(target)
      let graph = try modelOptions.load(for: chip)
      let batch: InputBatch
      if input.isEmpty {
        batch = try deterministicBatch(for: graph)
      } else {
        let (values, names) = try InputFiles(specs: input).load(for: graph)
        batch = try InputBatch(values, for: graph, names: names)
      }
      var runOptions = TargetRunOptions(rounding: modelOptions.rounding, profile: profile, timeoutSeconds: timeout)
      runOptions.sramBudget = modelOptions.sramBudget
      let result = try runOnTarget(graph, target: chip, batch: batch, catalog: catalog, options: runOptions)
      if let output {
        for (k, value) in result.outputs.enumerated() {
          try writeFile(InputFiles.outputPath(output, k), NumpyFile.encode(value))
        }
      }
      var comparison: [HostComparison]?
      if !input.isEmpty {
        // The host simulator with the portable kernels: the oracle the
        // target's kernels must reproduce bit for bit.
        let hostTarget = try catalog.load("host")
        let plain = try compile(graph, for: hostTarget, options: CompileOptions(rounding: modelOptions.rounding, measureCode: false))
        let host = try simulateOnHost(plain, batch: batch, target: hostTarget)
        comparison = zip(result.outputs, host).enumerated().map { k, pair in
          HostComparison(output: k, name: graph.tensors[graph.outputs[k]].name, got: pair.0, expected: pair.1)
        }
      }
      let report = RunReport(
        model: graph.name, target: chip, result: result, records: batch.records, comparison: comparison)
      if json {
        print(report.json.rendered())
      } else {
        report.printText()
      }
      if let comparison, comparison.contains(where: { $0.mismatches > 0 }) { throw ExitCode(1) }
    }
  }
}
