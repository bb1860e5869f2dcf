import EdgeCodegen
import EdgeCore
import EdgePasses
import EdgeReference
import EdgeTargets
import Foundation
import Testing

/// Patch-based inference under --sram-budget: the banded model computes what
/// TFLM computes, bit for bit, on the host and under QEMU; the budget picks
/// the cheapest split that fits or names the least arena it reached.
@Suite struct MemoryBudgetTests {
  func fixture(_ name: String) throws -> Fixture {
    try #require(Fixture.all.first { $0.name == name }, "fixture \(name) is missing")
  }

  /// Every split of the stage into bands computes the same bytes as the
  /// unbanded graph in the reference interpreter.
  @Test(arguments: ["net_mobilenetv2_int8", "net_dscnn_int8", "net_resnet_int8"])
  func everyBandSplitComputesTheSameBytes(_ name: String) throws {
    let f = try fixture(name)
    let graph = try PassManager.standard.run(try f.graph()).graph
    let reference = try ReferenceInterpreter(graph: graph)
    let xs = try f.inputs()
    let depth = PatchStage.stage(of: graph).count
    #expect(depth >= 1)
    for layers in 1...min(depth, 4) {
      for bands in [2, 3, 7] {
        let (banded, rewrites) = try PatchStage(layers: layers, bands: bands).run(on: graph)
        #expect(rewrites == 1)
        try verify(banded)
        let interpreter = try ReferenceInterpreter(graph: banded)
        for r in 0..<3 {
          let inputs = graph.inputs.enumerated().map { k, id in row(xs[k], r, shape: graph.tensors[id].shape) }
          #expect(try interpreter.run(inputs) == reference.run(inputs), "\(name): \(layers) layers in \(bands) bands")
        }
      }
    }
  }

  @Test func aTightBudgetBandsTheFirstStageAndStaysBitExact() throws {
    let f = try fixture("net_mobilenetv2_int8")
    let graph = try f.graph()
    var host = try TargetCatalog().load("host")
    host.tensorAlignment = 4
    let free = try compile(graph, for: host, options: CompileOptions(measureCode: false))
    #expect(free.report.patches == nil)
    var options = CompileOptions(measureCode: false)
    options.sramBudget = free.plan.arenaBytes * 3 / 4
    let banded = try compile(graph, for: host, options: options)
    let patches = try #require(banded.report.patches)
    #expect(banded.plan.arenaBytes <= free.plan.arenaBytes * 3 / 4)
    #expect(patches.extraMACs > 0 && patches.extraMACs == banded.report.macs - free.report.macs)
    let batch = try InputBatch(try f.inputs(), for: graph, names: f.inputFiles)
    let outputs = try simulateOnHost(banded, batch: batch, target: host)
    #expect(outputs.map(\.bytes) == (try f.tflmOutputs()).map(\.bytes))
  }

  @Test func anImpossibleBudgetNamesTheLeastArenaReached() throws {
    let graph = try fixture("net_mobilenetv2_int8").graph()
    var options = CompileOptions(measureCode: false)
    options.sramBudget = 1000
    #expect {
      _ = try compile(graph, for: try TargetCatalog().load("host"), options: options)
    } throws: { error in
      guard let e = error as? EdgeError, e.kind == .doesNotFit else { return false }
      return e.message.contains("needs at least") && e.message.contains("the --sram-budget is 1000 bytes")
        && e.message.contains("row bands")
    }
  }

  @Test func bandedFirmwareIsBitExactUnderQEMU() throws {
    let f = try fixture("net_mobilenetv2_int8")
    let graph = try f.graph()
    let catalog = try TargetCatalog()
    let board = try catalog.load("mps2-an500")
    let free = try compile(graph, for: board, options: CompileOptions(measureCode: false))
    var options = TargetRunOptions()
    options.sramBudget = free.plan.arenaBytes * 3 / 4
    let batch = try InputBatch(try f.inputs(), for: graph, names: f.inputFiles)
    let result = try runOnTarget(graph, target: board, batch: batch, catalog: catalog, options: options)
    #expect(result.outputs.map(\.bytes) == (try f.tflmOutputs()).map(\.bytes))
  }

  /// Every fixture whose first stage can run in bands, squeezed just below
  /// its free arena: either bands that fit and still give TFLM's bytes, or a
  /// does-not-fit error — never a crash or a wrong answer.
  @Test(arguments: Fixture.all.filter { $0.isQuantized })
  func aBudgetJustBelowTheArenaBandsOrRefuses(_ fixture: Fixture) throws {
    let graph = try fixture.graph()
    guard !PatchStage.stage(of: try PassManager.standard.run(graph).graph).isEmpty else { return }
    var host = try TargetCatalog().load("host")
    host.tensorAlignment = 4
    let free = try compile(graph, for: host, options: CompileOptions(measureCode: false))
    var options = CompileOptions(measureCode: false)
    options.sramBudget = free.plan.arenaBytes - 1
    let banded: Compilation
    do {
      banded = try compile(graph, for: host, options: options)
    } catch let error as EdgeError {
      #expect(error.kind == .doesNotFit, "\(fixture.name): \(error)")
      return
    }
    // Depthwise convolutions in place are tried first; patches when they are not enough.
    #expect(
      banded.plan.arenaBytes < free.plan.arenaBytes
        && (banded.report.patches != nil || !banded.report.depthwiseInPlace.isEmpty))
    let batch = try InputBatch(try fixture.inputs(), for: graph, names: fixture.inputFiles)
    let outputs = try simulateOnHost(banded, batch: batch, target: host)
    #expect(outputs.map(\.bytes) == (try fixture.tflmOutputs()).map(\.bytes), "\(fixture.name)")
  }
}
