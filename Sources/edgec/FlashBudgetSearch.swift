import EdgeCore
import EdgePasses
import EdgeReference
import Foundation

/// The CLI side of `--flash-budget`: the SQNR the search weighs moves by
/// (the reference interpreter on a few calibration samples, against the
/// float model's outputs) and the summary of what it chose, on stderr.
struct FlashBudgetSearch {
  /// Samples the search scores each candidate on: enough to rank layers,
  /// few enough that trying every layer at every step stays quick.
  static let sampleCount = 32

  var budget: Int
  var options: LoweringOptions

  /// `graph` is `QuantizeInt8.prepare`'s output, `ranges` its calibration.
  func run(_ graph: Graph, ranges: [TensorID: ClosedRange<Float>], samples: [[TensorValue]]) throws -> Graph {
    let subset = Array(samples.prefix(Self.sampleCount))
    let float = try ReferenceInterpreter(graph: try PassManager.standard.run(graph).graph, options: options)
    let truth = try subset.map { try float.run($0) }
    let result = try FlashBudget(budget: budget, ranges: ranges).search(graph) { lowered in
      let interpreter = try ReferenceInterpreter(graph: lowered, options: options)
      var (signal, noise) = (0.0, 0.0)
      for (sample, expected) in zip(subset, truth) {
        for (output, want) in zip(try interpreter.run(sample), expected) {
          for (a, b) in zip(output.doubles, want.doubles) {
            signal += b * b
            noise += (a - b) * (a - b)
          }
        }
      }
      return noise == 0 ? 200 : 10 * log10(signal / noise)
    }
    FileHandle.standardError.write(Data(Self.summary(result, budget: budget, samples: subset.count).utf8))
    return result.graph
  }

  static func summary(_ result: FlashBudget.Result, budget: Int, samples: Int) -> String {
    func dB(_ value: Double) -> String { String(format: "%.2f dB", value) }
    var lines = [
      "flash budget \(budget) B for weights: all int8 is \(result.int8Bytes) B at \(dB(result.int8SQNR)) output SQNR (\(samples) calibration samples, against the float model)"
    ]
    if result.moves.isEmpty { lines.append("  fits as int8; nothing changed") }
    for move in result.moves {
      lines.append("  \(move.layer): int4 weights, saves \(move.bytesSaved) B -> \(move.weightBytes) B, SQNR \(dB(move.sqnr)) (least SQNR lost per byte saved)")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
