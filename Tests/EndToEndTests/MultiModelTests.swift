import EdgeCodegen
import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// Several models compiled together share one arena (issue 4, item 6): each
/// keeps its own plan, the arena is the largest of them, and running one model
/// after another — A, then B, then A again — still gives TFLM's outputs bit
/// for bit, on the host and on an emulated Cortex-M7.
@Suite struct MultiModelTests {
  static let strict = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]

  /// DS-CNN and ResNet fixtures under the names `dscnn` and `resnet` (every
  /// fixture file is called model.tflite).
  func pair() throws -> [(fixture: Fixture, source: ModelSource)] {
    try [("net_dscnn_int8", "dscnn"), ("net_resnet_int8", "resnet")].map { fixtureName, name in
      let fixture = try #require(Fixture.all.first { $0.name == fixtureName })
      var graph = try fixture.graph()
      graph.name = name
      return (fixture, ModelSource(graph: graph, path: fixture.directory.appendingPathComponent("model.tflite").path))
    }
  }

  func compilePair(for targetName: String, arenaSection: String? = nil) throws -> SharedCompilation {
    var options = CompileOptions(measureCode: false)
    options.arenaSection = arenaSection
    return try compileTogether(try pair().map(\.source), for: try TargetCatalog().load(targetName), options: options)
  }

  @Test func theSharedArenaIsTheLargestOfTheModelsOwn() throws {
    let target = try TargetCatalog().load("stm32f746")
    let together = try compilePair(for: "stm32f746")
    let alone = try pair().map { try compile($0.source.graph, for: target, options: CompileOptions(measureCode: false)) }
    let arenas = alone.map(\.plan.arenaBytes)
    #expect(arenas[0] != arenas[1], "the test wants models whose arenas differ")
    #expect(together.report.arenaBytes == arenas.max())
    #expect(together.models.map(\.plan.arenaBytes) == arenas, "each model keeps the plan it has alone")

    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(try file("report.json", in: together).utf8)) as? [String: Any])
    #expect(json["shared_arena_bytes"] as? Int == arenas.max())
    #expect(json["peak_sram_bytes"] as? Int == arenas.max())
    #expect(json["separate_arenas_bytes"] as? Int == arenas[0] + arenas[1])
    #expect(json["peak_set_by"] as? String == (arenas[0] > arenas[1] ? "dscnn" : "resnet"))
    let models = try #require(json["models"] as? [[String: Any]])
    #expect(models.compactMap { $0["model"] as? String } == ["dscnn", "resnet"])
    #expect(models.compactMap { $0["arena_bytes"] as? Int } == arenas)
    let weights = alone.map(\.report.weightsBytes).reduce(0, +)
    #expect(json["weights_bytes"] as? Int == weights)
    #expect(json["flash_bytes"] as? Int == weights + together.report.code.bytes)
    #expect(together.report.placement?.arena.bytes == arenas.max())

    let header = try file("edgec_shared_arena.h", in: together)
    #expect(header.contains("#define EDGEC_SHARED_ARENA_BYTES \(arenas.max() ?? 0)\n"))
    let plan = try #require(
      try JSONSerialization.jsonObject(with: Data(try file("plan.json", in: together).utf8)) as? [String: Any])
    #expect(plan["shared_arena_bytes"] as? Int == arenas.max())
    #expect((plan["models"] as? [[String: Any]])?.compactMap { $0["arena_bytes"] as? Int } == arenas)
    #expect(try file("plan_dscnn.json", in: together) == alone[0].plan.json(model: "dscnn"))
  }

  /// One definition of the arena, no arena of a model's own, one copy of
  /// every runtime file — the union of what the models use alone.
  @Test func theModelsShareTheArenaAndTheRuntime() throws {
    let target = try TargetCatalog().load("stm32f746")
    let together = try compilePair(for: "stm32f746")
    let alone = try pair().map { try compile($0.source.graph, for: target, options: CompileOptions(measureCode: false)) }
    let paths = together.files.map(\.path)
    #expect(Set(paths).count == paths.count, "a file is emitted twice")
    let runtime = Set(alone.flatMap { $0.files.map(\.path).filter { $0.hasPrefix("edgec/") } })
    #expect(Set(paths.filter { $0.hasPrefix("edgec/") }) == runtime)
    #expect(together.report.kernels == Array(Set(alone.flatMap(\.report.kernels))).sorted())
    let definitions = together.files.filter { $0.contents.contains("uint8_t edgec_shared_arena[EDGEC_SHARED_ARENA_BYTES] EDGEC_ALIGNED") }
    #expect(definitions.map(\.path) == ["edgec_shared_arena.c"])
    for name in ["dscnn", "resnet"] {
      let source = try file("\(name).c", in: together)
      #expect(source.contains("extern uint8_t edgec_shared_arena[];\n"))
      #expect(!source.contains("static uint8_t"))
      #expect(try file("\(name).h", in: together).contains("shared with the models"))
    }
  }

  @Test func thePairCompilesStrictlyWithGCCAndClang() throws {
    for targetName in ["host", "stm32f746"] {
      let together = try compilePair(for: targetName)
      for compiler in ["gcc", "clang"] where ProcessRunner.which(compiler) != nil {
        let dir = try ScratchDirectory(prefix: "edgec-multi-cc")
        defer { dir.remove() }
        try dir.write(together.files.map { ($0.path, $0.contents) })
        let sources = together.files.map(\.path).filter { $0.hasSuffix(".c") }
        let result = try ProcessRunner.run(compiler, Self.strict + ["-I", dir.path, "-c"] + sources, directory: dir.path)
        #expect(result.status == 0, "\(targetName) with \(compiler):\n\(result.stderr)")
      }
    }
  }

  /// dscnn on all 20 records, then resnet, then dscnn again: every output
  /// equals TFLM's, although resnet ran over dscnn's arena in between.
  @Test func runningOneAfterAnotherOnTheHostMatchesTFLM() throws {
    let together = try compilePair(for: "host")
    let dir = try ScratchDirectory(prefix: "edgec-multi-run")
    defer { dir.remove() }
    try dir.write(together.files.map { ($0.path, $0.contents) } + [("main.c", try alternatingMain(records: 20))])
    let sources = together.files.map(\.path).filter { $0.hasSuffix(".c") } + ["main.c"]
    let build = try ProcessRunner.run("cc", Self.strict + ["-I", dir.path] + sources + ["-o", "runner", "-lm"], directory: dir.path)
    try #require(build.status == 0, "\(build.stderr)")
    let run = try ProcessRunner.run("\(dir.path)/runner", [], directory: dir.path)
    #expect(run.status == 0, "\(MultiModelTests.failure(run.status))")
  }

  /// The same sequence as firmware for the Cortex-M7 board under QEMU, with
  /// the Cortex-M kernels and the arena in the section the linker places.
  @Test func runningOneAfterAnotherUnderQEMUMatchesTFLM() throws {
    let catalog = try TargetCatalog()
    let target = try catalog.load("mps2-an500")
    try #require(ProcessRunner.which(target.cc) != nil, "\(target.cc) is not installed (make setup)")
    try #require(ProcessRunner.which(QemuRunner.program) != nil, "\(QemuRunner.program) is not installed (make setup)")
    let together = try compilePair(for: "mps2-an500", arenaSection: firmwareArenaSection)
    let placement = try #require(together.report.placement)
    let dir = try ScratchDirectory(prefix: "edgec-multi-fw")
    defer { dir.remove() }
    let files = together.files.filter { $0.path.hasSuffix(".c") || $0.path.hasSuffix(".h") }.map { ($0.path, $0.contents) }
    let image = try FirmwareBuild(target: target, catalog: catalog)
      .build(files: files + [("main.c", try alternatingMain(records: 4))], placement: placement, in: dir)
    let elf = try ELFFile(contentsOf: image.path)
    let arenas = elf.symbols.filter { $0.name.hasSuffix("_arena") && $0.kind == .object }
    #expect(arenas.map(\.name) == ["edgec_shared_arena"])
    #expect(arenas.first?.size == together.report.arenaBytes)
    let emulator = try #require(target.qemu)
    let run = try QemuRunner.run(elf: image.path, emulator: emulator, directory: dir.path, timeoutSeconds: 300)
    #expect(!run.timedOut)
    #expect(run.status == 0, "\(MultiModelTests.failure(run.status)): \(run.stderr)")
  }

  @Test func modelsWithTheSameNameAreRefusedNamingBothFiles() throws {
    let target = try TargetCatalog().load("host")
    let models = try pair().map(\.source)
    var same = models
    same[1].graph.name = "dscnn"
    var caseOnly = models
    caseOnly[1].graph.name = "DSCNN"
    for (sources, phrase) in [(same, "the model name 'dscnn'"), (caseOnly, "differ only in case")] {
      do {
        _ = try compileTogether(sources, for: target, options: CompileOptions(measureCode: false))
        Issue.record("two models named \(sources.map(\.graph.name)) should be refused")
      } catch let error as EdgeError {
        #expect(error.kind == .invalidInput)
        #expect(error.message.contains(models[0].path) && error.message.contains(models[1].path), "\(error.message)")
        #expect(error.message.contains(phrase) && error.message.contains("rename one of the files"), "\(error.message)")
      }
    }
    var clash = models
    clash[0].graph.name = "edgec_shared"
    #expect(throws: EdgeError.self) { try compileTogether(clash, for: target, options: CompileOptions(measureCode: false)) }
  }

  /// Each model fits the flash alone; both do not, and the error says so.
  @Test func weightsThatFitOnlyAloneAreRefusedTogether() throws {
    var target = try TargetCatalog().load("stm32f746")
    let alone = try pair().map { try compile($0.source.graph, for: target, options: CompileOptions(measureCode: false)) }
    let largest = alone.map { $0.report.weightsBytes + $0.report.code.bytes }.max() ?? 0
    target.memory = target.memory.map { region in
      var r = region
      if r.kind == "flash" { r.size = largest + 1024 }
      return r
    }
    do {
      _ = try compileTogether(try pair().map(\.source), for: target, options: CompileOptions(measureCode: false))
      Issue.record("a \(largest + 1024)-byte flash cannot hold both models")
    } catch let error as EdgeError {
      #expect(error.kind == .doesNotFit)
      #expect(error.message.contains("dscnn, resnet together need") && error.message.contains("has \(largest + 1024)"), "\(error.message)")
    }
  }

  @Test func thePairIsDeterministic() throws {
    let a = try compilePair(for: "stm32f746"), b = try compilePair(for: "stm32f746")
    #expect(a.files.map(\.path) == b.files.map(\.path))
    for (x, y) in zip(a.files, b.files) { #expect(x.contents == y.contents, "\(x.path) differs") }
  }

  // MARK: - The command line

  /// `edgec compile a.tflite b.tflite --target mps2-an500`: the directory
  /// holds both models and builds with the target's compiler, strictly.
  @Test func theCommandLineEmitsAPairThatBuildsForCortexM() throws {
    let target = try TargetCatalog().load("mps2-an500")
    try #require(ProcessRunner.which(target.cc) != nil, "\(target.cc) is not installed (make setup)")
    let dir = try ScratchDirectory(prefix: "edgec-multi-cli")
    defer { dir.remove() }
    for source in try pair().map(\.source) {
      try FileManager.default.copyItem(atPath: source.path, toPath: "\(dir.path)/\(source.graph.name).tflite")
    }
    let out = "\(dir.path)/out"
    let result = try ProcessRunner.run(
      CommandLineTests.edgec,
      ["compile", "\(dir.path)/dscnn.tflite", "\(dir.path)/resnet.tflite", "--target", "mps2-an500", "-o", out, "--no-measure-code"])
    try #require(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("compiled dscnn, resnet for mps2-an500"))
    let written = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    #expect(written == [
      "dscnn.c", "dscnn.h", "dscnn_weights.c", "edgec", "edgec_shared_arena.c", "edgec_shared_arena.h",
      "plan.json", "plan_dscnn.json", "plan_resnet.json", "report.json", "resnet.c", "resnet.h", "resnet_weights.c",
    ])
    let kernels = try FileManager.default.contentsOfDirectory(atPath: "\(out)/edgec").filter { $0.hasSuffix(".c") }.map { "edgec/\($0)" }
    let sources = written.filter { $0.hasSuffix(".c") } + kernels
    let build = try ProcessRunner.run(target.cc, target.cflags + Self.strict + ["-I", out, "-c"] + sources, directory: out)
    #expect(build.status == 0, "\(build.stderr)")

    // `edgec size` reads the pair's report: the shared arena is the arena, once.
    let report = try #require(
      try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json"))) as? [String: Any])
    let size = try ProcessRunner.run(CommandLineTests.edgec, ["size", out, "--json"])
    try #require(size.status == 0, "\(size.stderr)")
    let sizes = try #require(try JSONSerialization.jsonObject(with: Data(size.stdout.utf8)) as? [String: [String: Any]])
    let pair = try #require(sizes["dscnn+resnet"])
    #expect(pair["models"] as? [String] == ["dscnn", "resnet"])
    #expect((pair["ram"] as? [String: Any])?["arena"] as? Int == report["shared_arena_bytes"] as? Int)
    let weights = (pair["categories"] as? [String: Any])?["weights"] as? [String: Any]
    #expect(weights?["flash"] as? Int == report["weights_bytes"] as? Int)
  }

  @Test func theCommandLineRefusesTwoFilesWithOneNameAndWritesNothing() throws {
    let dir = try ScratchDirectory(prefix: "edgec-multi-cli")
    defer { dir.remove() }
    let paths = try pair().map(\.source.path)
    let out = "\(dir.path)/out"
    let result = try ProcessRunner.run(CommandLineTests.edgec, ["compile"] + paths + ["--target", "host", "-o", out])
    #expect(result.status == 1)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1 && lines[0].hasPrefix("error: invalid input"), "\(result.stderr)")
    #expect(result.stderr.contains("\(paths[0]) and \(paths[1]) both give the model name 'model'"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  // MARK: - Helpers

  func file(_ path: String, in compilation: SharedCompilation) throws -> String {
    try #require(compilation.files.first { $0.path == path }, "no \(path)").contents
  }

  static func failure(_ status: Int32) -> String {
    switch status {
    case 1: return "dscnn's first run differs from TFLM"
    case 2: return "resnet, run after dscnn, differs from TFLM"
    case 3: return "dscnn, run again after resnet, differs from TFLM"
    case 4: return "a model's input or output lies outside edgec_shared_arena"
    default: return "the runner exited with status \(status)"
    }
  }

  /// A `main` for host and firmware alike: the first `records` inputs of each
  /// fixture and TFLM's outputs for them as constants; runs dscnn, resnet,
  /// dscnn, and exits with the number of the first run that differs (see
  /// `failure`), 0 when none does.
  func alternatingMain(records: Int) throws -> String {
    var lines = [
      "#include <stddef.h>", "#include <stdint.h>", "#include <string.h>", "",
      "#include \"dscnn.h\"", "#include \"resnet.h\"", "#include \"edgec_shared_arena.h\"", "",
    ]
    for (fixture, source) in try pair() {
      let name = source.graph.name, macro = name.uppercased()
      let x = try fixture.inputs()[0].bytes, y = try fixture.tflmOutputs()[0].bytes
      let inBytes = x.count / 20, outBytes = y.count / 20
      for (suffix, bytes) in [("x", Array(x.prefix(inBytes * records))), ("y", Array(y.prefix(outBytes * records)))] {
        lines.append("static const uint8_t \(name)_\(suffix)[\(bytes.count)] = {")
        lines.append(stride(from: 0, to: bytes.count, by: 24).map { start in
          "  " + bytes[start..<min(start + 24, bytes.count)].map { String($0) }.joined(separator: ", ") + ","
        }.joined(separator: "\n"))
        lines.append("};")
      }
      lines += [
        "", "static long run_\(name)(void) {", "  long r, differing = 0;",
        "  for (r = 0; r < \(records); r++) {",
        "    memcpy(\(name)_input(), \(name)_x + r * \(macro)_INPUT_BYTES, \(macro)_INPUT_BYTES);",
        "    if (\(name)_invoke() != 0) return -1;",
        "    if (memcmp(\(name)_output(), \(name)_y + r * \(macro)_OUTPUT_BYTES, \(macro)_OUTPUT_BYTES) != 0) differing++;",
        "  }", "  return differing;", "}", "",
      ]
    }
    lines += [
      "static int inside(const void *p, size_t bytes) {",
      "  const uint8_t *q = (const uint8_t *)p;",
      "  return q >= edgec_shared_arena && q + bytes <= edgec_shared_arena + EDGEC_SHARED_ARENA_BYTES;",
      "}", "",
      "int main(void) {",
      "  if (!inside(dscnn_input(), DSCNN_INPUT_BYTES) || !inside(dscnn_output(), DSCNN_OUTPUT_BYTES)) return 4;",
      "  if (!inside(resnet_input(), RESNET_INPUT_BYTES) || !inside(resnet_output(), RESNET_OUTPUT_BYTES)) return 4;",
      "  if (run_dscnn() != 0) return 1;",
      "  if (run_resnet() != 0) return 2;",
      "  if (run_dscnn() != 0) return 3;",
      "  return 0;",
      "}",
    ]
    return lines.joined(separator: "\n") + "\n"
  }
}
