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

  /// One line per layer considered, then the totals.
  static func summary(_ layers: [LowRankLayer]) -> String {
    guard !layers.isEmpty else { return "low-rank: no float FULLY_CONNECTED or CONV_2D layer with constant weights\n" }
    let on = layers.contains(where: \.dataAware) ? "on the calibration inputs, before the activation" : "on random N(0,1) inputs"
    var text = "low-rank (layer SQNR: the layer's output against the original \(on)):\n"
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
