import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// The default `--flash-budget`: with --quantize int8 and no budget, a model
/// whose int8 weights and code overflow the target's flash has its weights
/// fitted to the flash minus the code (measured with the target's compiler,
/// the int4 kernels included), and a model that fits is left as int8.
@Suite struct FlashBudgetDefaultTests {
  let digits = FlashBudgetTests.digits

  /// A copy of the target files with `tiny-flash`: the STM32F746 with a
  /// flash of `flash` bytes.
  func targets(flash: Int) throws -> ScratchDirectory {
    let dir = try ScratchDirectory(prefix: "edgec-targets")
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Targets")
    try FileManager.default.removeItem(atPath: dir.path)
    try FileManager.default.copyItem(at: source, to: URL(fileURLWithPath: dir.path))
    let f746 = try String(contentsOf: source.appendingPathComponent("stm32f746.json"), encoding: .utf8)
    let tiny = f746.replacingOccurrences(of: "\"name\": \"stm32f746\"", with: "\"name\": \"tiny-flash\"")
      .replacingOccurrences(of: "\"size\": 1048576, \"kind\": \"flash\"", with: "\"size\": \(flash), \"kind\": \"flash\"")
    #expect(tiny.contains("\"size\": \(flash), \"kind\": \"flash\""))
    try tiny.write(toFile: "\(dir.path)/tiny-flash.json", atomically: true, encoding: .utf8)
    return dir
  }

  func compile(flash: Int, into out: ScratchDirectory) throws -> (ProcessResult, [String: Any]?) {
    let dir = try targets(flash: flash)
    defer { dir.remove() }
    let result = try ProcessRunner.run(
      "/usr/bin/env",
      [
        "EDGEC_TARGETS_DIR=\(dir.path)", CommandLineTests.edgec, "compile",
        digits.appendingPathComponent("cnn_float.tflite").path, "--target", "tiny-flash", "--quantize", "int8",
        "--calibration", digits.appendingPathComponent("x_calib.npy").path, "-o", out.path,
      ])
    let data = FileManager.default.contents(atPath: "\(out.path)/report.json")
    return (result, data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] })
  }

  /// The flash one byte short of the int8 model's weights and code (both
  /// measured, as compile reports them on the real STM32F746).
  @Test func overflowingInt8IsFittedToFlashMinusCode() throws {
    let out = try ScratchDirectory(prefix: "edgec-default-budget")
    defer { out.remove() }
    let (plain, plainReport) = try compile(flash: 1_048_576, into: out)
    #expect(plain.status == 0, "\(plain.stderr)")
    let int8Weights = try #require(plainReport?["weights_bytes"] as? Int)
    let int8Code = try #require(plainReport?["code_bytes_estimate"] as? Int)
    let flash = int8Weights + int8Code - 1
    let (result, report) = try compile(flash: flash, into: out)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("overflow tiny-flash's \(flash) B of flash: fitting the weights to"), "\(result.stderr)")
    let r = try #require(report)
    let weights = try #require(r["weights_bytes"] as? Int)
    let code = try #require(r["code_bytes_estimate"] as? Int)
    #expect(weights < int8Weights && weights + code <= flash, "weights \(weights), code \(code), flash \(flash)")
    let budget = try #require((r["compression"] as? [String: Any])?["flash_budget"] as? [String: Any])
    #expect((budget["budget_bytes"] as? Int).map { $0 + code <= flash } == true)
  }

  @Test func int8ThatFitsIsLeftAlone() throws {
    let out = try ScratchDirectory(prefix: "edgec-default-budget")
    defer { out.remove() }
    let (result, report) = try compile(flash: 1_048_576, into: out)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!result.stderr.contains("flash budget") && !result.stderr.contains("overflow"), "\(result.stderr)")
    #expect(report?["weights_bytes"] as? Int == 14_072)
    #expect((report?["compression"] as? [String: Any])?["flash_budget"] == nil)
  }
}
