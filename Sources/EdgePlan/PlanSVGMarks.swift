/// The marks of the timeline: buffer boxes, the peak and bound lines, the
/// live-bytes profile and the legend.
extension SVGCanvas {
  /// One box per buffer, with a tooltip (`<title>`) that says everything.
  mutating func drawBuffers() {
    for buffer in buffers {
      let (x0, y0, w, h) = box(buffer)
      let views = buffer.members.count - 1
      let viewNote = views == 0 ? "" : views == 1 ? ", 1 view" : ", \(views) views"
      let tip =
        "\(buffer.name) (tensor \(buffer.root)\(viewNote)): \(SVGText.grouped(buffer.bytes)) B"
        + " at offset \(SVGText.grouped(buffer.offset)), steps \(buffer.firstStep)-\(buffer.lastStep),"
        + " \(buffer.kind.rawValue)"
      add(
        "<rect class=\"buffer\" data-tensor=\"\(buffer.root)\" x=\"\(n(x0))\" y=\"\(n(y0))\""
          + " width=\"\(n(w))\" height=\"\(n(h))\" fill=\"\(buffer.kind.fill)\""
          + " stroke=\"\(buffer.kind.stroke)\" stroke-width=\"1\">"
          + "<title>\(SVGText.escaped(tip))</title></rect>")
    }
  }

  /// A buffer's box: left, top, width, height.
  func box(_ buffer: TimelineBuffer) -> (Double, Double, Double, Double) {
    let x0 = x(buffer.firstStep)
    let y0 = y(buffer.offset + buffer.reservedBytes)
    return (x0, y0, x(buffer.lastStep + 1) - x0, y(buffer.offset) - y0)
  }

  /// Each box's label: as much of the name and size as fits, drawn after
  /// the lines and with a halo of the box's colour so that a line crossing
  /// the box does not cross the text.
  mutating func drawBufferLabels() {
    for buffer in buffers {
      let (x0, y0, w, h) = box(buffer)
      // Name and size on two lines where the box is tall enough, else on
      // one; whatever fits, the size first if only one of them does.
      let characters = Int((w - 6) / SVGCanvas.characterWidth)
      let center = x0 + w / 2
      guard characters >= 3, h >= 13 else { continue }
      let halo = " stroke=\"\(buffer.kind.fill)\" stroke-width=\"3\" paint-order=\"stroke\""
      let name = SVGText.shortName(buffer.name, limit: characters)
      let size = SVGText.bytes(buffer.bytes, limit: characters)
      if h >= 28, let name {
        text(name, x: center, y: y0 + h / 2 - 2, anchor: "middle", extra: halo)
        if let size {
          text(size, x: center, y: y0 + h / 2 + 11, size: 10, anchor: "middle", extra: halo)
        }
      } else if let size,
        let both = SVGText.shortName(
          buffer.name, limit: characters - size.count - 1), h < 28
      {
        text(both + " " + size, x: center, y: y0 + h / 2 + 4, anchor: "middle", extra: halo)
      } else if name == nil, h > w, let upright = uprightLabel(buffer, length: h) {
        // A tall, narrow box (an input, a tensor kept for a skip
        // connection): the name reads along its height instead.
        let middle = y0 + h / 2
        text(
          upright, x: center + 4, y: middle, anchor: "middle",
          extra: halo + " transform=\"rotate(-90 \(n(center + 4)) \(n(middle)))\"")
      } else if let label = size ?? name {
        text(label, x: center, y: y0 + h / 2 + 4, anchor: "middle", extra: halo)
      }
    }
  }

  /// Name and size along a box's height, if its width has room for a line.
  func uprightLabel(_ buffer: TimelineBuffer, length: Double) -> String? {
    let characters = Int((length - 6) / SVGCanvas.characterWidth)
    guard let size = SVGText.bytes(buffer.bytes, limit: characters) else { return nil }
    guard let name = SVGText.shortName(buffer.name, limit: characters - size.count - 1) else {
      return nil
    }
    return name + " " + size
  }

  /// The bytes alive at each step as a stepped line; the arena (what this
  /// plan needs: its peak) and the lower bound as horizontal lines labelled
  /// in the right margin; the highest step marked.
  mutating func drawLiveBytes() {
    var points: [String] = []
    for (step, bytes) in live.enumerated() {
      points.append("\(n(x(step))),\(n(y(bytes)))")
      points.append("\(n(x(step + 1))),\(n(y(bytes)))")
    }
    if !points.isEmpty {
      add(
        "<polyline class=\"live\" points=\"\(points.joined(separator: " "))\" fill=\"none\""
          + " stroke=\"#222222\" stroke-width=\"1.5\"/>")
    }

    let arenaY = y(plan.arenaBytes)
    line(
      left, arenaY, right, arenaY,
      style: "class=\"peak\" stroke=\"#d62728\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"")
    text(
      "arena \(SVGText.grouped(plan.arenaBytes)) B", x: right + 6, y: arenaY + 4,
      extra: " fill=\"#d62728\" font-weight=\"bold\"")
    if plan.lowerBoundBytes != plan.arenaBytes {
      let boundY = y(plan.lowerBoundBytes)
      line(
        left, boundY, right, boundY,
        style: "class=\"bound\" stroke=\"#7f0000\" stroke-width=\"1\" stroke-dasharray=\"2 2\"")
      text(
        "lower bound \(SVGText.grouped(plan.lowerBoundBytes)) B", x: right + 6,
        y: max(boundY + 4, arenaY + 18), extra: " fill=\"#7f0000\"")
    }

    guard let highest = live.max(), highest > 0, let step = live.firstIndex(of: highest) else {
      return
    }
    let center = (x(step) + x(step + 1)) / 2
    add(
      "<circle class=\"peak-step\" cx=\"\(n(center))\" cy=\"\(n(y(highest)))\" r=\"4\""
        + " fill=\"#d62728\"/>")
    let anchor =
      center < left + plotWidth / 3 ? "start" : center > left + 2 * plotWidth / 3 ? "end" : "middle"
    text(
      "peak \(SVGText.grouped(highest)) B at step \(step)", x: center, y: y(highest) - 8,
      anchor: anchor, extra: " fill=\"#d62728\" font-weight=\"bold\"")
  }

  mutating func drawLegend() {
    // Below the labels of the arena and bound lines, which sit in the same
    // margin near the top.
    var row = max(y(plan.arenaBytes), y(plan.lowerBoundBytes)) + 44
    let x0 = right + 12
    let kinds = BufferKind.allCases.filter { kind in
      kind != .state || buffers.contains { $0.kind == .state }
    }
    for kind in kinds {
      add(
        "<rect class=\"legend\" x=\"\(n(x0))\" y=\"\(n(row - 10))\" width=\"14\" height=\"12\""
          + " fill=\"\(kind.fill)\" stroke=\"\(kind.stroke)\"/>")
      text(kind.rawValue, x: x0 + 20, y: row)
      row += 20
    }
    let samples: [(String, String)] = [
      (
        "stroke=\"#d62728\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"",
        "arena (this plan's peak)"
      ),
      ("stroke=\"#7f0000\" stroke-width=\"1\" stroke-dasharray=\"2 2\"", "lower bound"),
      ("stroke=\"#222222\" stroke-width=\"1.5\"", "bytes alive at each step"),
    ]
    for (style, label) in samples
    where label != "lower bound" || plan.lowerBoundBytes != plan.arenaBytes {
      line(x0, row - 4, x0 + 14, row - 4, style: style)
      text(label, x: x0 + 20, y: row)
      row += 20
    }
    row += 6
    for note in ["one box per buffer;", "views share their", "tensor's box"] {
      text(note, x: x0, y: row, size: 10, extra: " fill=\"#666666\"")
      row += 13
    }
  }

  func finished() -> String {
    let header = [
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\""
        + " viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"Helvetica, Arial, sans-serif\">",
    ]
    return (header + lines + ["</svg>"]).joined(separator: "\n") + "\n"
  }
}
