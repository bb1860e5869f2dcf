import EdgeCore
import Foundation

/// A committed size baseline: for each report name (a model, or a firmware
/// file's name) the figures `SizeReport.figures` lists. Two spellings are
/// read, so a baseline can be written by `edgec size --json` or by hand:
///
///     { "kws_dscnn_int8": { ..., "figures": { "flash_total": 28332, ... } } }
///     { "kws_dscnn_int8": { "flash_total": 28332, "weights": 19184, ... } }
///
/// Top-level keys starting with `_` are comments; non-integer fields of an
/// entry are ignored.
public struct SizeBaseline: Sendable {
  public var entries: [String: [String: Int]]

  public init(entries: [String: [String: Int]]) { self.entries = entries }

  public init(contentsOf path: String) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EdgeError(.invalidInput, "cannot read the baseline \(path)")
    }
    try self.init(data: data, file: path)
  }

  public init(data: Data, file: String) throws {
    guard let top = try? JSONDecoder().decode([String: BaselineValue].self, from: data) else {
      throw EdgeError(
        .invalidInput, "\(file) is not a JSON object of report name → figures; write one with `edgec size --json`")
    }
    var entries: [String: [String: Int]] = [:]
    for (name, value) in top where !name.hasPrefix("_") {
      guard case .object(var fields) = value else {
        throw EdgeError(.invalidInput, "\(file): \"\(name)\" is not an object of figures")
      }
      if case .object(let figures)? = fields["figures"] { fields = figures }
      entries[name] = fields.compactMapValues { field in
        if case .int(let bytes) = field { return bytes }
        return nil
      }
    }
    self.entries = entries
  }
}

/// A JSON value as a baseline reads it: byte counts (integers), objects,
/// and anything else (strings, booleans, fractions), which is ignored.
private enum BaselineValue: Decodable {
  case int(Int)
  case object([String: BaselineValue])
  case other

  init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let bytes = try? container.decode(Int.self) {
      self = .int(bytes)
    } else if let object = try? container.decode([String: BaselineValue].self) {
      self = .object(object)
    } else {
      self = .other
    }
  }
}

/// Today's figures against a baseline: growth beyond the tolerance is a
/// regression; shrinking is an improvement and never fails.
public struct SizeComparison: Sendable {
  public enum Status: String, Sendable {
    case regression = "**regression**"
    case withinTolerance = "grew, within tolerance"
    case unchanged = "unchanged"
    case improvement = "improvement"
    case noBaseline = "new (no baseline)"
  }

  public struct Row: Sendable {
    public var report: String
    public var figure: String
    public var baseline: Int?
    public var now: Int
    public var status: Status
  }

  public var rows: [Row]
  public var tolerancePercent: Double

  public init(_ reports: [SizeReport], baseline: SizeBaseline, tolerancePercent: Double) {
    self.tolerancePercent = tolerancePercent
    rows = reports.flatMap { report in
      report.figures.map { figure, now in
        guard let before = baseline.entries[report.name]?[figure] else {
          return Row(report: report.name, figure: figure, baseline: nil, now: now, status: .noBaseline)
        }
        let status: Status
        if now == before {
          status = .unchanged
        } else if now < before {
          status = .improvement
        } else if Double(now - before) * 100 > Double(before) * tolerancePercent {
          status = .regression
        } else {
          status = .withinTolerance
        }
        return Row(report: report.name, figure: figure, baseline: before, now: now, status: status)
      }
    }
  }

  public var regressions: [Row] { rows.filter { $0.status == .regression } }

  /// A table to paste into a pull request.
  public func markdown(baselineName: String) -> String {
    let count = regressions.count
    let tolerance = formatTenths(Int((tolerancePercent * 10).rounded())) + "%"
    let verdict = count == 0
      ? "no figure grew beyond the \(tolerance) tolerance"
      : "\(count) figure\(count == 1 ? "" : "s") grew beyond the \(tolerance) tolerance"
    var lines = ["**edgec size** against `\(baselineName)`: \(verdict).", ""]
    lines.append("| build | figure | baseline | now | change | change % | status |")
    lines.append("|:--|:--|--:|--:|--:|--:|:--|")
    for row in rows {
      let baseline = row.baseline.map(groupedDigits) ?? "–"
      var change = "–", relative = "–"
      if let before = row.baseline {
        let delta = row.now - before
        change = (delta > 0 ? "+" : "") + groupedDigits(delta)
        if before != 0 {
          let tenths = Int((Double(delta.magnitude) * 1000 / Double(before)).rounded())
          relative = (delta > 0 ? "+" : delta < 0 ? "-" : "") + formatTenths(tenths) + "%"
        } else if delta != 0 {
          relative = "new"
        } else {
          relative = "0.0%"
        }
      }
      let cells = [row.report, row.figure.replacingOccurrences(of: "_", with: " "), baseline, groupedDigits(row.now), change, relative, row.status.rawValue]
      lines.append("| " + cells.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
