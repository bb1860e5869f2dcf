import EdgeCore
import Foundation

/// Compiles C sources with the target's compiler and sums the `.text` and
/// `.data` of the objects (Berkeley `size` format: text includes read-only
/// data) — the flash the code takes, weights excluded by the caller.
/// Returns nil when the target's compiler or size tool is not installed.
public func measureCodeSize(_ sources: [(String, String)], headers: [(String, String)], target: Target)
  throws -> Int?
{
  guard ProcessRunner.which(target.cc) != nil, ProcessRunner.which(target.sizeTool) != nil else { return nil }
  let dir = try ScratchDirectory(prefix: "edgec-size")
  defer { dir.remove() }
  try dir.write(headers + sources)
  var objects: [String] = []
  for (index, (path, _)) in sources.enumerated() {
    let object = "obj\(index).o"
    let result = try ProcessRunner.run(
      target.cc, target.cflags + ["-I", dir.path, "-c", path, "-o", object], directory: dir.path)
    guard result.status == 0 else {
      throw EdgeError(.environment, "\(target.cc) could not compile the generated \(path):\n\(result.stderr)")
    }
    objects.append(object)
  }
  let result = try ProcessRunner.run(target.sizeTool, objects, directory: dir.path)
  guard result.status == 0 else { return nil }
  // "   text    data     bss     dec     hex filename"
  var total = 0
  for line in result.stdout.split(separator: "\n").dropFirst() {
    let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Int($0) }
    if fields.count >= 2 { total += fields[0] + fields[1] }
  }
  return total
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
