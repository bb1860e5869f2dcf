import EdgeCodegen
import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// Issue 6, item 5: the ≥ 200k-parameter ViT (vit_4block_int8: 4 blocks,
/// 207,946 parameters, GELU) compiles for the STM32F746 within its SRAM
/// (320 KB less the stack reserve) and flash (1 MB), and runs on an emulated
/// Cortex-M7 bit-exact with LiteRT's reference kernels (TFLM has no GELU),
/// without low rank. Every input row of the fixture.
@Suite struct ViTProofTests {
  @Test func fourBlockViTFitsTheF746AndRunsBitExactOnCortexM7() throws {
    let fixture = try #require(Fixture.all.first { $0.name == "vit_4block_int8" }, "fixture vit_4block_int8 is missing")
    #expect(fixture.rounding == .litert)
    let graph = try fixture.graph()
    let catalog = try TargetCatalog()
    let f746 = try catalog.load("stm32f746")
    let report = try compile(graph, for: f746, options: CompileOptions(rounding: .litert)).report
    #expect(report.peakSRAMBytes <= f746.sramBudgetBytes, "\(report.peakSRAMBytes) B of SRAM")
    #expect(report.weightsBytes + report.code.bytes <= f746.flashBytes)

    let batch = try InputBatch(try fixture.inputs(), for: graph, names: fixture.inputFiles)
    let run = try runOnTarget(
      graph, target: try catalog.load("mps2-an500"), batch: batch, catalog: catalog,
      options: TargetRunOptions(rounding: .litert))
    #expect(run.exact && run.instructions.count == batch.records)
    #expect(run.outputs.map(\.bytes) == (try fixture.litertOutputs()).map(\.bytes))
  }
}
