extension MemoryPlan {
  /// An ASCII picture of the plan for `--print-plan`, after TFLite Micro's
  /// PrintMemoryPlan: a legend (one letter per buffer; alias members share
  /// their root's letter), then one row per op step with the arena scaled to
  /// about `width` columns. A column shows the buffer covering most of its
  /// bytes, `.` when none is alive there, and `!` where two live buffers
  /// collide — which a correct plan never shows.
  public func chart(width: Int = 64) -> String {
    let buffers = Array(Set(tensors.map(\.buffer))).sorted()
    var letters: [Int: Character] = [:]
    for (index, buffer) in buffers.enumerated() { letters[buffer] = letter(index) }

    let ratio = lowerBoundBytes > 0 ? Double(arenaBytes) / Double(lowerBoundBytes) : 1
    var lines = [
      "arena \(arenaBytes) B, lower bound \(lowerBoundBytes) B (\(fixed3(ratio))x),"
        + " alignment \(alignment) B, placed by \(placementOrder.rawValue)"
    ]
    for entry in tensors {
      let alias = entry.aliasOf.map { ", alias of tensor \($0)" } ?? ""
      lines.append(
        "  \(letters[entry.buffer] ?? "*")  tensor \(entry.tensor) '\(entry.name)'"
          + " \(entry.bytes) B at \(entry.offset), steps \(entry.firstOp)-\(entry.lastOp)\(alias)")
    }
    guard arenaBytes > 0 else {
      return (lines + ["  (empty arena)"]).joined(separator: "\n") + "\n"
    }

    let columns = max(1, min(width, arenaBytes))
    let lastStep = max(order.count - 1, tensors.map(\.lastOp).max() ?? 0)
    lines.append("  step  op  0\(String(repeating: " ", count: max(columns - 1, 0)))\(arenaBytes)")
    for step in 0...lastStep {
      // The buffers alive at this step: (offset, end, letter), one per buffer.
      var live: [Int: (offset: Int, end: Int, letter: Character)] = [:]
      for entry in tensors where entry.firstOp <= step && step <= entry.lastOp {
        let end = entry.offset + alignUp(entry.bytes, to: alignment)
        live[entry.buffer] = (entry.offset, end, letters[entry.buffer] ?? "*")
      }
      let spans = live.keys.sorted().compactMap { live[$0] }
      var row = ""
      for column in 0..<columns {
        let low = column * arenaBytes / columns
        let high = (column + 1) * arenaBytes / columns
        let hits = spans.filter { $0.offset < high && low < $0.end && $0.offset < $0.end }
        let collides = hits.indices.contains { i in
          hits.indices.contains { j in
            j > i && hits[i].offset < hits[j].end && hits[j].offset < hits[i].end
          }
        }
        if collides {
          row.append("!")
        } else if let widest = hits.max(by: { covered($0, low, high) < covered($1, low, high) }) {
          row.append(widest.letter)
        } else {
          row.append(".")
        }
      }
      let liveBytes = spans.reduce(0) { $0 + ($1.end - $1.offset) }
      let op = order.indices.contains(step) ? String(order[step]) : "-"
      lines.append("  \(pad(step, 4))  \(pad(op, 2)) |\(row)| \(liveBytes) B")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

private func covered(_ span: (offset: Int, end: Int, letter: Character), _ low: Int, _ high: Int)
  -> Int
{
  min(span.end, high) - max(span.offset, low)
}

private func letter(_ index: Int) -> Character {
  let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
  return index < alphabet.count ? alphabet[index] : "*"
}

private func pad(_ value: CustomStringConvertible, _ width: Int) -> String {
  let text = value.description
  return String(repeating: " ", count: max(0, width - text.count)) + text
}

/// `ratio` with three decimals, without Foundation's String(format:).
private func fixed3(_ ratio: Double) -> String {
  let thousandths = Int((ratio * 1000).rounded())
  let fraction = String(thousandths % 1000)
  return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}
