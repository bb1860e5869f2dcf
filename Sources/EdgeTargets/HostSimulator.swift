import EdgeCore
import Foundation

/// Builds generated C plus a runner with the host's C compiler and feeds it
/// inputs: the host half of `edgec simulate`. The C is compiled with the same
/// strict flags users compile it with, so a warning is a failure here too.
public struct HostSimulator {
  public var compiler: String
  public var flags: [String]

  public init(target: Target) {
    compiler = target.cc
    flags = target.cflags
  }

  /// `inputs[k]` holds N records of input k's bytes back to back;
  /// returns N records per output.
  public func run(files: [(String, String)], inputs: [[UInt8]], records: Int, outputBytes: [Int]) throws -> [[UInt8]] {
    let dir = try ScratchDirectory(prefix: "edgec-sim")
    defer { dir.remove() }
    try dir.write(files)
    let sources = files.map(\.0).filter { $0.hasSuffix(".c") }
    let build = try ProcessRunner.run(
      compiler, flags + ["-Wall", "-Wextra", "-Werror", "-pedantic", "-I", dir.path] + sources + ["-o", "runner", "-lm"],
      directory: dir.path)
    guard build.status == 0 else {
      throw EdgeError(.environment, "the host C compiler rejected the generated code:\n\(build.stderr)")
    }
    var arguments = [String(records)]
    for (k, bytes) in inputs.enumerated() {
      let path = "\(dir.path)/input\(k).bin"
      guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
        throw EdgeError(.environment, "cannot write \(path)")
      }
      arguments.append(path)
    }
    arguments += outputBytes.indices.map { "\(dir.path)/output\($0).bin" }
    let run = try ProcessRunner.run("\(dir.path)/runner", arguments, directory: dir.path)
    guard run.status == 0 else {
      let reason = run.signaled ? "crashed (signal \(run.status))" : "exited with status \(run.status)"
      throw EdgeError(.environment, "the simulated model \(reason): \(run.stderr)")
    }
    return try outputBytes.indices.map { k in
      guard let data = FileManager.default.contents(atPath: "\(dir.path)/output\(k).bin"),
        data.count == outputBytes[k] * records
      else {
        throw EdgeError(.environment, "the simulator wrote a short output \(k)")
      }
      return [UInt8](data)
    }
  }
}
