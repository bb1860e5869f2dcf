import EdgeCore
import Testing

@testable import EdgePlan

/// Small graphs whose plans were worked out by hand (the reasoning is in the
/// comments) so that a change in the heuristic shows up as a changed number.
struct PlannerTests {
  /// a(100) -op0-> b(200) -op1-> c(50); sizes round to 112, 208, 64.
  /// b is largest: 0. a overlaps b at step 0: after it, 208. c overlaps only
  /// b: the hole before b is empty, so after it, 208. Step 0 holds a+b = 320.
  @Test func chain() throws {
    var g = GraphBuilder()
    let a = g.input("a", bytes: 100)
    let b = g.op(.conv2D, [a], "b", bytes: 200)
    let c = g.op(.conv2D, [b], "c", bytes: 50)
    g.outputs = [c]
    let plan = try planMemory(g.graph)
    #expect(plan.rows == [[0, 208, 0, 0, -1], [1, 0, 0, 1, -1], [2, 208, 1, 1, -1]])
    #expect(plan.arenaBytes == 320)
    #expect(plan.lowerBoundBytes == 320)
    #expect(plan.tensors.map(\.bytes) == [100, 200, 50])
  }

  /// a(256) -op0-> b(512) -op1-> c(512); op2 = add(a, c) -> d(256).
  /// Order by size: b, c, a, d. b: 0. c overlaps b: 512. a (steps 0-2)
  /// overlaps both: 1024. d (step 2) overlaps c and a, whose hole [0, 512)
  /// takes it: 0. Step 1 holds a+b+c = 1280, so the arena is optimal.
  @Test func residualDiamond() throws {
    var g = GraphBuilder()
    let a = g.input("a", bytes: 256)
    let b = g.op(.conv2D, [a], "b", bytes: 512)
    let c = g.op(.conv2D, [b], "c", bytes: 512)
    let d = g.op(.add, [a, c], "d", bytes: 256)
    g.outputs = [d]
    let plan = try planMemory(g.graph)
    #expect(
      plan.rows == [
        [0, 1024, 0, 2, -1], [1, 0, 0, 1, -1], [2, 512, 1, 2, -1], [3, 0, 2, 2, -1],
      ])
    #expect(plan.arenaBytes == 1280)
    #expect(plan.lowerBoundBytes == 1280)
  }

  /// a -op0-> b -RESHAPE-> c -RESHAPE-> d -op3-> e, with c and d views of
  /// b. The chain collapses to b: one 64-byte buffer alive over steps 0-3
  /// (b: 0-1, c: 1-2, d: 2-3). a sorts before it (same size and first step,
  /// smaller id): 0; the group: 64; e (step 3) fits under it at 0.
  @Test func aliasChainSharesTheRootBuffer() throws {
    var g = GraphBuilder()
    let a = g.input("a", bytes: 64)
    let b = g.op(.conv2D, [a], "b", bytes: 64)
    let c = g.op(.reshape, [b], "c", bytes: 64)
    let d = g.op(.reshape, [c], "d", bytes: 64)
    let e = g.op(.fullyConnected, [d], "e", bytes: 32)
    g.outputs = [e]
    let plan = try planMemory(g.graph, aliases: [c: b, d: c])
    #expect(
      plan.rows == [
        [0, 0, 0, 0, -1], [1, 64, 0, 1, -1], [2, 64, 1, 2, 1], [3, 64, 2, 3, 1], [4, 0, 3, 3, -1],
      ])
    #expect(plan.arenaBytes == 128)
    #expect(plan.lowerBoundBytes == 128)
    #expect(overlaps(in: plan).isEmpty)
    let requests = try bufferRequests(for: g.graph, aliases: [c: b, d: c])
    #expect(
      requests.map { [$0.id, $0.bytes, $0.firstStep, $0.lastStep] } == [
        [0, 64, 0, 0], [1, 64, 0, 3], [4, 32, 3, 3],
      ])
  }

  /// op0 writes b and t; nothing reads t and it is not a graph output, but
  /// op0 still writes it, so it holds bytes at step 0. Order: t(80) 0,
  /// b(48) 80, a(32) 128, c(16, step 1) in the hole under b at 0.
  @Test func neverReadOutputOccupiesItsProducerStep() throws {
    var g = GraphBuilder()
    let a = g.input("a", bytes: 32)
    let b = g.tensor("b", bytes: 48)
    let t = g.tensor("t", bytes: 80)
    g.operators.append(Operator(kind: .other("SPLIT"), inputs: [a], outputs: [b, t]))
    let c = g.op(.conv2D, [b], "c", bytes: 16)
    g.outputs = [c]
    let plan = try planMemory(g.graph)
    #expect(
      plan.rows == [[0, 128, 0, 0, -1], [1, 80, 0, 1, -1], [2, 0, 0, 0, -1], [3, 0, 1, 1, -1]])
    #expect(plan.arenaBytes == 160)
    #expect(plan.lowerBoundBytes == 160)
  }

  /// A graph output read later stays alive to the last step (the caller
  /// reads it after the final op); constants get no buffer, nor do variables
  /// (they live in the state buffer beside the arena).
  @Test func outputsInTheMiddleLiveToTheEndAndConstantsTakeNoArena() throws {
    var g = GraphBuilder()
    let x = g.input("x", bytes: 16)
    let w = g.tensor("w", bytes: 1000, constant: true)
    let state = g.tensor("state", bytes: 32)
    g.tensors[state].isVariable = true
    let y = g.op(.fullyConnected, [x, w, state], "y", bytes: 16)
    let z = g.op(.logistic, [y], "z", bytes: 16)
    let out = g.op(.logistic, [z], "out", bytes: 16)
    g.outputs = [y, out]
    let lifetimes = try tensorLifetimes(in: g.graph)
    #expect(
      lifetimes.map { [$0.tensor, $0.firstStep, $0.lastStep] } == [
        [x, 0, 0], [y, 0, 2], [z, 1, 2], [out, 2, 2],
      ])
  }

  /// A permuted execution order moves the steps: with op1 and op0 swapped
  /// (they are independent), b is written at step 1 and c at step 0.
  @Test func lifetimesFollowTheExecutionOrder() throws {
    var g = GraphBuilder()
    let a = g.input("a", bytes: 16)
    let b = g.op(.conv2D, [a], "b", bytes: 16)
    let c = g.op(.conv2D, [a], "c", bytes: 16)
    let d = g.op(.add, [b, c], "d", bytes: 16)
    g.outputs = [d]
    let lifetimes = try tensorLifetimes(in: g.graph, order: [1, 0, 2])
    #expect(
      lifetimes.map { [$0.tensor, $0.firstStep, $0.lastStep] } == [
        [a, 0, 1], [b, 1, 2], [c, 0, 2], [d, 2, 2],
      ])
    #expect(try planMemory(g.graph, order: [1, 0, 2]).order == [1, 0, 2])
  }

  /// At step 1 two holes fit x(100): [0, 400) and [700, 820). First fit (as
  /// TFLM) would take 0; best fit takes the tighter 700 and keeps the big
  /// hole. Placement: p2 0, p0 0, k1 400 (over p0), k2 820 (over p2), x 700.
  @Test func bestFitTakesTheTightestHole() {
    let requests = [
      BufferRequest(id: 0, name: "p0", bytes: 400, firstStep: 0, lastStep: 0),
      BufferRequest(id: 1, name: "p2", bytes: 820, firstStep: 2, lastStep: 2),
      BufferRequest(id: 2, name: "k1", bytes: 300, firstStep: 0, lastStep: 1),
      BufferRequest(id: 3, name: "k2", bytes: 200, firstStep: 1, lastStep: 2),
      BufferRequest(id: 4, name: "x", bytes: 100, firstStep: 1, lastStep: 1),
    ]
    let layout = assignOffsets(requests, alignment: 4, orders: [.bySize])
    #expect(layout.placements.map(\.offset) == [0, 0, 400, 820, 700])
    #expect(layout.arenaBytes == 1020)
    #expect(lowerBound(of: requests, alignment: 4) == 1020)
    #expect(overlaps(in: layout).isEmpty)
  }

  /// A chain t0..t3 of 100, 60, 50, 90 bytes, each alive at two steps.
  /// Largest first puts t0 and t3 both at 0 (they never meet), t1 on t0 at
  /// 100, and then t2, which meets t1 and t3, finds no hole: 160, arena 210.
  /// In execution order: t0 0, t1 100, t2 in the hole under t1 at 0, t3 on
  /// t2 at 50 — the lower bound, 160, so that order wins.
  @Test func theSmallestOfTheOrdersWins() {
    let requests = [100, 60, 50, 90].enumerated().map { step, bytes in
      BufferRequest(id: step, name: "t\(step)", bytes: bytes, firstStep: step, lastStep: step + 1)
    }
    let bySize = assignOffsets(requests, alignment: 2, orders: [.bySize], searchNodes: 0)
    #expect(bySize.placements.map(\.offset) == [0, 100, 160, 0])
    #expect(bySize.arenaBytes == 210)
    let best = assignOffsets(requests, alignment: 2, searchNodes: 0)
    #expect(best.order == .byStart)
    #expect(best.placements.map(\.offset) == [0, 100, 0, 50])
    #expect(best.arenaBytes == 160)
    #expect(lowerBound(of: requests, alignment: 2) == 160)
  }

  /// Alignment rounds the sizes the planner reserves and the offsets.
  /// All three round to 8; ties go by first step, then id: a 0, c 8, b 16.
  @Test func unalignedSizesGetAlignedOffsets() {
    let requests = [
      BufferRequest(id: 0, name: "a", bytes: 3, firstStep: 0, lastStep: 1),
      BufferRequest(id: 1, name: "b", bytes: 5, firstStep: 1, lastStep: 2),
      BufferRequest(id: 2, name: "c", bytes: 1, firstStep: 0, lastStep: 2),
    ]
    let layout = assignOffsets(requests, alignment: 8)
    #expect(layout.placements.map(\.offset) == [0, 16, 8])
    #expect(layout.placements.map(\.end) == [8, 24, 16])
    #expect(layout.arenaBytes == 24)
    #expect(lowerBound(of: requests, alignment: 8) == 24)
    #expect(lowerBound(of: requests, alignment: 1) == 9)
  }

  /// The checker must be able to fail: a live tensor moved onto another's
  /// bytes is reported; alias members sharing bytes are not.
  @Test func overlapCheckerReportsCollisions() throws {
    var g = GraphBuilder()
    let a = g.input("a", bytes: 64)
    let b = g.op(.conv2D, [a], "b", bytes: 64)
    let c = g.op(.reshape, [b], "c", bytes: 64)
    let d = g.op(.conv2D, [c], "d", bytes: 64)
    g.outputs = [d]
    var plan = try planMemory(g.graph, aliases: [c: b])
    #expect(overlaps(in: plan).isEmpty)
    // a (step 0) lands on b; d (step 2) lands on c.
    plan.tensors[a].offset = plan.tensors[b].offset + 8
    plan.tensors[d].offset = plan.tensors[c].offset
    #expect(overlaps(in: plan).map { [$0.0, $0.1] } == [[a, b], [c, d]])
  }

  @Test func emptyGraphPlansAnEmptyArena() throws {
    let graph = Graph(name: "empty", tensors: [], operators: [], inputs: [], outputs: [])
    let plan = try planMemory(graph)
    #expect(plan.arenaBytes == 0)
    #expect(plan.lowerBoundBytes == 0)
    #expect(plan.tensors.isEmpty)
  }
}
