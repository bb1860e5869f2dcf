import EdgeCodegen
import EdgeCore
import EdgeImport
import EdgeTargets
import Foundation
import Testing

/// The emitted C as a user receives it: strict-clean under every compiler we
/// promise, deterministic, and refused when it cannot fit.
@Suite struct GeneratedCodeTests {
  static let strict = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]

  /// Compiles a compilation's C files with `compiler` and `flags` (syntax and
  /// semantics, no link); returns the compiler's complaint or nil.
  func compileErrors(_ compilation: Compilation, compiler: String, flags: [String]) throws -> String? {
    let dir = try ScratchDirectory(prefix: "edgec-test-cc")
    defer { dir.remove() }
    try dir.write(compilation.files.map { ($0.path, $0.contents) })
    let sources = compilation.files.map(\.path).filter { $0.hasSuffix(".c") }
    let result = try ProcessRunner.run(compiler, Self.strict + flags + ["-I", dir.path, "-fsyntax-only"] + sources, directory: dir.path)
    return result.status == 0 ? nil : result.stderr
  }

  @Test(arguments: Fixture.all)
  func compilesStrictlyWithGCCAndClang(_ fixture: Fixture) throws {
    let compilation = try compile(try fixture.graph(), for: try TargetCatalog().load("host"), options: CompileOptions(measureCode: false))
    for compiler in ["gcc", "clang"] where ProcessRunner.which(compiler) != nil {
      let errors = try compileErrors(compilation, compiler: compiler, flags: [])
      #expect(errors == nil, "\(fixture.name) with \(compiler):\n\(errors ?? "")")
    }
  }

  /// Output for a DSP chip still builds on the host (the portable kernels are
  /// the fallback when the compiler has no DSP extension).
  @Test(arguments: Fixture.all.filter { $0.name.hasPrefix("net_") })
  func cortexMOutputCompilesStrictlyOnTheHost(_ fixture: Fixture) throws {
    let compilation = try compile(try fixture.graph(), for: try TargetCatalog().load("stm32f746"), options: CompileOptions(measureCode: false))
    for compiler in ["gcc", "clang"] where ProcessRunner.which(compiler) != nil {
      let errors = try compileErrors(compilation, compiler: compiler, flags: [])
      #expect(errors == nil, "\(fixture.name) with \(compiler):\n\(errors ?? "")")
    }
  }

  @Test(arguments: Fixture.all.filter { $0.name.contains("dscnn") || $0.name.contains("resnet") || $0.name.contains("autoencoder") })
  func compilesStrictlyForCortexM7(_ fixture: Fixture) throws {
    let target = try TargetCatalog().load("stm32f746")
    try #require(ProcessRunner.which(target.cc) != nil, "\(target.cc) is not installed (make setup)")
    let compilation = try compile(try fixture.graph(), for: target, options: CompileOptions(measureCode: true))
    let errors = try compileErrors(compilation, compiler: target.cc, flags: target.cflags)
    #expect(errors == nil, "\(fixture.name):\n\(errors ?? "")")
    #expect(compilation.report.code.method.hasPrefix("measured"))
    #expect(compilation.report.code.bytes > 0)
  }

  @Test(arguments: Fixture.all)
  func compilationIsDeterministic(_ fixture: Fixture) throws {
    let graph = try fixture.graph()
    let target = try TargetCatalog().load("stm32f746")
    let a = try compile(graph, for: target, options: CompileOptions(measureCode: false))
    let b = try compile(try fixture.graph(), for: target, options: CompileOptions(measureCode: false))
    #expect(a.files.map(\.path) == b.files.map(\.path))
    for (x, y) in zip(a.files, b.files) { #expect(x.contents == y.contents, "\(fixture.name): \(x.path) differs") }
  }

  @Test func modelThatDoesNotFitIsRefusedWithBothFigures() throws {
    let fixture = try #require(Fixture.all.first { $0.name.contains("dscnn") })
    var tiny = try TargetCatalog().load("stm32f746")
    tiny.memory = tiny.memory.map { region in
      var r = region
      if r.kind == "ram" { r.size = 2048 }
      return r
    }
    do {
      _ = try compile(try fixture.graph(), for: tiny, options: CompileOptions(measureCode: false))
      Issue.record("compiling for a 6 KB chip should fail")
    } catch let error as EdgeError {
      #expect(error.kind == .doesNotFit)
      #expect(error.message.contains("bytes of SRAM"))
      #expect(error.message.contains("has \(tiny.sramBudgetBytes)"))
    }
  }

  /// Cortex-M conv/FC kernels get scratch from arena bytes free at their
  /// step: never overlapping a tensor alive then, never past the arena, and
  /// passed to the call; the portable kernels on the host ask for none.
  @Test func cortexMScratchComesFromBytesFreeAtTheStep() throws {
    let fixture = try #require(Fixture.all.first { $0.name == "net_dscnn_int8" })
    let compilation = try compile(try fixture.graph(), for: try TargetCatalog().load("stm32f746"), options: CompileOptions(measureCode: false))
    let plan = compilation.plan
    #expect(plan.scratch.count == compilation.program.filter { step in
      if case .kernel(_, let kernel, _, _) = step { return kernel.takesScratch } else { return false }
    }.count)
    #expect(plan.scratch.contains { $0.bytes > 0 })
    let source = try #require(compilation.files.first { $0.path == "\(compilation.graph.name).c" }).contents
    for grant in plan.scratch where grant.bytes > 0 {
      #expect(grant.offset + grant.bytes <= plan.arenaBytes && grant.bytes <= grant.requestedBytes)
      for t in plan.tensors where t.firstOp <= grant.step && grant.step <= t.lastOp {
        #expect(grant.offset + grant.bytes <= t.offset || t.offset + t.bytes <= grant.offset, "scratch of op \(grant.opIndex) overlaps \(t.name)")
      }
      #expect(source.contains("_arena + \(grant.offset)), \(grant.bytes));"))
    }
    let host = try compile(try fixture.graph(), for: try TargetCatalog().load("host"), options: CompileOptions(measureCode: false))
    #expect(host.plan.scratch.isEmpty)
  }

  @Test func weightsThatDoNotFitFlashAreRefused() throws {
    let fixture = try #require(Fixture.all.first { $0.name.contains("dscnn") })
    var tiny = try TargetCatalog().load("stm32f746")
    tiny.memory = tiny.memory.map { region in
      var r = region
      if r.kind == "flash" { r.size = 8192 }
      return r
    }
    do {
      _ = try compile(try fixture.graph(), for: tiny, options: CompileOptions(measureCode: false))
      Issue.record("compiling for an 8 KB flash should fail")
    } catch let error as EdgeError {
      #expect(error.kind == .doesNotFit)
      #expect(error.message.contains("bytes of flash") && error.message.contains("has 8192"), "\(error.message)")
    }
  }

  /// TFLM's MAC count of kws (../shared/baselines) is reproduced exactly.
  @Test func kwsReportMatchesTheBaselineMACs() throws {
    let path = Fixture.root.deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("shared/models/mlperf-tiny/kws_int8.tflite").path
    guard FileManager.default.fileExists(atPath: path) else { return }  // ../shared is optional
    let compilation = try compile(try loadModel(path: path), for: try TargetCatalog().load("stm32f746"), options: CompileOptions(measureCode: false))
    #expect(compilation.report.macs == 2_656_768)
    #expect(compilation.report.weightsBytes <= 24_376)
    #expect(compilation.report.peakSRAMBytes >= compilation.report.lowerBoundBytes)
  }
}
