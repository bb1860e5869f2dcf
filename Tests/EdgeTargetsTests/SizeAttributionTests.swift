import EdgeCodegen
import EdgeCore
import EdgeImport
import EdgeTargets
import Foundation
import Testing

/// `edgec size` on real builds for the STM32F746: the weights it finds are
/// exactly report.json's weights_bytes, the arena exactly arena_bytes,
/// and the categories add up to what binutils' `size` reports.
@Suite struct SizeAttributionTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The bundled DS-CNN and committed fixtures of different operator mixes,
  /// int8 and float.
  static let models = [
    "Examples/models/kws_dscnn_int8.tflite",
    "Tests/Fixtures/conv_1x1_16ch_int8/model.tflite",
    "Tests/Fixtures/add_const_int8/model.tflite",
    "Tests/Fixtures/conv_1ch_in_f32/model.tflite",
  ]

  /// Compiles `model` for stm32f746 into a scratch build directory.
  func build(_ model: String) throws -> (Compilation, ScratchDirectory) {
    let graph = try loadModel(path: Self.repository.appendingPathComponent(model).path)
    let target = try TargetCatalog().load("stm32f746")
    let compilation = try compile(graph, for: target)
    let dir = try ScratchDirectory(prefix: "edgec-size-test")
    try dir.write(compilation.files.map { ($0.path, $0.contents) })
    return (compilation, dir)
  }

  @Test(arguments: models)
  func buildDirectoryFiguresMatchTheCompileReport(model: String) throws {
    let (compilation, dir) = try build(model)
    defer { dir.remove() }
    let report = compilation.report
    let size = try SizeMeasurement.measure(dir.path, target: nil, catalog: { try TargetCatalog() })
    #expect(size.name == report.model && size.models == [report.model] && size.target == "stm32f746")
    #expect(size.bytes(.weights) == SizeBreakdown(rodata: report.weightsBytes))
    #expect(size.bytes(.arena) == SizeBreakdown(bss: report.arenaBytes))
    #expect(size.bytes(.kernels).text > 0 && size.bytes(.glue).text > 0)
    #expect(size.bytes(.other) == SizeBreakdown(), "every byte of a build directory is the model's")
    #expect(size.stackBytes == 8192)
    #expect(size.ramTotal == report.arenaBytes + 8192)
    // report.json measured its code with `size` (text + data, weights excluded).
    if report.code.method.hasPrefix("measured") {
      #expect(size.flashTotal == report.code.bytes + report.weightsBytes)
    }
    let figures = Dictionary(uniqueKeysWithValues: size.figures)
    #expect(figures["weights"] == report.weightsBytes && figures["arena"] == report.arenaBytes)
    #expect(figures["flash_total"] == figures["weights"]! + figures["kernels"]! + figures["glue"]!)
  }

  /// The same build linked into a firmware (entry point: invoke, so
  /// --gc-sections keeps exactly what the model needs), read as an ELF.
  @Test func linkedFirmwareSplitsLikeTheObjects() throws {
    let (compilation, dir) = try build(Self.models[0])
    defer { dir.remove() }
    let model = compilation.report.model, target = compilation.target
    let sources = compilation.files.map(\.path).filter { $0.hasSuffix(".c") }
    let link = try ProcessRunner.run(
      target.cc,
      target.cflags + ["-I", ".", "-nostartfiles", "--specs=nano.specs", "--specs=nosys.specs", "-Wl,--gc-sections",
        "-Wl,-e,\(model)_invoke"] + sources + ["-o", "fw.elf"],
      directory: dir.path)
    try #require(link.status == 0, "\(link.stderr)")
    let elf = try SizeMeasurement.measure("\(dir.path)/fw.elf", target: target, catalog: { try TargetCatalog() })
    #expect(elf.name == "fw" && elf.models == [model])
    #expect(elf.bytes(.weights) == SizeBreakdown(rodata: compilation.report.weightsBytes))
    #expect(elf.bytes(.arena) == SizeBreakdown(bss: compilation.report.arenaBytes))
    #expect(elf.stackBytes == target.stackReserveBytes, "no .stack section: the target's reserve")
    let objects = try SizeMeasurement.measure(dir.path, target: nil, catalog: { try TargetCatalog() })
    // Kernels are the same functions in both; the linker only drops what
    // invoke does not reach (the I/O accessors and <model>_run of the glue).
    #expect(elf.bytes(.kernels).rodata == objects.bytes(.kernels).rodata)
    #expect(elf.bytes(.glue).rodata == objects.bytes(.glue).rodata)
    #expect(elf.bytes(.glue).text < objects.bytes(.glue).text)
    // Berkeley `size`: text (code and constants) + data = flash; bss = RAM.
    let berkeley = try ProcessRunner.run(target.sizeTool, ["fw.elf"], directory: dir.path)
    let numbers = berkeley.stdout.split(separator: "\n").dropFirst().first?.split(whereSeparator: \.isWhitespace).compactMap { Int($0) } ?? []
    try #require(numbers.count >= 3, "\(berkeley.stdout)")
    #expect(elf.flashTotal == numbers[0] + numbers[1])
    #expect(elf.total.bss == numbers[2])
  }

  @Test func symbolNamesDecideTheCategory() {
    let attribution = SizeAttribution(models: ["kws", "kws_big"])
    func category(_ name: String, file: String? = nil) -> SizeCategory? {
      attribution.category(
        of: ELFSymbol(name: name, value: 0, size: 4, kind: .object, binding: file == nil ? .global : .local, sectionIndex: 1, file: file))
    }
    #expect(category("kws_t0") == .weights)
    #expect(category("kws_t123") == .weights)
    #expect(category("kws_big_t7") == .weights, "the longest model name wins")
    #expect(category("kws_big_arena") == .arena)
    #expect(category("kws_arena") == .arena)
    #expect(category("kws_arena_dtcm") == .arena)
    #expect(category("kws_invoke") == .glue)
    #expect(category("kws_input") == .glue)
    #expect(category("kws_tables") == .glue, "_t followed by letters is not a weight")
    #expect(category("op12_params") == .glue)
    #expect(category("op3_multiplier") == .glue)
    #expect(category("edgec_conv2d_s8") == .kernels)
    #expect(category("requantize", file: "edgec_conv2d_s8.c") == .kernels)
    #expect(category("helper", file: "build/kws.c") == .glue)
    #expect(category("memcpy") == nil)
    #expect(category("option_x") == nil)
    #expect(category("Reset_Handler", file: "startup.c") == nil)
  }
}
