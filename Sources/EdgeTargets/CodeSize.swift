import EdgeCore
import Foundation

/// What compiling the generated code for the target tells about it.
public struct MeasuredCode: Hashable, Sendable {
  /// `.text` + `.data` of the objects (Berkeley `size`: text includes
  /// read-only data) — the flash the code takes, weights excluded by the caller.
  public var bytes: Int
  /// An upper bound of the stack the invoke call needs: the invoke function's
  /// frame plus, for the deepest kernel file, the sum of every frame in it
  /// (`-fstack-usage`; no kernel recurses, so any call chain inside a file is
  /// covered). Kernels that keep scratch on the stack show up here.
  public var stackBytes: Int
}

/// Compiles C sources with the target's compiler and measures them.
/// Returns nil when the target's compiler or size tool is not installed.
public func measureCodeSize(_ sources: [(String, String)], headers: [(String, String)], target: Target)
  throws -> MeasuredCode?
{
  guard ProcessRunner.which(target.cc) != nil, ProcessRunner.which(target.sizeTool) != nil else { return nil }
  let dir = try ScratchDirectory(prefix: "edgec-size")
  defer { dir.remove() }
  try dir.write(headers + sources)
  var objects: [String] = []
  var kernelStack = 0, glueStack = 0
  for (index, (path, _)) in sources.enumerated() {
    let object = "obj\(index).o"
    let result = try ProcessRunner.run(
      target.cc, target.cflags + ["-fstack-usage", "-I", dir.path, "-c", path, "-o", object], directory: dir.path)
    guard result.status == 0 else {
      throw EdgeError(.environment, "\(target.cc) could not compile the generated \(path):\n\(result.stderr)")
    }
    objects.append(object)
    let frames = stackFrames(FileManager.default.contents(atPath: "\(dir.path)/obj\(index).su") ?? Data())
    if path.hasPrefix("edgec/") {
      kernelStack = max(kernelStack, frames.values.reduce(0, +))
    } else {
      glueStack = max(glueStack, frames.filter { $0.key.hasSuffix("_invoke") }.values.max() ?? 0)
    }
  }
  let result = try ProcessRunner.run(target.sizeTool, objects, directory: dir.path)
  guard result.status == 0 else { return nil }
  // "   text    data     bss     dec     hex filename"
  var total = 0
  for line in result.stdout.split(separator: "\n").dropFirst() {
    let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Int($0) }
    if fields.count >= 2 { total += fields[0] + fields[1] }
  }
  return MeasuredCode(bytes: total, stackBytes: glueStack + kernelStack)
}

/// Function name → frame bytes from a gcc `.su` file
/// (`file.c:12:6:edgec_conv2d_s8\t6240\tstatic`).
func stackFrames(_ data: Data) -> [String: Int] {
  var frames: [String: Int] = [:]
  for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
    let columns = line.split(separator: "\t")
    guard columns.count >= 2, let bytes = Int(columns[1]),
      let name = columns[0].split(separator: ":").last
    else { continue }
    frames[String(name)] = max(frames[String(name)] ?? 0, bytes)
  }
  return frames
}

/// A temporary directory for a build, removed by its owner.
public struct ScratchDirectory {
  public let path: String

  public init(prefix: String) throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "\(prefix)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))")
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw EdgeError(.environment, "cannot create a temporary directory: \(error.localizedDescription)")
    }
    path = url.path
  }

  /// Writes output-relative files, creating subdirectories.
  public func write(_ files: [(String, String)]) throws {
    for (relative, contents) in files {
      let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
      do {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
      } catch {
        throw EdgeError(.environment, "cannot write \(url.path): \(error.localizedDescription)")
      }
    }
  }

  public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Writes a set of files as one directory, all or nothing: into a sibling
/// temporary directory first, then renamed into place, so a failure never
/// leaves a half-written output directory behind.
public func writeDirectoryAtomically(_ files: [(String, String)], to destination: String) throws {
  let fm = FileManager.default
  let target = URL(fileURLWithPath: destination).standardizedFileURL
  let parent = target.deletingLastPathComponent()
  do {
    try fm.createDirectory(at: parent, withIntermediateDirectories: true)
  } catch {
    throw EdgeError(.environment, "cannot create \(parent.path): \(error.localizedDescription)")
  }
  let staging = parent.appendingPathComponent(".\(target.lastPathComponent).edgec-\(ProcessInfo.processInfo.processIdentifier)")
  try? fm.removeItem(at: staging)
  do {
    try fm.createDirectory(at: staging, withIntermediateDirectories: true)
    for (relative, contents) in files {
      let url = staging.appendingPathComponent(relative)
      try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(contents.utf8).write(to: url)
    }
    var isDirectory: ObjCBool = false
    if fm.fileExists(atPath: target.path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else {
        throw EdgeError(.invalidInput, "\(target.path) exists and is not a directory")
      }
      try fm.removeItem(at: target)
    }
    try fm.moveItem(at: staging, to: target)
  } catch let error as EdgeError {
    try? fm.removeItem(at: staging)
    throw error
  } catch {
    try? fm.removeItem(at: staging)
    throw EdgeError(.environment, "cannot write \(target.path): \(error.localizedDescription)")
  }
}
