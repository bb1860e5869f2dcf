import ArgumentParser
import EdgeCore
import EdgeTargets
import Foundation

struct SizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "size",
    abstract: "Report flash and RAM by weights, kernels, glue and arena; check them against a baseline.",
    discussion: """
      Each BUILD_DIR|ELF is a build directory written by `edgec compile` or an \
      ELF file (a linked firmware, or an object).

      A build directory is compiled here, file by file, with the compiler and \
      flags of its target (report.json's, or --target), and the objects are \
      read: every function and constant of the generated files is counted, \
      which is what a device build links with -ffunction-sections, \
      -fdata-sections and --gc-sections when the application uses the \
      model's API (one that calls only <model>_invoke also drops \
      <model>_run and the I/O accessors, a few dozen bytes of glue). Library \
      routines the code calls (memcpy, libgcc helpers) are not in the \
      objects and not counted; measure the linked firmware for those.

      Categories: weights are the model's constants (<model>_t<N>); kernels \
      the runtime (edgec_* functions and constants, static helpers of the \
      edgec_*.c files); glue the model's own functions, its op<N>_params \
      structs and tables; arena the activation arena (<model>_arena*); other \
      everything else (startup, vector table, libc, the application). Bytes \
      no symbol covers (padding, unnamed literals) go to the file they came \
      from, or to other in a linked firmware. flash = text + rodata + data; \
      RAM = data + bss + the stack reserve (the target file's \
      stack_reserve_bytes, or a linked firmware's .stack section).

      --json prints { "<name>": { "flash": …, "ram": …, "categories": …, \
      "figures": { "flash_total", "weights", "kernels", "glue", "ram_total", \
      "arena" } } }, where <name> is the model for a build directory and the \
      file name without extension for an ELF.

      --baseline FILE reads that same JSON (or, written by hand, \
      { "<name>": { "flash_total": N, "weights": N, … } }; keys starting \
      with _ are comments), compares the six figures of every path whose \
      name it holds, prints a markdown table for a pull request and exits 1 \
      when any figure grew by more than --tolerance percent of its baseline. \
      Shrinking is an improvement, never a failure; a name the baseline \
      lacks is reported as new.

        edgec size build/kws                                  table
        edgec size build/kws --json > sizes.json              write a baseline
        edgec size build/kws --baseline sizes.json --tolerance 0.5
      """)

  @Argument(help: ArgumentHelp("Build directories of `edgec compile` or ELF files.", valueName: "BUILD_DIR|ELF"))
  var paths: [String]

  @Flag(help: "Print the figures as JSON (the baseline format) instead of tables.")
  var json = false

  @Option(help: "The target whose compiler, flags, stack reserve and memory to use (default: report.json's; none for an ELF).")
  var target: String?

  @Option(help: ArgumentHelp("Compare with this baseline (see above); exit 1 on a regression.", valueName: "FILE"))
  var baseline: String?

  @Option(help: ArgumentHelp("Growth allowed before a figure counts as a regression, in percent (default 0).", valueName: "PCT"))
  var tolerance: Double?

  func validate() throws {
    if paths.isEmpty { throw ValidationError("give a build directory of `edgec compile` or an ELF file") }
    if let tolerance {
      guard baseline != nil else { throw ValidationError("--tolerance needs --baseline FILE") }
      guard tolerance >= 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a percentage >= 0") }
    }
  }

  func run() throws {
    try reportingErrors {
      let chip = try target.map { try TargetCatalog().load($0) }
      let reports = try paths.map { try SizeMeasurement.measure($0, target: chip, catalog: { try TargetCatalog() }) }
      let names = reports.map(\.name)
      if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
        throw EdgeError(.invalidInput, "two paths measure '\(duplicate)'; give each model or firmware once")
      }
      if json {
        print(SizeReport.json(reports).rendered())
      } else {
        print(reports.map(sizeTable).joined(separator: "\n"), terminator: "")
      }
      guard let baseline else { return }
      let comparison = SizeComparison(
        reports, baseline: try SizeBaseline(contentsOf: baseline), tolerancePercent: tolerance ?? 0)
      // With --json, stdout stays machine-readable: the table goes to stderr.
      let table = comparison.markdown(baselineName: baseline)
      if json { printError(table) } else { print("\n" + table, terminator: "") }
      let regressions = comparison.regressions
      if !regressions.isEmpty {
        let list = regressions.map { "\($0.report) \($0.figure)" }.joined(separator: ", ")
        printError("error: size regression beyond the tolerance: \(list) (refresh the baseline if intended)")
        throw ExitCode(1)
      }
    }
  }
}
