import ArgumentParser
import EdgeCore
import EdgePasses
import Foundation

/// `--low-rank energy=E` or `--low-rank rank=N`.
struct LowRankOption: ExpressibleByArgument {
  var rule: LowRankRule

  init?(argument: String) {
    if argument.hasPrefix("energy="), let share = Double(argument.dropFirst("energy=".count)), share > 0, share <= 1 {
      rule = .energy(share)
    } else if argument.hasPrefix("rank="), let rank = Int(argument.dropFirst("rank=".count)), rank >= 1 {
      rule = .rank(rank)
    } else {
      return nil
    }
  }

  /// The float graph with its FULLY_CONNECTED and CONV_2D layers factored
  /// where that saves bytes, and a per-layer summary on stderr. Refuses
  /// quantized layers: factoring int8 weights would need requantizing both
  /// halves, so decompose the float model and quantize after.
  func apply(to graph: Graph) throws -> Graph {
    for (index, op) in graph.operators.enumerated() where op.kind == .fullyConnected || op.kind == .conv2D {
      guard op.inputs.count > 1, let weights = op.inputs[1], graph.tensors.indices.contains(weights) else { continue }
      let type = graph.tensors[weights].type
      if type != .float32 && type != .float16 {
        throw EdgeError(
          .unsupported,
          "--low-rank works on float models, but \(graph.describe(op: index)) has \(type) weights; decompose the float model (optionally with --quantize int8 after)",
          at: ErrorLocation(opIndex: index))
      }
    }
    let (decomposed, layers) = try LowRank(rule).decompose(graph)
    do {
      try verify(decomposed)
    } catch let error as EdgeError {
      throw EdgeError(.invalidGraph, "internal error: the low-rank pass produced an invalid graph: \(error.message)")
    }
    FileHandleOutput.writeToStandardError(Self.summary(layers))
    return decomposed
  }

  /// One line per layer considered, then the totals.
  static func summary(_ layers: [LowRankLayer]) -> String {
    guard !layers.isEmpty else { return "low-rank: no float FULLY_CONNECTED or CONV_2D layer with constant weights\n" }
    var text = "low-rank (layer SQNR: the layer's output against the original on random N(0,1) inputs):\n"
    for layer in layers {
      let sqnr = layer.sqnr.isFinite ? String(format: "%.1f dB", layer.sqnr) : "exact"
      let verdict = layer.replaced ? "" : "  (kept: no bytes saved)"
      text += "  op \(layer.op) \(layer.kind.name) \(layer.rows)x\(layer.columns): rank \(layer.rank)"
        + ", \(grouped(layer.bytesBefore)) -> \(grouped(layer.replaced ? layer.bytesAfter : layer.bytesBefore)) bytes"
        + String(format: ", energy %.4f", layer.energyKept) + ", SQNR \(sqnr)\(verdict)\n"
    }
    let before = layers.reduce(0) { $0 + $1.bytesBefore }
    let after = layers.reduce(0) { $0 + ($1.replaced ? $1.bytesAfter : $1.bytesBefore) }
    text += "  \(layers.filter(\.replaced).count) of \(layers.count) layers factored: \(grouped(before)) -> \(grouped(after)) bytes\n"
    return text
  }
}
