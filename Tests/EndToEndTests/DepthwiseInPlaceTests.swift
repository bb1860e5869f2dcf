import EdgeCodegen
import EdgeCore
import EdgePasses
import EdgeReference
import EdgeTargets
import Foundation
import Testing

/// DEPTHWISE_CONV_2D computed in place through a one-channel plane
/// (TinyEngine): bit-identical in the reference interpreter, chosen by the
/// budget search only when it lowers the arena, and bit-exact with TFLM on
/// the host and under QEMU when it is.
@Suite struct DepthwiseInPlaceTests {
  func fixture(_ name: String) throws -> Fixture {
    try #require(Fixture.all.first { $0.name == name }, "fixture \(name) is missing")
  }

  static let depthwiseFixtures = Fixture.all.filter { f in
    f.isQuantized && ((try? f.graph())?.operators.contains { $0.kind == .depthwiseConv2D } ?? false)
  }.map(\.name)

  /// Every qualifying depthwise op converted: the same bytes as before.
  @Test(arguments: depthwiseFixtures)
  func convertingEveryDepthwiseOpChangesNoOutput(_ name: String) throws {
    let f = try fixture(name)
    let graph = try PassManager.standard.run(try f.graph()).graph
    let (converted, rewrites) = try DepthwiseInPlace().run(on: graph)
    try verify(converted)
    let planes = converted.operators.filter { $0.outputs.count == 2 }.count
    #expect(planes == rewrites)
    let xs = try f.inputs()
    let before = try ReferenceInterpreter(graph: graph)
    let after = try ReferenceInterpreter(graph: converted)
    let inputs = graph.inputs.enumerated().map { k, id in row(xs[k], 0, shape: graph.tensors[id].shape) }
    #expect(try after.run(inputs) == before.run(inputs), "\(name)")
  }

  @Test func mobileNetV2ConvertsEveryDepthwiseOp() throws {
    let graph = try PassManager.standard.run(try fixture("net_mobilenetv2_int8").graph()).graph
    let depthwise = graph.operators.filter { $0.kind == .depthwiseConv2D }.count
    let (_, rewrites) = try DepthwiseInPlace().run(on: graph)
    #expect(depthwise > 0 && rewrites == depthwise)
  }

  /// The flag without the plane output is an invalid graph.
  @Test func theVerifierWantsThePlane() throws {
    var graph = try PassManager.standard.run(try fixture("net_mobilenetv2_int8").graph()).graph
    let index = try #require(graph.operators.firstIndex { $0.kind == .depthwiseConv2D })
    guard case .depthwiseConv2D(var options) = graph.operators[index].options else { return }
    options.inPlace = true
    graph.operators[index].options = .depthwiseConv2D(options)
    #expect(throws: EdgeError.self) { try verify(graph) }
  }

  /// Without a budget nothing changes; just below the free arena (61,440 B
  /// on 4-byte alignment) converting the peak's depthwise op is enough: no
  /// patches, a smaller arena, TFLM's bytes.
  @Test func aBudgetJustBelowMobileNetV2sArenaGoesInPlace() throws {
    let f = try fixture("net_mobilenetv2_int8")
    let graph = try f.graph()
    var host = try TargetCatalog().load("host")
    host.tensorAlignment = 4
    let free = try compile(graph, for: host, options: CompileOptions(measureCode: false))
    #expect(free.plan.arenaBytes == 61_440)
    #expect(free.report.depthwiseInPlace.isEmpty && free.report.patches == nil)
    var options = CompileOptions(measureCode: false)
    options.sramBudget = free.plan.arenaBytes - 1
    let squeezed = try compile(graph, for: host, options: options)
    #expect(squeezed.report.patches == nil)
    #expect(squeezed.report.depthwiseInPlace == [4])
    #expect(squeezed.plan.arenaBytes == 57_344)
    #expect(squeezed.report.kernels.contains("edgec_depthwise_conv2d_inplace_s8"))
    let batch = try InputBatch(try f.inputs(), for: graph, names: f.inputFiles)
    let outputs = try simulateOnHost(squeezed, batch: batch, target: host)
    #expect(outputs.map(\.bytes) == (try f.tflmOutputs()).map(\.bytes))
  }

  /// Below what patches alone reach (39,936 B), the smallest banding with
  /// depthwise convolutions in place on top still fits, and computes TFLM's bytes.
  @Test func belowThePatchesFloorBandsAndDepthwiseInPlaceTogether() throws {
    let f = try fixture("net_mobilenetv2_int8")
    let graph = try f.graph()
    var host = try TargetCatalog().load("host")
    host.tensorAlignment = 4
    var options = CompileOptions(measureCode: false)
    options.sramBudget = 35_000
    let squeezed = try compile(graph, for: host, options: options)
    let patches = try #require(squeezed.report.patches)
    #expect(!squeezed.report.depthwiseInPlace.isEmpty)
    #expect(squeezed.plan.arenaBytes <= 35_000 && patches.arenaBytes == squeezed.plan.arenaBytes)
    let batch = try InputBatch(try f.inputs(), for: graph, names: f.inputFiles)
    let outputs = try simulateOnHost(squeezed, batch: batch, target: host)
    #expect(outputs.map(\.bytes) == (try f.tflmOutputs()).map(\.bytes))
  }

  @Test func inPlaceFirmwareIsBitExactUnderQEMU() throws {
    let f = try fixture("net_mobilenetv2_int8")
    let graph = try f.graph()
    let catalog = try TargetCatalog()
    let board = try catalog.load("mps2-an500")
    let free = try compile(graph, for: board, options: CompileOptions(measureCode: false))
    var options = TargetRunOptions()
    options.sramBudget = free.plan.arenaBytes - 1
    let batch = try InputBatch(try f.inputs(), for: graph, names: f.inputFiles)
    let result = try runOnTarget(graph, target: board, batch: batch, catalog: catalog, options: options)
    #expect(result.compilation.report.patches == nil)
    #expect(!result.compilation.report.depthwiseInPlace.isEmpty)
    #expect(result.compilation.plan.arenaBytes < free.plan.arenaBytes)
    #expect(result.outputs.map(\.bytes) == (try f.tflmOutputs()).map(\.bytes))
  }
}
