import ArgumentParser
import EdgeCodegen
import EdgeCore
import EdgePlan
import EdgeReference
import EdgeTargets
import Foundation

struct PlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract:
      "Plan a model's arena and show it: peak, lower bound, schedule, TFLM's arena, an SVG timeline.",
    discussion: """
      Compiles nothing. Orders the operators for the least peak of live bytes \
      (exactly when the search fits its budget, else heuristically; never \
      worse than the stored order), places every buffer in one arena with the \
      target's tensor alignment, and prints the arena (the peak), the lower \
      bound of the chosen order, the fragmentation between them, and the \
      same for the stored order. RESHAPE views share their tensor's buffer.

      With --svg it draws the timeline: x is the step, y the arena offset, \
      one box per buffer coloured by kind, the peak marked.

      Transformers: attention runs head by head and MLPs in chunks of token \
      rows where that lowers the arena (no MACs added, the same output bits); \
      the "token memory" line gives the plain plan's arena against this one, \
      and --plain plans (and draws) the plain one.

        edgec plan kws_int8.tflite --target stm32f746 --svg plan.svg
      """)

  @OptionGroup var modelOptions: ModelOptions

  @Option(help: "The chip whose tensor alignment to plan with (see `edgec targets`).")
  var target: String = "host"

  @Option(help: ArgumentHelp("Write the memory timeline as an SVG picture.", valueName: "file"))
  var svg: String?

  @Option(
    help: ArgumentHelp("TFLM figures to compare with, keyed by model file name.", valueName: "file")
  )
  var baseline: String = "../shared/baselines/tflm-cmsis-nn-cortex-m7.json"

  @Flag(help: "Print JSON for machines instead of the summary.")
  var json = false

  @Flag(
    help: """
      Plan the graph as the passes leave it, without attention head by head \
      or MLPs in token-row chunks (used by default where they lower the \
      arena), to compare the two plans.
      """)
  var plain = false

  func run() throws {
    try reportingErrors {
      let chip = try TargetCatalog().load(target)
      var options = CompileOptions(rounding: modelOptions.rounding, measureCode: false)
      options.sramBudget = modelOptions.sramBudget
      options.splitTokens = !plain
      // The plan `edgec compile` makes: after the passes, with in-place
      // writes, views, scratch and (over the budget) patches.
      let planning = try planModelMemory(try modelOptions.load(for: chip), for: chip, options: options)
      let (graph, plan, stored, schedule) = (planning.graph, planning.plan, planning.stored, planning.schedule)
      let tflm = TFLMBaseline(modelPath: modelOptions.model, baselinePath: baseline)
      let summary = PlanSummary(
        model: graph.name, file: modelOptions.model, target: chip.name, plan: plan, stored: stored,
        schedule: schedule, tflm: tflm, passes: planning.passes, patches: planning.patches,
        tokens: planning.tokens)
      if let svg {
        let picture = plan.svg(graph: graph, title: summary.title, notes: summary.notes)
        try writeFile(svg, Array(picture.utf8))
      }
      if json {
        print(summary.json.rendered())
      } else {
        print(summary.text(svg: svg), terminator: "")
      }
    }
  }
}
