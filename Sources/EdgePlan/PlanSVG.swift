import EdgeCore

/// What a buffer holds, which decides its colour in the picture.
public enum BufferKind: String, CaseIterable, Sendable {
  case input, output, activation
  /// Variables: state kept across invocations, alive at every step.
  case state
}

/// One buffer of a plan as the timeline draws it: an alias group (a tensor
/// and its views) is one buffer, alive over the union of their lifetimes.
public struct TimelineBuffer: Hashable, Sendable {
  /// The tensor that owns the bytes; the other members are views of it.
  public var root: TensorID
  public var members: [TensorID]
  public var name: String
  /// The root tensor's own size; the arena reserves it rounded up.
  public var bytes: Int
  public var reservedBytes: Int
  public var offset: Int
  public var firstStep: Int
  public var lastStep: Int
  public var kind: BufferKind
}

extension MemoryPlan {
  /// The plan's buffers, sorted by root tensor id.
  public func timelineBuffers(in graph: Graph) -> [TimelineBuffer] {
    let inputs = Set(graph.inputs)
    let outputs = Set(graph.outputs)
    var byRoot: [TensorID: TimelineBuffer] = [:]
    var kinds: [TensorID: Set<BufferKind>] = [:]
    for entry in tensors {
      let member = entry.tensor
      if graph.tensors.indices.contains(member) && graph.tensors[member].isVariable {
        kinds[entry.buffer, default: []].insert(.state)
      }
      if inputs.contains(member) { kinds[entry.buffer, default: []].insert(.input) }
      if outputs.contains(member) { kinds[entry.buffer, default: []].insert(.output) }
      if var buffer = byRoot[entry.buffer] {
        buffer.members.append(member)
        buffer.firstStep = min(buffer.firstStep, entry.firstOp)
        buffer.lastStep = max(buffer.lastStep, entry.lastOp)
        byRoot[entry.buffer] = buffer
      } else {
        // Name and size come from the root, which need not have the
        // smallest id of its group.
        let root = self.entry(for: entry.buffer) ?? entry
        byRoot[entry.buffer] = TimelineBuffer(
          root: entry.buffer, members: [member], name: root.name, bytes: root.bytes,
          reservedBytes: alignUp(root.bytes, to: alignment), offset: root.offset,
          firstStep: entry.firstOp, lastStep: entry.lastOp, kind: .activation)
      }
    }
    return byRoot.keys.sorted().compactMap { root in
      guard var buffer = byRoot[root] else { return nil }
      // A graph input that is also returned is drawn as an input.
      let held = kinds[root] ?? []
      buffer.kind = [BufferKind.input, .output, .state].first { held.contains($0) } ?? .activation
      return buffer
    }
  }

  /// Bytes reserved by the buffers alive at each step of the order.
  public func liveBytesPerStep(in graph: Graph) -> [Int] {
    let buffers = timelineBuffers(in: graph)
    let steps = max(order.count, (buffers.map(\.lastStep).max() ?? -1) + 1)
    return (0..<steps).map { step in
      buffers.filter { $0.firstStep <= step && step <= $0.lastStep }.map(\.reservedBytes)
        .reduce(0, +)
    }
  }

  /// The memory timeline as an SVG picture: x is the step of the execution
  /// order (with the op that runs there), y the arena offset; one labelled
  /// box per buffer, coloured by kind; the arena size (the peak) and, if
  /// different, the lower bound as horizontal lines; the bytes alive at
  /// each step as a stepped line, whose highest point is marked. `title`
  /// and the lines of `notes` head the picture. Same plan, same bytes.
  public func svg(graph: Graph, title: String, notes: [String] = []) -> String {
    var canvas = SVGCanvas(plan: self, graph: graph, noteLines: notes.count)
    canvas.drawFrame(title: title, notes: notes)
    canvas.drawBuffers()
    canvas.drawLiveBytes()
    canvas.drawBufferLabels()
    canvas.drawLegend()
    return canvas.finished()
  }
}

/// Colours: light fills with dark text for contrast, a darker stroke of the
/// same hue to separate neighbouring boxes.
extension BufferKind {
  var fill: String {
    switch self {
    case .input: return "#9ecae1"
    case .output: return "#a1d99b"
    case .activation: return "#fdd0a2"
    case .state: return "#dadaeb"
    }
  }

  var stroke: String {
    switch self {
    case .input: return "#3182bd"
    case .output: return "#31a354"
    case .activation: return "#e6550d"
    case .state: return "#756bb1"
    }
  }
}
