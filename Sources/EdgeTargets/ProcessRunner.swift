import EdgeCore
import Foundation

/// Runs an external program (a C compiler, the simulator binary, `size`) and
/// captures what it prints. Failure to start is an `.environment` error that
/// names the program, so "arm-none-eabi-gcc not found" reads as such.
public struct ProcessResult: Sendable {
  public var status: Int32
  /// True when the program was killed by a signal (`status` is the signal).
  public var signaled: Bool
  public var stdout: String
  public var stderr: String
}

public enum ProcessRunner {
  /// Searches $PATH for `program` unless it contains a slash.
  public static func which(_ program: String) -> String? {
    if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/\(program)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  public static func run(_ program: String, _ arguments: [String], directory: String? = nil)
    throws -> ProcessResult
  {
    guard let executable = which(program) else {
      throw EdgeError(.environment, "'\(program)' was not found on PATH (install it, e.g. with `make setup`)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    // Capture into files rather than pipes: no pipe can fill up and block the
    // child, and no reader thread is needed.
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("edgec-proc-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))")
    let outURL = scratch.appendingPathExtension("out"), errURL = scratch.appendingPathExtension("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
      try? FileManager.default.removeItem(at: outURL)
      try? FileManager.default.removeItem(at: errURL)
    }
    let outHandle = try FileHandle(forWritingTo: outURL), errHandle = try FileHandle(forWritingTo: errURL)
    process.standardOutput = outHandle
    process.standardError = errHandle
    do {
      try process.run()
    } catch {
      throw EdgeError(.environment, "could not start \(program): \(error.localizedDescription)")
    }
    process.waitUntilExit()
    try? outHandle.close()
    try? errHandle.close()
    let outData = FileManager.default.contents(atPath: outURL.path) ?? Data()
    let errData = FileManager.default.contents(atPath: errURL.path) ?? Data()
    return ProcessResult(
      status: process.terminationStatus,
      signaled: process.terminationReason == .uncaughtSignal,
      stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }
}
