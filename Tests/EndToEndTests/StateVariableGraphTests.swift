import EdgeCodegen
import EdgeCore
import EdgePasses
import EdgeReference
import EdgeTargets
import Foundation
import Testing

/// Resource variables on small hand-made graphs: an accumulator
/// y = x + state; state = y, whose outputs after n steps are n·x + initial.
@Suite struct StateVariableGraphTests {
  static func floats(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
  }

  /// READ → ADD → ASSIGN, or with `assignFirst` the assignment of x before
  /// the ADD reads what was read (so the read must stay a copy).
  static func accumulator(assignFirst: Bool = false) -> Graph {
    let shape = Shape([1, 4])
    let tensors = [
      Tensor(name: "x", type: .float32, shape: shape),
      Tensor(name: "state", type: .float32, shape: shape, isVariable: true),
      Tensor(name: "read", type: .float32, shape: shape),
      Tensor(name: "y", type: .float32, shape: shape),
    ]
    let read = Operator(kind: .readVariable, inputs: [1], outputs: [2])
    let add = Operator(kind: .add, inputs: [0, 2], outputs: [3], options: .activation(.none))
    let assign = Operator(kind: .assignVariable, inputs: [1, assignFirst ? 0 : 3], outputs: [])
    return Graph(
      name: "acc", tensors: tensors, operators: assignFirst ? [read, assign, add] : [read, add, assign],
      inputs: [0], outputs: [3],
      variables: [StateVariable(name: "state", tensor: 1, initialValue: floats([0.5, 0.5, 0.5, 0.5]))])
  }

  /// Three consecutive runs on the host C and in the reference: outputs
  /// 1·x + 0.5, 2·x + 0.5, 3·x + 0.5; the read costs no copy and no arena.
  @Test func readInPlaceAccumulates() throws {
    let (passed, records) = try PassManager.standard.run(Self.accumulator())
    #expect(records.first { $0.name == "read-variables-in-place" }?.rewrites == 1)
    #expect(passed.operators.map(\.kind) == [.add, .assignVariable])
    #expect(passed.operators[0].inputs == [0, 1])

    let x = TensorValue(type: .float32, shape: Shape([3, 1, 4]), bytes: Self.floats(Array(repeating: [1, 2, 3, 4], count: 3).flatMap { $0 }))
    let expected = Self.floats([1.5, 2.5, 3.5, 4.5, 2.5, 4.5, 6.5, 8.5, 3.5, 6.5, 9.5, 12.5])
    let host = try TargetCatalog().load("host")
    let graph = Self.accumulator()
    let batch = try InputBatch([x], for: graph, names: ["x"])
    let compilation = try compile(graph, for: host, options: CompileOptions(measureCode: false))
    #expect(compilation.report.stateBytes == 16)
    // y over x (the ADD in place) and nothing else: the state is read where it
    // is. Without the pass the read's copy would take 16 more bytes.
    #expect(compilation.plan.arenaBytes == 16)
    var unpassed = CompileOptions(measureCode: false)
    unpassed.passes = PassManager([FoldConstants()])
    #expect(try compile(graph, for: host, options: unpassed).plan.arenaBytes == 32)
    #expect(try simulateOnHost(compilation, batch: batch, target: host)[0].bytes == expected)
    let interpreter = try ReferenceInterpreter(graph: passed)
    var state = interpreter.initialState
    var outputs: [UInt8] = []
    for r in 0..<3 { outputs += try interpreter.run([batch.record(r, input: 0, graph: graph)], state: &state)[0].bytes }
    #expect(outputs == expected)
    #expect(state.values == [Self.floats([3.5, 6.5, 9.5, 12.5])])
  }

  /// An assignment between the read and its reader: the read stays a copy,
  /// and y = x + the state before the assignment (0.5, then x).
  @Test func readBeforeAnAssignmentStaysACopy() throws {
    let (passed, records) = try PassManager.standard.run(Self.accumulator(assignFirst: true))
    #expect(records.first { $0.name == "read-variables-in-place" }?.rewrites == 0)
    #expect(passed.operators.map(\.kind) == [.readVariable, .assignVariable, .add])
    let x = TensorValue(type: .float32, shape: Shape([2, 1, 4]), bytes: Self.floats([1, 2, 3, 4, 10, 20, 30, 40]))
    let host = try TargetCatalog().load("host")
    let batch = try InputBatch([x], for: passed, names: ["x"])
    let compilation = try compile(Self.accumulator(assignFirst: true), for: host, options: CompileOptions(measureCode: false))
    #expect(try simulateOnHost(compilation, batch: batch, target: host)[0].bytes == Self.floats([1.5, 2.5, 3.5, 4.5, 11, 22, 33, 44]))
  }

  /// The verifier names a variable record whose initial value does not fill
  /// its tensor, and an assignment of a differently shaped value.
  @Test func verifierChecksVariables() {
    var short = Self.accumulator()
    short.variables[0].initialValue = [0, 0, 0, 0]
    #expect(throws: EdgeError.self) { try verify(short) }
    do {
      try verify(short)
    } catch let error as EdgeError {
      #expect(error.message == "variable 'state' has 4 bytes of initial value, but tensor 1 'state' (float32 [1, 4]) needs 16")
    } catch {}
    var mismatched = Self.accumulator()
    mismatched.tensors[3].shape = Shape([4])
    do {
      try verify(mismatched)
      Issue.record("verified an assignment of a [4] value to a [1, 4] variable")
    } catch let error as EdgeError {
      #expect(error.message.contains("op 2 (ASSIGN_VARIABLE)") || error.message.contains("op 1 (ADD)"))
    } catch {}
  }
}
