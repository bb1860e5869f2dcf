import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// `--flash-budget BYTES` on the command line: the summary of what it chose
/// on stderr, the weights in report.json, and the flags it needs.
@Suite struct FlashBudgetCommandTests {
  let fixture = Fixture.root.appendingPathComponent("net_dscnn_f32")

  func edgec(_ arguments: [String]) throws -> ProcessResult {
    try ProcessRunner.run(CommandLineTests.edgec, arguments)
  }

  @Test func compileFitsTheBudgetAndSaysWhatItChose() throws {
    let dir = try ScratchDirectory(prefix: "edgec-flash-budget")
    defer { dir.remove() }
    let x = fixture.appendingPathComponent("x.npy").path
    let result = try edgec([
      "compile", fixture.appendingPathComponent("model.tflite").path, "--target", "host", "--quantize", "int8",
      "--calibration", x, "--flash-budget", "15000", "--no-measure-code", "-o", dir.path,
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let summary = result.stderr.split(separator: "\n").filter { $0.hasPrefix("flash budget") || $0.hasPrefix("  op ") }
    #expect(summary.count == 5, "\(result.stderr)")
    #expect(summary.first?.hasPrefix("flash budget 15000 B for weights: all int8 is 19184 B at 33.18 dB") == true)
    #expect(summary.last?.hasPrefix("  op 4 (CONV_2D): int4 weights, saves 2048 B -> 13520 B, SQNR ") == true)
    let data = try #require(FileManager.default.contents(atPath: "\(dir.path)/report.json"))
    let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(report["weights_bytes"] as? Int == 13_520)
  }

  @Test func budgetNeedsQuantizeAndChoosesTheWidthItself() throws {
    let model = fixture.appendingPathComponent("model.tflite").path
    let x = fixture.appendingPathComponent("x.npy").path
    let alone = try edgec(["compile", model, "--flash-budget", "15000", "--no-measure-code", "-o", "/nonexistent/never"])
    #expect(alone.status == 1 && alone.stderr.contains("--flash-budget needs --quantize int8"), "\(alone.stderr)")
    let width = try edgec([
      "compile", model, "--quantize", "int8", "--calibration", x, "--weights", "int4", "--flash-budget", "15000",
      "--no-measure-code", "-o", "/nonexistent/never",
    ])
    #expect(width.status == 1 && width.stderr.contains("leave out --weights int4"), "\(width.stderr)")
    let zero = try edgec([
      "compile", model, "--quantize", "int8", "--calibration", x, "--flash-budget", "0", "--no-measure-code", "-o",
      "/nonexistent/never",
    ])
    #expect(zero.status == 1 && zero.stderr.contains("a budget is a positive number of bytes"), "\(zero.stderr)")
  }
}
