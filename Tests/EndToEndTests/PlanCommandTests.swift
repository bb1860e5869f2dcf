import EdgeTargets
import Foundation
import Testing

/// `edgec plan`: the summary's numbers, the TFLM comparison, the picture,
/// and errors.
@Suite struct PlanCommandTests {
  let model = Fixture.root.appendingPathComponent("net_resnet_int8/model.tflite").path

  func edgec(_ arguments: [String]) throws -> ProcessResult {
    try ProcessRunner.run(CommandLineTests.edgec, arguments)
  }

  /// net_resnet_int8 on the STM32F746 (4-byte alignment): its two residual
  /// ADDs fuse into the convolutions that produce them (11 ops → 9) and
  /// write over their skip tensors, so the peak is two 1,152-byte feature
  /// maps (2,304 B) instead of three (3,456 B), the stored order already the
  /// least, packed without a gap; against a baseline of 4,000 B, 42.4% less.
  @Test func jsonSummaryAgainstABaseline() throws {
    let dir = try ScratchDirectory(prefix: "edgec-plan")
    defer { dir.remove() }
    let baseline = "\(dir.path)/tflm.json"
    try Data(#"{"_about": "test", "model.tflite": {"arena_bytes": 4000}}"#.utf8)
      .write(to: URL(fileURLWithPath: baseline))
    let svg = "\(dir.path)/plan.svg"
    let arguments = [
      "plan", model, "--target", "stm32f746", "--json", "--baseline", baseline, "--svg", svg,
    ]
    let result = try edgec(arguments)
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(json["arena_bytes"] as? Int == 2304)
    #expect(json["lower_bound_bytes"] as? Int == 2304)
    #expect(json["fragmentation_bytes"] as? Int == 0)
    #expect(json["schedule"] as? String == "exact")
    #expect(json["stored_arena_bytes"] as? Int == 2304)
    #expect(json["tflm_arena_bytes"] as? Int == 4000)
    #expect(json["saving_percent"] as? Double == 42.4)
    let plan = try #require(json["plan"] as? [String: Any])
    #expect(plan["alignment"] as? Int == 4)
    #expect(plan["order"] as? [Int] == Array(0..<9))

    // One box per buffer (tensors sharing a buffer share a box); the same
    // bytes on a second run.
    let tensors = try #require(plan["tensors"] as? [[String: Any]])
    let buffers = Set(tensors.map { ($0["alias_of"] as? Int) ?? ($0["tensor"] as? Int ?? -1) })
    let picture = try String(contentsOfFile: svg, encoding: .utf8)
    #expect(picture.components(separatedBy: "<rect class=\"buffer\"").count - 1 == buffers.count)
    #expect(picture.contains("model: arena 2,304 B, 42.4% below TFLM's 4,000 B"))
    #expect(try edgec(arguments).status == 0)
    #expect(try String(contentsOfFile: svg, encoding: .utf8) == picture)
  }

  @Test func missingBaselineIsSaidNotFatal() throws {
    let result = try edgec(["plan", model, "--baseline", "/nonexistent/tflm.json"])
    #expect(result.status == 0)
    #expect(
      result.stdout.contains(
        "  TFLM arena          unknown: no baseline file at /nonexistent/tflm.json\n"))
    #expect(result.stdout.contains("  arena (peak)        2,304 B\n"))
    #expect(result.stdout.contains("  passes              fuse-residual-add ×2\n"))
    #expect(result.stdout.contains("  fragmentation       0 B (placed by size)\n"))
  }

  @Test func unknownTargetIsOneLineError() throws {
    let result = try edgec(["plan", model, "--target", "nope"])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("error: invalid input: unknown target 'nope'"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }
}
