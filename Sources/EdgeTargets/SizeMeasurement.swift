import EdgeCore
import Foundation

/// Measures what `edgec size` is pointed at: a build directory written by
/// `edgec compile` (compiled here with the target's compiler and flags, then
/// read object by object) or an ELF file (a linked firmware, read as is).
public enum SizeMeasurement {
  /// `target` overrides the build directory's (report.json) and, for an ELF,
  /// supplies the stack reserve and the capacities.
  public static func measure(_ path: String, target: Target?, catalog: () throws -> TargetCatalog) throws
    -> SizeReport
  {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw EdgeError(.invalidInput, "\(path) does not exist; give a build directory of `edgec compile` or an ELF file")
    }
    if isDirectory.boolValue {
      return try buildDirectory(path, target: target, catalog: catalog)
    }
    return try elf(path, target: target)
  }

  public static func elf(_ path: String, target: Target?) throws -> SizeReport {
    let file = try ELFFile(contentsOf: path)
    let models = SizeAttribution.models(in: file)
    var attribution = SizeAttribution(models: models)
    attribution.add(file)
    let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    var method = "sections and symbols of \((path as NSString).lastPathComponent)"
    if file.symbols.isEmpty { method += " (no symbol table: every byte counts as other)" }
    let stack = attribution.stackSectionBytes > 0 ? attribution.stackSectionBytes : (target?.stackReserveBytes ?? 0)
    return SizeReport(
      name: name, models: models, target: target?.name, method: method, categories: attribution.categories,
      stackBytes: stack, flashCapacity: target?.flashBytes, ramCapacity: target.map(ramBytes))
  }

  public static func buildDirectory(_ directory: String, target override: Target?, catalog: () throws -> TargetCatalog)
    throws -> SizeReport
  {
    let (models, targetName) = try readCompileReport(directory)
    let target = try override ?? catalog().load(targetName)
    let sources = try cSources(in: directory)
    guard !sources.isEmpty else {
      throw EdgeError(.invalidInput, "\(directory) holds no .c files; run `edgec compile` into it first")
    }
    let scratch = try ScratchDirectory(prefix: "edgec-size")
    defer { scratch.remove() }
    var attribution = SizeAttribution(models: models)
    let root = URL(fileURLWithPath: directory).standardizedFileURL.path
    for (index, source) in sources.enumerated() {
      let object = "\(scratch.path)/obj\(index).o"
      let result = try ProcessRunner.run(
        target.cc, target.cflags + ["-I", root, "-c", "\(root)/\(source)", "-o", object])
      guard result.status == 0 else {
        throw EdgeError(
          .environment, "\(target.cc) could not compile \(root)/\(source) for \(target.name):\n\(result.stderr)")
      }
      attribution.add(try ELFFile(contentsOf: object), fileCategory: category(ofSource: source, models: models))
    }
    let method = "\(sources.count) objects compiled with \(([target.cc] + target.cflags).joined(separator: " "))"
    return SizeReport(
      name: models.joined(separator: "+"), models: models, target: target.name, method: method,
      categories: attribution.categories,
      stackBytes: target.stackReserveBytes, flashCapacity: target.flashBytes, ramCapacity: ramBytes(target))
  }

  /// report.json's model and target: what the directory was compiled from and for.
  /// Models compiled together (`edgec compile a.tflite b.tflite`) list theirs under "models".
  static func readCompileReport(_ directory: String) throws -> (models: [String], target: String) {
    let path = (directory as NSString).appendingPathComponent("report.json")
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EdgeError(
        .invalidInput, "\(directory) has no report.json; give the output directory of `edgec compile` or an ELF file")
    }
    let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    let together = (object?["models"] as? [[String: Any]])?.compactMap { $0["model"] as? String } ?? []
    let models = (object?["model"] as? String).map { [$0] } ?? together
    guard !models.isEmpty, let target = object?["target"] as? String else {
      throw EdgeError(.invalidInput, "\(path) does not name a \"model\" and a \"target\"; recompile with `edgec compile`")
    }
    return (models, target)
  }

  /// Every .c file under the directory, relative paths, sorted: the same
  /// files `cc -I dir dir/*.c dir/edgec/*.c` builds.
  static func cSources(in directory: String) throws -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: directory) else {
      throw EdgeError(.environment, "cannot list \(directory)")
    }
    var sources: [String] = []
    while let entry = walker.nextObject() as? String {
      if entry.hasSuffix(".c") { sources.append(entry) }
    }
    return sources.sorted()
  }

  /// Where the unnamed bytes of a generated file go.
  static func category(ofSource relative: String, models: [String]) -> SizeCategory {
    if relative.hasPrefix("edgec/") { return .kernels }
    if relative == "edgec_shared_arena.c" { return .arena }
    for model in models {
      if relative == "\(model)_weights.c" { return .weights }
      if relative == "\(model).c" { return .glue }
    }
    return .other
  }

  static func ramBytes(_ target: Target) -> Int {
    target.memory.filter { $0.kind == "ram" }.map(\.size).reduce(0, +)
  }
}
