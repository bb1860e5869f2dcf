import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// Baselines: both file spellings, the comparison's verdicts, the markdown
/// table, and `edgec size --baseline` exit codes.
@Suite struct SizeBaselineTests {
  /// A report with flash_total 10,000 (weights 6,000, kernels 3,000, glue
  /// 1,000), arena 2,000 and a stack of 1,000: ram_total 3,000.
  static let report = SizeReport(
    name: "m", models: ["m"], target: "t", method: "test",
    categories: [
      .weights: SizeBreakdown(rodata: 6000), .kernels: SizeBreakdown(text: 3000),
      .glue: SizeBreakdown(text: 400, rodata: 600), .arena: SizeBreakdown(bss: 2000),
    ],
    stackBytes: 1000, flashCapacity: nil, ramCapacity: nil)

  func baseline(_ json: String) throws -> SizeBaseline {
    try SizeBaseline(data: Data(json.utf8), file: "sizes.json")
  }

  @Test func figuresAreTheSixComparedNumbers() {
    #expect(Self.report.figures.map(\.0) == ["flash_total", "weights", "kernels", "glue", "ram_total", "arena"])
    #expect(Self.report.figures.map(\.1) == [10000, 6000, 3000, 1000, 3000, 2000])
  }

  @Test func readsJSONOutputAndHandWrittenMaps() throws {
    let written = try baseline(SizeReport.json([Self.report]).rendered())
    #expect(written.entries["m"] == ["flash_total": 10000, "weights": 6000, "kernels": 3000, "glue": 1000, "ram_total": 3000, "arena": 2000])
    let hand = try baseline(#"{"_about": "comment", "m": {"flash_total": 9, "target": "t", "ratio": 0.5, "ok": true}}"#)
    #expect(hand.entries == ["m": ["flash_total": 9]])
    for bad in ["[1, 2]", "{\"m\": 3}", "not json", ""] {
      #expect(throws: EdgeError.self, "\(bad)") { try baseline(bad) }
    }
  }

  @Test func growthBeyondTheToleranceIsARegressionAndShrinkingIsNot() throws {
    // flash +1.0%, weights unchanged, kernels +0.47% (under the 0.5%), glue
    // -10%, ram_total +1 byte, arena not in the baseline.
    let base = try baseline(#"{"m": {"flash_total": 9901, "weights": 6000, "kernels": 2986, "glue": 1111, "ram_total": 2999}}"#)
    let comparison = SizeComparison([Self.report], baseline: base, tolerancePercent: 0.5)
    #expect(comparison.rows.map(\.status) == [.regression, .unchanged, .withinTolerance, .improvement, .withinTolerance, .noBaseline])
    #expect(comparison.regressions.map(\.figure) == ["flash_total"])
    #expect(
      comparison.markdown(baselineName: "sizes.json") == """
        **edgec size** against `sizes.json`: 1 figure grew beyond the 0.5% tolerance.

        | build | figure | baseline | now | change | change % | status |
        |:--|:--|--:|--:|--:|--:|:--|
        | m | flash total | 9,901 | 10,000 | +99 | +1.0% | **regression** |
        | m | weights | 6,000 | 6,000 | 0 | 0.0% | unchanged |
        | m | kernels | 2,986 | 3,000 | +14 | +0.5% | grew, within tolerance |
        | m | glue | 1,111 | 1,000 | -111 | -10.0% | improvement |
        | m | ram total | 2,999 | 3,000 | +1 | +0.0% | grew, within tolerance |
        | m | arena | – | 2,000 | – | – | new (no baseline) |

        """)
    let strict = SizeComparison([Self.report], baseline: base, tolerancePercent: 0)
    #expect(strict.regressions.map(\.figure) == ["flash_total", "kernels", "ram_total"])
    let zero = SizeComparison([Self.report], baseline: try baseline(#"{"m": {"glue": 0}}"#), tolerancePercent: 50)
    #expect(zero.rows[3].status == .regression, "growth from nothing exceeds any percentage")
  }
}

/// `edgec size` as CI runs it.
@Suite struct SizeCommandTests {
  static let edgec: String = {
    let dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
    let beside = dir.appendingPathComponent("edgec").path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    return SizeAttributionTests.repository.appendingPathComponent(".build/debug/edgec").path
  }()

  func edgec(_ arguments: [String]) throws -> ProcessResult { try ProcessRunner.run(Self.edgec, arguments) }

  @Test func baselineExitCodesAndTheMarkdownTable() throws {
    let dir = try ScratchDirectory(prefix: "edgec-size-cli")
    defer { dir.remove() }
    let model = SizeAttributionTests.repository.appendingPathComponent("Examples/models/kws_dscnn_int8.tflite").path
    let build = "\(dir.path)/kws"
    let compiled = try edgec(["compile", model, "--target", "stm32f746", "-o", build, "--no-measure-code"])
    try #require(compiled.status == 0, "\(compiled.stderr)")
    let measured = try edgec(["size", build, "--json"])
    try #require(measured.status == 0, "\(measured.stderr)")
    let now = try SizeBaseline(data: Data(measured.stdout.utf8), file: "stdout").entries
    let flash = try #require(now["kws_dscnn_int8"]?["flash_total"])
    func check(flashBaseline: Int, tolerance: String) throws -> ProcessResult {
      var figures = try #require(now["kws_dscnn_int8"])
      figures["flash_total"] = flashBaseline
      let path = "\(dir.path)/sizes.json"
      let body = figures.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
      FileManager.default.createFile(atPath: path, contents: Data("{\"kws_dscnn_int8\": {\(body)}}".utf8))
      return try edgec(["size", build, "--baseline", path, "--tolerance", tolerance])
    }
    // The same figures: exit 0.
    let same = try check(flashBaseline: flash, tolerance: "0")
    #expect(same.status == 0, "\(same.stderr)")
    #expect(same.stdout.contains("| kws_dscnn_int8 | flash total | \(grouped(flash)) | \(grouped(flash)) | 0 | 0.0% | unchanged |"))
    // Flash grew by 2% over a 1% tolerance: exit 1 and the regression row.
    let smaller = flash * 100 / 102
    let grew = try check(flashBaseline: smaller, tolerance: "1")
    #expect(grew.status == 1)
    #expect(grew.stdout.contains("| build | figure | baseline | now | change | change % | status |"), "\(grew.stdout)")
    #expect(grew.stdout.contains("| kws_dscnn_int8 | flash total | \(grouped(smaller)) | \(grouped(flash)) | +\(grouped(flash - smaller)) |"))
    #expect(grew.stdout.contains("**regression**"))
    #expect(grew.stderr.contains("error: size regression beyond the tolerance: kws_dscnn_int8 flash_total"), "\(grew.stderr)")
    // The same growth within a 3% tolerance: exit 0.
    let within = try check(flashBaseline: smaller, tolerance: "3")
    #expect(within.status == 0, "\(within.stderr)")
    #expect(within.stdout.contains("grew, within tolerance"))
    // Usage errors exit 64.
    #expect(try edgec(["size", build, "--tolerance", "1"]).status == 64)
    #expect(try edgec(["size", build, "--baseline", "x.json", "--tolerance", "-1"]).status == 64)
    // A directory that is not a build, and a file that is not an ELF: one error line, exit 1.
    for path in [dir.path, model] {
      let bad = try edgec(["size", path])
      #expect(bad.status == 1 && bad.stderr.hasPrefix("error: invalid input"), "\(bad.stderr)")
    }
  }

  func grouped(_ n: Int) -> String {
    let digits = String(n)
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return out
  }
}
