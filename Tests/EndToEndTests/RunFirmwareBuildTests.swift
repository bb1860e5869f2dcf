import EdgeCodegen
import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// The firmware links for every Cortex-M target, and the linked image puts
/// each part where report.json's placement says; the code generator's
/// firmware options appear only when asked.
@Suite struct RunFirmwareBuildTests {
  static let cortexM = ((try? TargetCatalog().names()) ?? []).filter { $0 != "host" }

  func dscnn() throws -> Fixture {
    try #require(Fixture.all.first { $0.name == "net_dscnn_int8" })
  }

  func firmwareCompilation(_ target: Target) throws -> Compilation {
    var options = CompileOptions(measureCode: false)
    options.arenaSection = firmwareArenaSection
    return try compile(try dscnn().graph(), for: target, options: options)
  }

  @Test(arguments: cortexM) func linksAndAgreesWithThePlacement(_ name: String) throws {
    let catalog = try TargetCatalog()
    let target = try catalog.load(name)
    let compilation = try firmwareCompilation(target)
    let placement = try #require(compilation.report.placement)
    var files = compilation.files.filter { $0.path.hasSuffix(".c") || $0.path.hasSuffix(".h") }.map { ($0.path, $0.contents) }
    files.append(("main.c", firmwareMainSource(for: compilation.graph, records: 1)))
    let dir = try ScratchDirectory(prefix: "edgec-fwbuild")
    defer { dir.remove() }
    let image = try FirmwareBuild(target: target, catalog: catalog).build(files: files, placement: placement, in: dir)
    let elf = try ELFFile(contentsOf: image.path)
    func address(_ symbol: String) throws -> UInt64 {
      try #require(elf.symbols.first { $0.name == symbol }, "\(name): no symbol \(symbol)").value & ~1
    }
    func inside(_ value: UInt64, _ span: MemoryPlacement.Span) -> Bool {
      value >= span.base && value < span.base + UInt64(span.size)
    }
    #expect(try address("edgec_vectors") == placement.code.span.base, "\(name): the vector table must start the code region")
    #expect(inside(try address("model_arena"), placement.arena.span), "\(name): arena outside \(placement.arena.span.name)")
    #expect(inside(try address("edgec_stack_top") - 1, placement.stack.span), "\(name): stack outside \(placement.stack.span.name)")
    #expect(inside(try address("edgec_reset"), placement.code.span))
    let weight = try #require(elf.symbols.first { $0.name.hasPrefix("model_t") && $0.kind == .object })
    #expect(inside(weight.value, placement.weights.span), "\(name): weights outside \(placement.weights.span.name)")
    #expect(image.ramBytes >= compilation.report.arenaBytes + target.stackReserveBytes)
    #expect(image.flashBytes >= compilation.report.weightsBytes)
  }

  @Test func theArenaSectionAndProfileHooksAppearOnlyWhenAsked() throws {
    let graph = try dscnn().graph()
    let target = try TargetCatalog().load("mps2-an500")
    func source(_ options: CompileOptions) throws -> String {
      try #require(try compile(graph, for: target, options: options).files.first { $0.path == "model.c" }).contents
    }
    let plain = try source(CompileOptions(measureCode: false))
    #expect(!plain.contains("__attribute__((section") && !plain.contains("EDGEC_PROFILE"))
    var firmware = CompileOptions(measureCode: false)
    firmware.arenaSection = firmwareArenaSection
    firmware.profileHooks = true
    let text = try source(firmware)
    #expect(text.contains("static uint8_t model_arena[MODEL_ARENA_BYTES] EDGEC_ALIGNED(16) __attribute__((section(\".bss.edgec_arena\")));"))
    #expect(text.contains("#ifndef EDGEC_PROFILE\n#define EDGEC_PROFILE(op) ((void)0)\n#endif"))
    #expect(text.contains("int model_invoke(void) {\n  EDGEC_PROFILE(-1);"))
    let kernels = try compile(graph, for: target, options: firmware).program.filter { if case .kernel = $0 { true } else { false } }.count
    #expect(text.components(separatedBy: "  EDGEC_PROFILE(").count - 1 == kernels + 1)
  }

  /// The hooks' empty default keeps the host build strict-clean and its outputs unchanged.
  @Test func profileHooksCompileAwayOnTheHost() throws {
    let f = try dscnn()
    let graph = try f.graph()
    let host = try TargetCatalog().load("host")
    var options = CompileOptions(measureCode: false)
    options.profileHooks = true
    let batch = try InputBatch(try f.inputs(), for: graph, names: f.inputFiles)
    let outputs = try simulateOnHost(try compile(graph, for: host, options: options), batch: batch, target: host)
    #expect(outputs.map(\.bytes) == (try f.tflmOutputs()).map(\.bytes))
  }

  @Test func reportJSONCarriesThePlacement() throws {
    let compilation = try compile(try dscnn().graph(), for: try TargetCatalog().load("stm32f746"), options: CompileOptions(measureCode: false))
    let report = try #require(compilation.files.first { $0.path == "report.json" }).contents
    let json = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
    let placement = try #require(json["placement"] as? [String: [String: Any]])
    #expect(placement["arena"]?["region"] as? String == "DTCM")
    #expect(placement["arena"]?["bytes"] as? Int == compilation.report.arenaBytes)
    #expect(placement["stack"]?["region"] as? String == "DTCM")
    #expect(placement["weights"]?["region"] as? String == "FLASH")
  }
}
