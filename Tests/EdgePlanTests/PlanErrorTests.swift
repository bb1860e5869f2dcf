import EdgeCore
import Testing

@testable import EdgePlan

/// Inconsistent graphs, orders and aliases are errors that name the tensor
/// or op, never crashes.
struct PlanErrorTests {
  /// a -op0-> b -op1-> c, all 64 bytes, plus a 32-byte d read by op1 and a
  /// constant w.
  func diamond() -> (graph: Graph, a: TensorID, b: TensorID, c: TensorID, d: TensorID, w: TensorID)
  {
    var g = GraphBuilder()
    let a = g.input("a", bytes: 64)
    let w = g.tensor("w", bytes: 64, constant: true)
    let b = g.op(.conv2D, [a, w], "b", bytes: 64)
    let d = g.op(.conv2D, [a], "d", bytes: 32)
    let c = g.op(.add, [b, d], "c", bytes: 64)
    g.outputs = [c]
    return (g.graph, a, b, c, d, w)
  }

  func error(_ body: () throws -> Void) -> EdgeError? {
    do {
      try body()
      return nil
    } catch let error as EdgeError {
      return error
    } catch {
      return nil
    }
  }

  @Test func aliasBetweenDifferentSizesNamesTheTensor() {
    let t = diamond()
    let e = error { _ = try planMemory(t.graph, aliases: [t.d: t.b]) }
    #expect(e?.kind == .invalidGraph)
    #expect(e?.location.tensorIndex == t.d)
    #expect(e?.location.tensorName == "d")
    #expect(
      e?.message.hasPrefix("has 32 bytes but is an alias of tensor 2 'b', which has 64;") == true)
  }

  @Test func aliasCycleIsAnError() {
    let t = diamond()
    let e = error { _ = try planMemory(t.graph, aliases: [t.b: t.c, t.c: t.b]) }
    #expect(e?.kind == .invalidGraph)
    #expect(e?.location.tensorIndex == t.b)
    #expect(e?.message.hasPrefix("aliases form a cycle (2 -> 4 -> 2)") == true)
  }

  @Test func aliasOfAConstantIsAnError() {
    let t = diamond()
    let e = error { _ = try planMemory(t.graph, aliases: [t.b: t.w]) }
    #expect(e?.location.tensorIndex == t.w)
    #expect(
      e?.message == "is a constant that lives in flash, so tensor 2 'b' cannot be an alias of it")
  }

  @Test func aliasToAMissingTensorIsAnError() {
    let t = diamond()
    let e = error { _ = try planMemory(t.graph, aliases: [t.b: 99]) }
    #expect(e?.message == "an alias refers to tensor 99, but the graph has 5")
  }

  @Test func orderThatIsNotAPermutationIsAnError() {
    let t = diamond()
    let repeated = error { _ = try planMemory(t.graph, order: [0, 0, 2]) }
    #expect(repeated?.message.hasPrefix("execution order step 1 names op 0") == true)
    let short = error { _ = try planMemory(t.graph, order: [0, 2]) }
    #expect(short?.message == "the execution order leaves out op 1 (CONV_2D)")
    #expect(short?.location.opIndex == 1)
  }

  @Test func readingBeforeWritingIsAnError() {
    let t = diamond()
    let e = error { _ = try planMemory(t.graph, order: [2, 0, 1]) }
    #expect(e?.location.tensorIndex == t.b)
    #expect(e?.message == "is read by op 2 (ADD) at step 0 before anything writes it")
  }

  @Test func tensorIdsOutOfRangeAreErrors() {
    var g = GraphBuilder()
    let a = g.input("a", bytes: 8)
    g.operators.append(Operator(kind: .add, inputs: [a, 7], outputs: [a + 1]))
    let e = error { _ = try planMemory(g.graph) }
    #expect(e?.message == "an output refers to tensor 1, but the graph has 1")
    #expect(e?.location.opIndex == 0)
  }

  @Test func alignmentMustBeAPowerOfTwo() {
    let t = diamond()
    #expect(error { _ = try planMemory(t.graph, alignment: 12) }?.kind == .invalidInput)
    #expect(error { _ = try planMemory(t.graph, alignment: 0) }?.kind == .invalidInput)
  }

  @Test func overflowingShapeIsAnErrorNotATrap() {
    var g = GraphBuilder()
    let a = g.input("a", bytes: 8)
    let b = g.tensor("huge", bytes: 1)
    g.tensors[b].shape = Shape([1 << 40, 1 << 40])
    g.operators.append(Operator(kind: .add, inputs: [a], outputs: [b]))
    let e = error { _ = try planMemory(g.graph) }
    #expect(e?.location.tensorName == "huge")
  }
}
