import EdgeCore
import EdgePasses
import EdgeReference
import Foundation

extension CompressionRecord {
  /// report.json's "compression": what was done to the float model, layer
  /// by layer, with the figures the choices were made on.
  public var json: JSON {
    var fields: [(String, JSON)] = []
    if let calibration {
      fields.append(
        ("calibration", .object([("samples", .int(calibration.samples)), ("method", .string(calibration.method.name))])))
    }
    if let weights { fields.append(("weights", .string(budget == nil ? weights.rawValue : "\(weights.rawValue) only"))) }
    if !lowRank.isEmpty {
      fields.append(("low_rank", .array(lowRank.map(\.json))))
    }
    if let budget {
      let r = budget.result
      fields.append(
        ("flash_budget",
          .object([
            ("budget_bytes", .int(budget.budget)),
            ("samples", .int(budget.samples)),
            ("start_weights_bytes", .int(r.start.weightBytes)),
            ("start_sqnr_db", decibels(r.start.sqnr)),
            ("weights_bytes", .int(r.final.weightBytes)),
            ("sqnr_db", decibels(r.final.sqnr)),
            ("configurations_measured", .int(r.measured)),
            ("layers",
              .array(
                r.decisions.map { d in
                  .object([
                    ("op", .int(d.op)), ("layer", .string(d.layer)), ("rank", d.choice.rank.map { .int($0) } ?? .null),
                    ("weights", .string(d.choice.width.rawValue)), ("bytes_saved", .int(d.bytesSaved)),
                    ("sqnr_alone_db", decibels(d.sqnrAlone)),
                  ])
                })),
          ])))
    }
    return .object(fields)
  }

  /// What the flash-budget search chose, for stderr.
  public var budgetSummary: String? {
    guard let budget else { return nil }
    let r = budget.result
    var lines = [
      "flash budget \(budget.budget) B for weights: whole and \(weights?.rawValue ?? "int8") they are \(r.start.weightBytes) B at \(dB(r.start.sqnr)) output SQNR (\(budget.samples) calibration samples, against the float model)"
    ]
    if r.decisions.isEmpty { lines.append("  fits; nothing changed") }
    for d in r.decisions {
      let change = [d.choice.rank.map { "rank \($0)" }, d.choice.width == (weights ?? .int8) ? nil : "\(d.choice.width.rawValue) weights"]
        .compactMap { $0 }.joined(separator: " + ")
      lines.append("  \(d.layer): \(change), saves \(d.bytesSaved) B (SQNR \(dB(d.sqnrAlone)) with this change alone)")
    }
    if !r.decisions.isEmpty {
      lines.append(
        "  -> \(r.final.weightBytes) B at \(dB(r.final.sqnr)) (\(r.measured) configurations measured; least added noise per byte saved)")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

extension LowRankLayer {
  var json: JSON {
    .object([
      ("op", .int(op)), ("kind", .string(kind.name)), ("matrix", .array([.int(rows), .int(columns)])),
      ("rank", .int(rank)), ("float_bytes_before", .int(bytesBefore)),
      ("float_bytes_after", .int(replaced ? bytesAfter : bytesBefore)), ("energy_kept", .double(energyKept)),
      ("sqnr_db", decibels(sqnr)), ("sqnr_on", .string(dataAware ? "calibration inputs" : "random inputs")),
      ("replaced", .bool(replaced)),
    ])
  }
}

extension CalibrationMethod {
  public var name: String {
    switch self {
    case .minmax: return "minmax"
    case .mse: return "mse"
    case .percentile(let p): return "percentile=\(p)"
    }
  }
}

/// dB for JSON: null when exact (infinite).
func decibels(_ value: Double) -> JSON {
  value.isFinite ? .double((value * 100).rounded() / 100) : .null
}

func dB(_ value: Double) -> String { String(format: "%.2f dB", value) }
