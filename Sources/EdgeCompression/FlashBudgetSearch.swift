import EdgeCore
import EdgePasses
import EdgeReference

/// The measuring side of `--flash-budget`: builds a configuration (ranks
/// and widths per layer) from the prepared float model, the way the final
/// model is built, and scores it — weight bytes after the standard passes,
/// output signal and noise against the float model on a few samples.
struct FlashBudgetSearch {
  /// Samples each configuration is scored on: enough to rank layers, few
  /// enough that measuring every option of every layer stays quick.
  static let sampleCount = 32

  var budget: Int
  var widths: [FlashBudget.Width]
  var method: CalibrationMethod
  var lowering: LoweringOptions

  struct Searched {
    var result: FlashBudget.Result
    var lowRank: [LowRankLayer]
  }

  /// `graph` is prepared (`QuantizeInt8.prepare`), origins stamped.
  func run(_ graph: Graph, samples: [[TensorValue]], progress: ((Int, Int) -> Void)?) throws -> (Graph, Searched) {
    let subset = Array(samples.prefix(Self.sampleCount))
    let inputs = try layerInputStatistics(graph, samples: samples, lowering: lowering)
    let factorizations = try LowRank(.perLayer([:]), inputs: inputs).factorizeAll(graph)
    let breakEven = try LowRank.breakEvenRanks(graph)
    let truth = try outputs(of: graph, on: subset)

    /// The quantized model for `choices`, calibrated on `calibration`.
    func build(_ choices: [Int: FlashBudget.Choice], calibration: [[TensorValue]], progress: ((Int, Int) -> Void)?)
      throws -> (graph: Graph, lowRank: [LowRankLayer])
    {
      let ranks = choices.compactMapValues(\.rank)
      var factored = graph
      var layers: [LowRankLayer] = []
      if !ranks.isEmpty {
        (factored, layers) = try LowRank(.perLayer(ranks), inputs: inputs, factorizations: factorizations).decompose(graph)
        factored = try verified(factored, by: "low-rank")
      }
      let ranges = try calibrate(factored, samples: calibration, options: lowering, progress: progress).ranges(method)
      let int4: Set<Int> = Set(
        factored.operators.indices.filter { index in
          let op = factored.operators[index]
          let width = choices[op.origin ?? index]?.width ?? widths.first ?? .int8
          return width == .int4 && [.conv2D, .depthwiseConv2D, .fullyConnected].contains(op.kind)
        })
      let pass = QuantizeInt8(ranges: ranges, int4Operators: int4)
      return (try PassManager([pass]).run(factored).graph, layers)
    }

    let budgetSearch = FlashBudget(budget: budget, widths: widths)
    let result: FlashBudget.Result
    do {
      result = try budgetSearch.search(budgetSearch.layers(of: graph, ranks: breakEven)) { choices in
        let quantized = try build(choices, calibration: subset, progress: nil).graph
        return try measure(quantized, truth: truth, on: subset)
      }
    } catch let error as EdgeError {
      // Weights stored as int8 in the file (a hybrid model) are kept as
      // they are; say so, since they may be why the budget is out of reach.
      let stored = graph.operators.indices.filter { index in
        let op = graph.operators[index]
        guard [.conv2D, .depthwiseConv2D, .fullyConnected].contains(op.kind), op.inputs.count > 1,
          let w = op.inputs[1], graph.tensors.indices.contains(w)
        else { return false }
        return graph.tensors[w].isConstant && graph.tensors[w].type != .float32
      }
      guard !stored.isEmpty else { throw error }
      let names = stored.prefix(4).map { graph.describe(op: $0) }.joined(separator: ", ")
      throw EdgeError(
        error.kind,
        error.message + "; \(stored.count) layers keep the quantized weights stored in the model and are not searched (\(names)\(stored.count > 4 ? ", …" : ""))")
    }
    let final = try build(result.choices, calibration: samples, progress: progress)
    return (final.graph, Searched(result: result, lowRank: final.lowRank))
  }

  func outputs(of graph: Graph, on samples: [[TensorValue]]) throws -> [[TensorValue]] {
    let interpreter = try ReferenceInterpreter(graph: try PassManager.standard.run(graph).graph, options: lowering)
    return try samples.map { try interpreter.run($0) }
  }

  func measure(_ quantized: Graph, truth: [[TensorValue]], on samples: [[TensorValue]]) throws -> FlashBudget.Measurement {
    let lowered = try PassManager.standard.run(quantized).graph
    let interpreter = try ReferenceInterpreter(graph: lowered, options: lowering)
    var (signal, noise) = (0.0, 0.0)
    for (sample, expected) in zip(samples, truth) {
      for (output, want) in zip(try interpreter.run(sample), expected) {
        for (a, b) in zip(output.doubles, want.doubles) {
          signal += b * b
          noise += (a - b) * (a - b)
        }
      }
    }
    return FlashBudget.Measurement(weightBytes: FlashBudget.weightBytes(of: lowered), signal: signal, noise: noise)
  }
}
