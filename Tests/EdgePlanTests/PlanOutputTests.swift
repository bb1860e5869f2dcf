import EdgeCore
import Testing

@testable import EdgePlan

/// plan.json and the `--print-plan` chart, byte for byte.
struct PlanOutputTests {
  /// The residual diamond of PlannerTests (c now 500 bytes, reserved as
  /// 512) plus e, a RESHAPE view of d, and a name that needs escaping.
  func diamondPlan() throws -> MemoryPlan {
    var g = GraphBuilder()
    let a = g.input("a", bytes: 256)
    let b = g.op(.conv2D, [a], "b", bytes: 512)
    let c = g.op(.conv2D, [b], "c", bytes: 500)
    let d = g.op(.add, [a, c], "d \"sum\"", bytes: 256)
    let e = g.op(.reshape, [d], "e", bytes: 256)
    g.outputs = [e]
    return try planMemory(g.graph, aliases: [e: d])
  }

  @Test func planJSON() throws {
    let entries = [
      ("a", 0, 256, 1024, 0, 2, "null"), ("b", 1, 512, 0, 0, 1, "null"),
      ("c", 2, 500, 512, 1, 2, "null"), ("d \\\"sum\\\"", 3, 256, 0, 2, 3, "null"),
      ("e", 4, 256, 0, 3, 3, "3"),
    ].map { name, tensor, bytes, offset, first, last, alias in
      """
          {
            "name": "\(name)",
            "tensor": \(tensor),
            "bytes": \(bytes),
            "offset": \(offset),
            "first_op": \(first),
            "last_op": \(last),
            "alias_of": \(alias)
          }
      """
    }
    let expected = """
      {
        "model": "diamond",
        "arena_bytes": 1280,
        "lower_bound_bytes": 1280,
        "fragmentation_bytes": 0,
        "scratch_tail_bytes": 0,
        "alignment": 16,
        "schedule": "stored",
        "placement": "size",
        "order": [0, 1, 2, 3],
        "tensors": [
      \(entries.joined(separator: ",\n"))
        ],
        "scratch": []
      }

      """
    #expect(try diamondPlan().json(model: "diamond") == expected)
  }

  /// A scheduled plan says how its order was chosen, and the order.
  @Test func planJSONNamesTheSchedule() throws {
    var g = GraphBuilder()
    let x = g.input("x", bytes: 16)
    let a = g.op(.conv2D, [x], "a", bytes: 160)
    let b = g.op(.conv2D, [x], "b", bytes: 160)
    let a2 = g.op(.conv2D, [a], "a2", bytes: 16)
    let b2 = g.op(.conv2D, [b], "b2", bytes: 16)
    g.outputs = [g.op(.add, [a2, b2], "c", bytes: 16)]
    let plan = try planScheduledMemory(g.graph)
    let lines = plan.json(model: "m").split(separator: "\n").prefix(9).map(String.init)
    #expect(plan.order == [0, 2, 1, 3, 4])
    #expect(
      lines == [
        "{", "  \"model\": \"m\",", "  \"arena_bytes\": 192,", "  \"lower_bound_bytes\": 192,",
        "  \"fragmentation_bytes\": 0,", "  \"scratch_tail_bytes\": 0,", "  \"alignment\": 16,",
        "  \"schedule\": \"exact\",", "  \"placement\": \"size\",",
      ])
    #expect(try planMemory(g.graph).lowerBoundBytes == 336)  // x + a + b at step 1
    #expect(try planMemory(g.graph, order: [0, 2, 1, 3, 4]).schedule == .given)
  }

  /// 16 columns of 80 bytes: b fills 0-511, c 512-1023 (500 bytes, 512
  /// reserved), a 1024-1279; d and its view e share 0-255.
  @Test func asciiChart() throws {
    let expected = """
      arena 1280 B, lower bound 1280 B (1.000x), alignment 16 B, placed by size
        a  tensor 0 'a' 256 B at 1024, steps 0-2
        b  tensor 1 'b' 512 B at 0, steps 0-1
        c  tensor 2 'c' 500 B at 512, steps 1-2
        d  tensor 3 'd "sum"' 256 B at 0, steps 2-3
        d  tensor 4 'e' 256 B at 0, steps 3-3, alias of tensor 3
        step  op  0               1280
           0   0 |bbbbbbb.....aaaa| 768 B
           1   1 |bbbbbbcccccccaaa| 1280 B
           2   2 |dddd..cccccccaaa| 1024 B
           3   3 |dddd............| 256 B

      """
    #expect(try diamondPlan().chart(width: 16) == expected)
  }

  /// A broken plan shows its collision as `!` where the two buffers meet.
  @Test func chartMarksCollisions() throws {
    var plan = try diamondPlan()
    plan.tensors[0].offset = 480  // a now runs into b at step 0
    let rows = plan.chart(width: 16).split(separator: "\n").filter { $0.contains("|") }
    #expect(rows[0] == "     0   0 |bbbbbb!aaa......| 768 B")
  }
}
