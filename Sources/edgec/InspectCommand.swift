import ArgumentParser
import EdgeCodegen
import EdgeCore
import EdgePlan
import EdgeReference
import EdgeTargets

struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Print a per-layer table of a model: shapes, types, parameters, MACs, activation bytes.",
    discussion: """
      Works on any model edgec can read, also one with operators it cannot \
      compile (those are marked). The activation peak is the arena of the \
      model as stored (no passes, stored order); the compiled arena is what \
      `edgec compile`/`edgec plan` make of it for the host (passes, in-place \
      writes, views, schedule).
      """)

  @OptionGroup var modelOptions: ModelOptions

  @Flag(help: "Print JSON for machines instead of the table.")
  var json = false

  func run() throws {
    try reportingErrors {
      let graph = try modelOptions.load()
      let stats = GraphStatistics(graph)
      // RESHAPE views need the lowering; a model with unsupported operators is
      // still inspected, just without views.
      let program = try? lower(graph, options: LoweringOptions(rounding: modelOptions.rounding))
      var aliases: [TensorID: TensorID] = [:]
      for case .alias(_, let input, let output) in program ?? [] where !graph.tensors[input].isConstant {
        aliases[output] = input
      }
      let plan = try planMemory(graph, aliases: aliases, alignment: 16)
      let weightBytes = stats.perOp.map(\.weightBytes).reduce(0, +)
      if json {
        print(inspectJSON(graph, stats, plan, weightBytes).rendered())
      } else {
        printTable(graph, stats, plan, weightBytes)
      }
    }
  }

  /// The arena `edgec compile` plans for the host, or nil when the model
  /// does not compile (unsupported operators).
  func compiledArena(_ graph: Graph) -> Int? {
    guard let host = try? TargetCatalog().load("host") else { return nil }
    return try? planModelMemory(graph, for: host, options: CompileOptions(rounding: modelOptions.rounding, measureCode: false))
      .plan.arenaBytes
  }

  func describe(_ graph: Graph, _ ids: [TensorID?]) -> String {
    ids.compactMap { $0 }.filter { !graph.tensors[$0].isConstant }.map {
      "\(graph.tensors[$0].type.rawValue)\(graph.tensors[$0].shape)"
    }.joined(separator: " ")
  }

  func printTable(_ graph: Graph, _ stats: GraphStatistics, _ plan: MemoryPlan, _ weightBytes: Int) {
    print("model \(graph.name): \(graph.operators.count) ops, \(graph.tensors.count) tensors")
    let header = ["#", "op", "inputs", "outputs", "params", "MACs", "act bytes"]
    var rows: [[String]] = []
    for (index, op) in graph.operators.enumerated() {
      let s = stats.perOp[index]
      rows.append([
        String(index), op.kind.name + (op.kind.isSupported ? "" : " (unsupported)"),
        describe(graph, op.inputs), describe(graph, op.outputs),
        grouped(s.parameters), grouped(s.macs), grouped(s.activationBytes),
      ])
    }
    let widths = header.indices.map { c in max(header[c].count, rows.map { $0[c].count }.max() ?? 0) }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { c, text in
        let pad = String(repeating: " ", count: widths[c] - text.count)
        return c >= 4 ? pad + text : text + pad  // numbers right-aligned
      }.joined(separator: "  ")
    }
    print(line(header))
    print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
    rows.forEach { print(line($0)) }
    print("")
    print("inputs:  " + graph.inputs.map { "'\(graph.tensors[$0].name)' \(graph.tensors[$0].type.rawValue)\(graph.tensors[$0].shape)" }.joined(separator: ", "))
    print("outputs: " + graph.outputs.map { "'\(graph.tensors[$0].name)' \(graph.tensors[$0].type.rawValue)\(graph.tensors[$0].shape)" }.joined(separator: ", "))
    print("parameters \(grouped(stats.totalParameters)), weight bytes \(grouped(weightBytes)), MACs \(grouped(stats.totalMACs))")
    print("activation peak \(grouped(plan.arenaBytes)) bytes as stored (lower bound \(grouped(plan.lowerBoundBytes)))"
      + (compiledArena(graph).map { ", \(grouped($0)) bytes compiled" } ?? ""))
    let unsupported = graph.unsupportedOperators
    if !unsupported.isEmpty {
      print("unsupported: " + unsupported.map { "op \($0.index) (\($0.kind.name))" }.joined(separator: ", "))
    }
  }

  func inspectJSON(_ graph: Graph, _ stats: GraphStatistics, _ plan: MemoryPlan, _ weightBytes: Int) -> JSON {
    func tensors(_ ids: [TensorID?]) -> JSON {
      .array(ids.compactMap { $0 }.map { id in
        let t = graph.tensors[id]
        return .object([
          ("tensor", .int(id)), ("name", .string(t.name)), ("type", .string(t.type.rawValue)),
          ("shape", .array(t.shape.dims.map { .int($0) })), ("constant", .bool(t.isConstant)),
        ])
      })
    }
    let layers: [JSON] = graph.operators.enumerated().map { index, op in
      let s = stats.perOp[index]
      return .object([
        ("index", .int(index)), ("op", .string(op.kind.name)), ("supported", .bool(op.kind.isSupported)),
        ("inputs", tensors(op.inputs)), ("outputs", tensors(op.outputs.map { $0 })),
        ("parameters", .int(s.parameters)), ("weight_bytes", .int(s.weightBytes)),
        ("macs", .int(s.macs)), ("activation_bytes", .int(s.activationBytes)),
      ])
    }
    return .object([
      ("model", .string(graph.name)),
      ("layers", .array(layers)),
      ("totals", .object([
        ("ops", .int(graph.operators.count)),
        ("parameters", .int(stats.totalParameters)),
        ("weight_bytes", .int(weightBytes)),
        ("macs", .int(stats.totalMACs)),
        ("activation_peak_bytes", .int(plan.arenaBytes)),
        ("activation_lower_bound_bytes", .int(plan.lowerBoundBytes)),
        ("compiled_arena_bytes", compiledArena(graph).map { .int($0) } ?? .null),
      ])),
      ("inputs", tensors(graph.inputs.map { $0 })),
      ("outputs", tensors(graph.outputs.map { $0 })),
      ("unsupported", .array(graph.unsupportedOperators.map { .object([("index", .int($0.index)), ("op", .string($0.kind.name))]) })),
    ])
  }
}
