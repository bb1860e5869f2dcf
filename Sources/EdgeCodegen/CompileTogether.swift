import EdgeCore
import EdgeTargets

/// The one arena several models share when the application runs them one
/// after the other (a wake-word model, then a command model). Each model is
/// planned on its own, from offset 0; the array is as large as the largest
/// plan and is defined once, in `<symbol>.c`, so the models overlap in RAM.
public struct SharedArena: Hashable, Sendable {
  /// The C array's name; its header and source are named after it.
  public var symbol: String

  public init(symbol: String = "edgec_shared_arena") {
    self.symbol = symbol
  }

  public var headerName: String { "\(symbol).h" }
  public var sourceName: String { "\(symbol).c" }
  /// `EDGEC_SHARED_ARENA_BYTES`: the array's size, in its header.
  public var bytesMacro: String { "\(symbol.macroCase)_BYTES" }
}

/// A model to compile together with others, and the path it came from (for
/// the errors that must tell two models apart).
public struct ModelSource: Sendable {
  public var graph: Graph
  public var path: String

  public init(graph: Graph, path: String) {
    self.graph = graph
    self.path = path
  }
}

/// Everything `edgec compile a.tflite b.tflite` produces, in memory.
public struct SharedCompilation: Sendable {
  /// Each model's own compilation (its files as emitted for the shared arena).
  public let models: [Compilation]
  public let arena: SharedArena
  public let files: [(path: String, contents: String)]
  public let report: SharedCompileReport
}

/// Compiles each model as `compile` does — its own passes, schedule and plan
/// — but emitting code that indexes `arena`, then adds what the models share:
/// the arena's definition, one copy of each runtime file, the combined report
/// and plans, and the fit checks for the pair (flash: every model's weights
/// plus all the code; SRAM: the largest arena).
public func compileTogether(
  _ models: [ModelSource], for target: Target, options: CompileOptions = CompileOptions(),
  arena: SharedArena = SharedArena()
) throws -> SharedCompilation {
  guard models.count >= 2 else {
    throw EdgeError(.invalidInput, "compiling models together needs at least two models, \(models.count) given")
  }
  try checkModelNames(models, arena: arena)
  let compilations = try models.map { model -> Compilation in
    var each = options
    each.sharedArena = arena
    each.sourceName = model.path.split(separator: "/").last.map(String.init) ?? model.path
    do {
      return try compile(model.graph, for: target, options: each)
    } catch var error as EdgeError {
      // Which of the models failed: its file, unless the error names one already.
      if error.location.file == nil { error.location.file = model.path }
      throw error
    }
  }
  let arenaBytes = compilations.map(\.plan.arenaBytes).max() ?? 0

  var files = compilations.flatMap { c in
    c.files.filter { !$0.path.hasPrefix("edgec/") && !$0.path.hasSuffix(".json") }
  }
  files += sharedArenaFiles(
    arena, bytes: arenaBytes, models: compilations.map(\.plan.arenaBytes), names: compilations.map(\.graph.name),
    target: target, section: options.arenaSection)
  files += try sharedRuntimeFiles(compilations)

  let functions = compilations.flatMap { c in
    c.program.compactMap { step -> String? in
      if case .kernel(_, let kernel, _, _) = step { return kernel.cFunction }
      return nil
    }
  }
  let weightsFiles = Set(compilations.map { "\($0.graph.name)_weights.c" })
  let code: CodeSize
  if options.measureCode, let measured = try measureCodeSize(
    files.filter { $0.path.hasSuffix(".c") && !weightsFiles.contains($0.path) }.map { ($0.path, $0.contents) },
    headers: files.filter { $0.path.hasSuffix(".h") }.map { ($0.path, $0.contents) }, target: target)
  {
    code = CodeSize(
      bytes: measured.bytes, stackBytes: measured.stackBytes,
      method: "measured with \(target.cc) \(target.cflags.joined(separator: " "))")
  } else {
    code = CodeSize(bytes: estimatedCodeBytes(functions: functions), stackBytes: nil, method: "estimated (\(target.cc) not available)")
  }

  var report = SharedCompileReport(
    models: compilations.map(\.report), target: target, arena: arena, arenaBytes: arenaBytes, code: code)
  try checkSharedFit(report, target: target)
  report.placement = try MemoryPlacement(
    target: target, arenaBytes: arenaBytes, stackBytes: target.stackReserveBytes,
    weightsBytes: report.weightsBytes, codeBytes: code.bytes)

  for c in compilations {
    files.append(("plan_\(c.graph.name).json", c.plan.json(model: c.graph.name)))
  }
  files.append(("plan.json", sharedPlanJSON(compilations, arena: arena, arenaBytes: arenaBytes).rendered() + "\n"))
  files.append(("report.json", report.json.rendered() + "\n"))
  return SharedCompilation(models: compilations, arena: arena, files: files, report: report)
}

/// Every model's files and symbols start with its name (`kws.c`, `kws_invoke`,
/// `KWS_ARENA_BYTES`), so the names must differ — also in case, which macros
/// and some file systems ignore — and must not reach into the arena's own.
func checkModelNames(_ models: [ModelSource], arena: SharedArena) throws {
  var seen: [String: ModelSource] = [:]
  for model in models {
    let name = model.graph.name, key = name.lowercased()
    if let first = seen[key] {
      let same = first.graph.name == name ? "the model name '\(name)'" : "the model names '\(first.graph.name)' and '\(name)', which differ only in case,"
      throw EdgeError(
        .invalidInput,
        "\(first.path) and \(model.path) both give \(same) (a C identifier made from the file name); models compiled together need distinct names for their files and symbols: rename one of the files (e.g. \(name)_2.tflite)")
    }
    seen[key] = model
    let symbol = arena.symbol.lowercased()
    if key == symbol || symbol.hasPrefix(key + "_") {
      throw EdgeError(
        .invalidInput,
        "the model name '\(name)' (from \(model.path)) collides with the shared arena's files and macros (\(arena.headerName), \(arena.bytesMacro)): rename the file")
    }
  }
}

/// `<symbol>.h` (the contract: size, and what sharing means) and `<symbol>.c`
/// (the one definition, in the firmware's arena section when it asks for one).
func sharedArenaFiles(
  _ arena: SharedArena, bytes: Int, models: [Int], names: [String], target: Target, section: String?
) -> [(path: String, contents: String)] {
  let guardMacro = "\(arena.symbol.macroCase)_H"
  let sizes = zip(names, models).map { "\($0) \($1)" }.joined(separator: ", ")
  let header = [
    CSyntax.comment("Generated by edgec for target \(target.name). Do not edit."),
    "#ifndef \(guardMacro)", "#define \(guardMacro)", "", "#include <stdint.h>", "",
    "#ifdef __cplusplus\nextern \"C\" {\n#endif\n",
    "/* One arena for the models \(names.joined(separator: ", ")), which the application runs",
    " * one after the other. Each model lays out its activations, inputs and outputs",
    " * from the start of this array, so:",
    " *   - running a model overwrites the inputs and outputs of every other one:",
    " *     copy out an output you still need, and write a model's input just",
    " *     before running it;",
    " *   - two of them must never run at the same time (threads, interrupts).",
    " * Bytes each model needs: \(sizes); the arena is the largest. */",
    "#define \(arena.bytesMacro) \(bytes)", "",
    "extern uint8_t \(arena.symbol)[\(arena.bytesMacro)];", "",
    "#ifdef __cplusplus\n}\n#endif\n",
    "#endif /* \(guardMacro) */",
  ]
  let attribute = section.map { " __attribute__((section(\"\($0)\")))" } ?? ""
  let source = [
    CSyntax.comment("Generated by edgec for target \(target.name). Do not edit."),
    "#include \"\(arena.headerName)\"", "#include \"edgec/platform.h\"", "",
    "uint8_t \(arena.symbol)[\(arena.bytesMacro)] EDGEC_ALIGNED(16)\(attribute);",
  ]
  return [
    (arena.headerName, header.joined(separator: "\n") + "\n"),
    (arena.sourceName, source.joined(separator: "\n") + "\n"),
  ]
}

/// The runtime files of all the models, each once: the headers, then the
/// kernels in name order. A file two models carry must be the same file (the
/// same target and flavour make it so); a per-model `edgec/config.h` that
/// differs cannot be shared and is an error rather than a silent choice.
func sharedRuntimeFiles(_ compilations: [Compilation]) throws -> [(path: String, contents: String)] {
  var files: [(path: String, contents: String)] = []
  var owner: [String: (model: String, contents: String)] = [:]
  for c in compilations {
    for file in c.files where file.path.hasPrefix("edgec/") {
      if let first = owner[file.path] {
        guard first.contents == file.contents else {
          throw EdgeError(
            .unsupported,
            "models \(first.model) and \(c.graph.name) need different versions of \(file.path), so they cannot share one output directory; compile them separately (each with its own arena)")
        }
        continue
      }
      owner[file.path] = (c.graph.name, file.contents)
      files.append(file)
    }
  }
  return files.filter { !$0.path.hasSuffix(".c") } + files.filter { $0.path.hasSuffix(".c") }.sorted { $0.path < $1.path }
}

/// plan.json of the pair: the shared arena, which model sets it, and every
/// model's own plan (as in its `plan_<model>.json`), all from offset 0.
func sharedPlanJSON(_ compilations: [Compilation], arena: SharedArena, arenaBytes: Int) -> JSON {
  .object([
    ("shared_arena", .string(arena.symbol)),
    ("shared_arena_bytes", .int(arenaBytes)),
    ("set_by", .string(compilations.first { $0.plan.arenaBytes == arenaBytes }?.graph.name ?? "")),
    ("models", .array(compilations.map { $0.plan.jsonValue(model: $0.graph.name) })),
  ])
}
