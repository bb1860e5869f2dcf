import EdgeCore

/// One graph-to-graph rewrite. A pass has a name (for `--print-after` and the
/// report), takes a verified graph and returns an equivalent one: the same
/// outputs, bit for bit, for every input. The PassManager verifies what it
/// returns.
public protocol GraphPass: Sendable {
  var name: String { get }
  /// The rewritten graph and how many rewrites the pass made (0: unchanged).
  func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int)
}

/// What one pass did, for the compile report.
public struct PassRecord: Hashable, Sendable {
  public var name: String
  public var rewrites: Int
  public var operatorsBefore: Int
  public var operatorsAfter: Int
}

/// Runs passes in order and verifies the graph after each, so a pass that
/// breaks an invariant is named at once rather than surfacing as a wrong
/// answer three stages later.
public struct PassManager: Sendable {
  public var passes: [any GraphPass]

  public init(_ passes: [any GraphPass]) { self.passes = passes }

  /// The passes `edgec compile` runs by default, in order.
  public static let standard = PassManager([FoldConstants(), FoldRequantize(), FoldPad(), FuseResidualAdd(), ReadVariablesInPlace()])

  /// `printAfter` sees the graph after every pass that changed it.
  public func run(_ graph: Graph, printAfter: ((String, Graph) -> Void)? = nil) throws
    -> (graph: Graph, records: [PassRecord])
  {
    var graph = graph
    // Every op remembers its index in the imported model, for messages.
    for index in graph.operators.indices where graph.operators[index].origin == nil {
      graph.operators[index].origin = index
    }
    var records: [PassRecord] = []
    for pass in passes {
      let before = graph.operators.count
      let (rewritten, rewrites) = try pass.run(on: graph)
      do {
        try verify(rewritten)
      } catch let error as EdgeError {
        throw EdgeError(
          .invalidGraph, "internal error: pass \(pass.name) produced an invalid graph: \(error.message)",
          at: error.location)
      }
      graph = rewritten
      records.append(
        PassRecord(name: pass.name, rewrites: rewrites, operatorsBefore: before, operatorsAfter: graph.operators.count))
      if rewrites > 0 { printAfter?(pass.name, graph) }
    }
    return (graph, records)
  }
}
