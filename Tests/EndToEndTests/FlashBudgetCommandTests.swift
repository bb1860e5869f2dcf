import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// `--flash-budget BYTES` on the command line: the summary of what it chose
/// on stderr, the weights in report.json, and the flags it needs.
@Suite struct FlashBudgetCommandTests {
  let digits = FlashBudgetTests.digits

  func edgec(_ arguments: [String]) throws -> ProcessResult {
    try ProcessRunner.run(CommandLineTests.edgec, arguments)
  }

  @Test func compileFitsTheBudgetAndSaysWhatItChose() throws {
    let dir = try ScratchDirectory(prefix: "edgec-flash-budget")
    defer { dir.remove() }
    let x = digits.appendingPathComponent("x_calib.npy").path
    let result = try edgec([
      "compile", digits.appendingPathComponent("cnn_float.tflite").path, "--target", "host", "--quantize", "int8",
      "--calibration", x, "--flash-budget", "5000", "--no-measure-code", "-o", dir.path,
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stderr.split(separator: "\n").map(String.init)
    let start = try #require(lines.firstIndex { $0.hasPrefix("flash budget") }, "\(result.stderr)")
    #expect(lines[start].hasPrefix("flash budget 5000 B for weights: whole and int8 they are 14080 B at 41.31 dB"))
    #expect(lines[start + 1].hasPrefix("  op 1 (CONV_2D): rank 14 + int4 weights, saves 3376 B"), "\(result.stderr)")
    #expect(lines[start + 2].hasPrefix("  op 4 (FULLY_CONNECTED): rank 12, saves 5888 B"), "\(result.stderr)")
    #expect(lines[start + 3].hasPrefix("  -> 4816 B at "), "\(result.stderr)")
    // The low-rank layers it chose, with their SQNR on the calibration data.
    #expect(lines.contains { $0.hasPrefix("  op 1 CONV_2D 32x144: rank 14, 18,560 -> 9,984 bytes") }, "\(result.stderr)")
    let data = try #require(FileManager.default.contents(atPath: "\(dir.path)/report.json"))
    let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(report["weights_bytes"] as? Int == 4_808)
    let compression = try #require(report["compression"] as? [String: Any])
    let budget = try #require(compression["flash_budget"] as? [String: Any])
    #expect(budget["budget_bytes"] as? Int == 5_000 && budget["weights_bytes"] as? Int == 4_816)
    let layers = try #require(budget["layers"] as? [[String: Any]])
    #expect(layers.map { $0["op"] as? Int } == [1, 4] && layers.map { $0["weights"] as? String } == ["int4", "int8"])
    let lowRank = try #require(compression["low_rank"] as? [[String: Any]])
    #expect(lowRank.compactMap { $0["rank"] as? Int } == [14, 12])
    #expect(lowRank.compactMap { $0["sqnr_on"] as? String } == ["calibration inputs", "calibration inputs"])
  }

  @Test func budgetNeedsQuantizeAndChoosesTheRanksItself() throws {
    let model = digits.appendingPathComponent("cnn_float.tflite").path
    let x = digits.appendingPathComponent("x_calib.npy").path
    let alone = try edgec(["compile", model, "--flash-budget", "15000", "--no-measure-code", "-o", "/nonexistent/never"])
    #expect(alone.status == 1 && alone.stderr.contains("--flash-budget needs --quantize int8"), "\(alone.stderr)")
    let lowRank = try edgec([
      "compile", model, "--quantize", "int8", "--calibration", x, "--low-rank", "rank=4", "--flash-budget", "15000",
      "--no-measure-code", "-o", "/nonexistent/never",
    ])
    #expect(lowRank.status == 1 && lowRank.stderr.contains("leave out --low-rank"), "\(lowRank.stderr)")
    let zero = try edgec([
      "compile", model, "--quantize", "int8", "--calibration", x, "--flash-budget", "0", "--no-measure-code", "-o",
      "/nonexistent/never",
    ])
    #expect(zero.status == 1 && zero.stderr.contains("a budget is a positive number of bytes"), "\(zero.stderr)")
  }
}
