import EdgeCore

/// Lets the readers of a READ_VARIABLE read the variable's state directly,
/// so the read copies nothing: the op goes and its readers take the variable
/// tensor (which lives in `<model>_state`) instead of its value.
///
/// Safe only while the state still holds what the read saw: no
/// ASSIGN_VARIABLE of the same variable may come after the read and before
/// or at its last reader (the scheduler keeps every op that touches a
/// variable in stored order, so this holds in the order the code runs too).
/// The value must not be a graph output (the caller reads outputs after the
/// invoke, when an assignment may have changed the state), nor be read by an
/// operator that may lower to a view (RESHAPE, TRANSPOSE), which the arena
/// planner would have to place inside the state buffer, nor be assigned to a
/// variable (an assignment copies from an activation), nor be concatenated:
/// the planner already places a concatenation's inputs in their slices of
/// its output, so the read's copy is the concatenation's own and aliasing
/// would only keep the other inputs out of their slices (stream_ring_f32:
/// arena 704 → 800 bytes).
public struct ReadVariablesInPlace: GraphPass {
  public var name: String { "read-variables-in-place" }

  public init() {}

  public func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int) {
    guard graph.isStateful else { return (graph, 0) }
    var graph = graph
    let consumers = graph.consumers
    var removed: Set<Int> = []
    for (index, op) in graph.operators.enumerated() where op.kind == .readVariable {
      guard let variable = op.inputs.first ?? nil, op.outputs.count == 1 else { continue }
      let value = op.outputs[0]
      let readers = consumers[value]
      guard !graph.isGraphOutput(value), let last = readers.max(),
        readers.allSatisfy({ ![.reshape, .transpose, .assignVariable, .concatenation].contains(graph.operators[$0].kind) }),
        !graph.operators[(index + 1)...last].contains(where: {
          $0.kind == .assignVariable && $0.inputs.first == variable
        })
      else { continue }
      for reader in readers {
        graph.operators[reader].inputs = graph.operators[reader].inputs.map { $0 == value ? variable : $0 }
      }
      removed.insert(index)
    }
    return (graph.removingOperators(removed), removed.count)
  }
}
