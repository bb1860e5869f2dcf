import EdgeCore

/// Draws one plan's timeline (see `MemoryPlan.svg`): geometry, axes, boxes,
/// lines and legend, appended as SVG elements in a fixed order.
struct SVGCanvas {
  let plan: MemoryPlan
  let graph: Graph
  let buffers: [TimelineBuffer]
  let live: [Int]
  let steps: Int

  // Geometry (px): the plot area, with room for the title above, the tick
  // labels and op names below, the y labels left and the legend right.
  let left = 96.0
  /// 40 px per step (room for a layer name in a box two steps long), at
  /// least 684 (a 1,000 px picture), at most 3,000.
  let plotWidth: Double
  /// Below the title and its notes.
  let top: Double
  let plotHeight = 440.0
  let bottom = 160.0
  /// The byte offset at the top of the plot: the arena and some headroom
  /// for the peak's label, rounded up to a tick.
  let yTop: Int
  let tick: Int
  var lines: [String] = []

  /// Average advance of a character at the 11 px label size, for fitting.
  static let characterWidth = 6.2

  init(plan: MemoryPlan, graph: Graph, noteLines: Int) {
    top = 62 + 16 * Double(noteLines)
    self.plan = plan
    self.graph = graph
    buffers = plan.timelineBuffers(in: graph)
    live = plan.liveBytesPerStep(in: graph)
    steps = max(live.count, 1)
    plotWidth = min(max(684, 40 * Double(steps)), 3000)
    let highest = max(plan.arenaBytes, live.max() ?? 0, 1)
    tick = SVGText.tickStep(for: highest, count: 8)
    let headroom = highest + highest * 7 / 100
    yTop = (headroom + tick - 1) / tick * tick
  }

  var width: Double { left + plotWidth + 220 }
  var height: Double { top + plotHeight + bottom }
  var right: Double { left + plotWidth }
  func x(_ step: Int) -> Double { left + Double(step) * plotWidth / Double(steps) }
  func y(_ offset: Int) -> Double { top + plotHeight - Double(offset) * plotHeight / Double(yTop) }
  func n(_ value: Double) -> String { SVGText.number(value) }

  mutating func add(_ line: String) { lines.append(line) }

  mutating func text(
    _ content: String, x: Double, y: Double, size: Int = 11, anchor: String = "start",
    extra: String = ""
  ) {
    add(
      "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\"\(extra)>"
        + "\(SVGText.escaped(content))</text>")
  }

  mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, style: String) {
    add("<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" \(style)/>")
  }

  /// Title and notes, grid, axes, tick labels, op names.
  mutating func drawFrame(title: String, notes: [String]) {
    add(
      "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>"
    )
    text(title, x: left, y: 30, size: 18, extra: " font-weight=\"bold\"")
    for (index, note) in notes.enumerated() {
      text(note, x: left, y: 52 + 16 * Double(index), size: 12, extra: " fill=\"#444444\"")
    }

    for value in stride(from: 0, through: yTop, by: tick) {
      line(left, y(value), right, y(value), style: "stroke=\"#e6e6e6\" stroke-width=\"1\"")
      text(SVGText.grouped(value), x: left - 8, y: y(value) + 4, size: 10, anchor: "end")
    }
    let middle = top + plotHeight / 2
    text(
      "arena offset (bytes)", x: 24, y: middle, size: 12, anchor: "middle",
      extra: " transform=\"rotate(-90 24 \(n(middle)))\"")

    // Every step labelled while they fit, else every k-th; op names (and
    // the op's index, which differs from the step once reordered) below.
    let every = max(1, (steps + 39) / 40)
    let columnWidth = plotWidth / Double(steps)
    for step in 0..<steps {
      let center = x(step) + columnWidth / 2
      line(x(step), top + plotHeight, x(step), top + plotHeight + 4, style: "stroke=\"#333333\"")
      if step % every == 0 {
        text(String(step), x: center, y: top + plotHeight + 16, size: 10, anchor: "middle")
      }
      if columnWidth >= 9, plan.order.indices.contains(step),
        graph.operators.indices.contains(plan.order[step])
      {
        let op = plan.order[step]
        let name = graph.operators[op].label + " #\(op)"
        let baseline = top + plotHeight + 24
        text(
          name, x: center + 3, y: baseline, size: 9, anchor: "end",
          extra: " fill=\"#555555\" transform=\"rotate(-60 \(n(center + 3)) \(n(baseline)))\"")
      }
    }
    line(x(steps), top + plotHeight, x(steps), top + plotHeight + 4, style: "stroke=\"#333333\"")
    line(left, top, left, top + plotHeight, style: "stroke=\"#333333\"")
    line(left, top + plotHeight, right, top + plotHeight, style: "stroke=\"#333333\"")
    text(
      "step of the execution order (operator and its index below)", x: left + plotWidth / 2,
      y: height - 8, size: 12, anchor: "middle")
  }
}
