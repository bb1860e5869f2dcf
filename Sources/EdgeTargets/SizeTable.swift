/// The human-readable `edgec size` table: one row per category, columns by
/// kind of memory, then flash and RAM. flash = text + rodata + data (the
/// initial values of data live in flash), RAM = data + bss (+ the stack).
public func sizeTable(_ report: SizeReport) -> String {
  let columns = ["text", "rodata", "data", "bss", "flash", "RAM"]
  func cells(_ b: SizeBreakdown) -> [String] {
    [b.text, b.rodata, b.data, b.bss, b.flash, b.ram].map { groupedDigits($0) }
  }
  var rows: [(String, [String])] = SizeCategory.allCases.map { ($0.rawValue, cells(report.bytes($0))) }
  rows.append(("stack", ["", "", "", "", "", groupedDigits(report.stackBytes)]))
  var total = cells(report.total)
  total[5] = groupedDigits(report.ramTotal)
  rows.append(("total", total))
  let width = max(9, rows.flatMap(\.1).map(\.count).max() ?? 0) + 2
  func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
  var lines: [String] = []
  let models = report.models.isEmpty ? "no model found" : "model \(report.models.joined(separator: ", "))"
  lines.append("\(report.name)\(report.target.map { " for \($0)" } ?? ""): \(models)")
  lines.append("  measured from \(report.method)")
  lines.append("")
  lines.append("         " + columns.map { pad($0, width) }.joined())
  for (label, values) in rows {
    lines.append(label + String(repeating: " ", count: max(0, 9 - label.count)) + values.map { pad($0, width) }.joined())
  }
  lines.append("")
  var summary = "flash \(groupedDigits(report.flashTotal))"
  if let capacity = report.flashCapacity, capacity > 0 {
    summary += " of \(groupedDigits(capacity)) bytes (\(percent(report.flashTotal, of: capacity)))"
  }
  summary += ", RAM \(groupedDigits(report.ramTotal))"
  if let capacity = report.ramCapacity, capacity > 0 {
    summary += " of \(groupedDigits(capacity)) bytes (\(percent(report.ramTotal, of: capacity)))"
  }
  lines.append(summary)
  return lines.joined(separator: "\n") + "\n"
}

/// `12,345`, `-1,024`.
func groupedDigits(_ n: Int) -> String {
  let digits = String(n.magnitude)
  var out = ""
  for (i, c) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
    out.append(c)
  }
  return (n < 0 ? "-" : "") + out
}

/// `2.7%`, with one decimal.
func percent(_ part: Int, of whole: Int) -> String {
  let tenths = (Double(part) * 1000 / Double(whole)).rounded()
  return formatTenths(Int(tenths)) + "%"
}

/// 27 → "2.7", -5 → "-0.5".
func formatTenths(_ tenths: Int) -> String {
  let sign = tenths < 0 ? "-" : ""
  return "\(sign)\(tenths.magnitude / 10).\(tenths.magnitude % 10)"
}
