import ArgumentParser
import EdgeCodegen
import EdgeCore
import EdgePasses
import EdgeReference
import EdgeTargets
import Foundation

struct SimulateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Compile the model's C with the host compiler and run it on inputs from .npy files.",
    discussion: """
      X holds N inputs stacked as [N, *input_shape] (or exactly the input's shape \
      for one), with the model input's dtype. The N inputs run in order through \
      one instance of the generated code; Y is written as [N, *output_shape].

      Models with several inputs take --input NAME=FILE.npy once per input (NAME \
      is the tensor name or the input's index); several outputs are written to \
      --output with _1, _2, ... before the extension for outputs 1, 2, ...

      --check also runs edgec's reference interpreter on every input and reports \
      mismatches per output (integers must match bit for bit, floats within \
      1e-5 relative); it exits non-zero on any mismatch.
      """)

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .long, help: ArgumentHelp("Input data: FILE.npy, or NAME=FILE.npy per input.", valueName: "[NAME=]FILE"))
  var input: [String] = []

  @Option(name: .long, help: "Where to write the outputs (.npy).")
  var output: String?

  @Flag(help: "Compare every output with the reference interpreter.")
  var check = false

  @Option(help: "The target whose memory plan to simulate (the code runs on the host either way).")
  var target: String = "host"

  func validate() throws {
    if input.isEmpty { throw ValidationError("give the model's input data with --input X.npy") }
    if output == nil && !check { throw ValidationError("nothing to do: give --output Y.npy, --check, or both") }
  }

  func run() throws {
    try reportingErrors {
      var chip = try TargetCatalog().load(target)
      let graph = try modelOptions.load(for: chip)
      // The target's memory plan, but the portable kernels: the host cannot run
      // DSP intrinsics, and `edgec run` proves the Cortex-M kernels against this.
      chip.kernels = "portable"
      let (values, names) = try InputFiles(specs: input).load(for: graph)
      let batch = try InputBatch(values, for: graph, names: names)
      var options = CompileOptions(rounding: modelOptions.rounding, measureCode: false)
      options.sramBudget = modelOptions.sramBudget
      let compilation = try compile(graph, for: chip, options: options)
      let host = try TargetCatalog().load("host")
      let outputs = try simulateOnHost(compilation, batch: batch, target: host)
      if let output {
        for (k, value) in outputs.enumerated() {
          try writeFile(InputFiles.outputPath(output, k), NumpyFile.encode(value))
        }
      }
      printError("simulated \(graph.name): \(batch.records) input\(batch.records == 1 ? "" : "s"), arena \(grouped(compilation.plan.arenaBytes)) bytes")
      if check {
        // The reference runs the imported graph with its compile-time shape
        // arithmetic folded (those operators have no kernel).
        let results = try compareWithReference(
          outputs, graph: try PassManager([FoldConstants()]).run(graph).graph, batch: batch,
          options: LoweringOptions(rounding: modelOptions.rounding))
        var failed = false
        for r in results {
          let detail = r.maxRelativeError > 0 ? String(format: ", max relative error %.2e", r.maxRelativeError) : ""
          print("output \(r.output) '\(r.name)': \(r.values) values, \(r.mismatches) differ from the reference\(detail)")
          failed = failed || r.mismatches > 0
        }
        if failed { throw ExitCode(1) }
      }
    }
  }
}
