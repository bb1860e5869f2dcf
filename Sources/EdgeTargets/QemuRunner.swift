import EdgeCore
import Foundation

/// Runs a firmware image in qemu-system-arm with deterministic instruction
/// counting and a wall-clock limit.
///
/// `-icount shift=0` makes every guest instruction advance virtual time by
/// exactly 1 ns, so the board's timers count instructions and a run is the
/// same on every host. Semihosting gives the firmware the host's files
/// (relative to `directory`) and its exit status; its console lines arrive on
/// QEMU's stderr.
public enum QemuRunner {
  public struct Run: Sendable {
    /// QEMU's exit status: the firmware's, through semihosting.
    public var status: Int32
    /// True when the run was stopped at the time limit.
    public var timedOut: Bool
    public var stdout: String
    /// The firmware's console lines and QEMU's own diagnostics.
    public var stderr: String
  }

  public static let program = "qemu-system-arm"

  public static func arguments(elf: String, emulator: Target.Emulator) -> [String] {
    ["-M", emulator.machine] + (emulator.cpu.map { ["-cpu", $0] } ?? [])
      + ["-nographic", "-monitor", "none", "-serial", "null",
         "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-kernel", elf]
  }

  public static func run(elf: String, emulator: Target.Emulator, directory: String, timeoutSeconds: Double) throws -> Run {
    guard let executable = ProcessRunner.which(program) else {
      throw EdgeError(.environment, "'\(program)' was not found on PATH (install it, e.g. with `make setup`)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments(elf: elf, emulator: emulator)
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    // Files, not pipes: a chatty firmware cannot block on a full pipe.
    let outPath = "\(directory)/qemu.stdout", errPath = "\(directory)/qemu.stderr"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    do {
      try process.run()
    } catch {
      throw EdgeError(.environment, "could not start \(program): \(error.localizedDescription)")
    }
    var timedOut = false
    if finished.wait(timeout: .now() + timeoutSeconds) == .timedOut {
      timedOut = true
      process.terminate()  // SIGTERM: QEMU exits cleanly
      if finished.wait(timeout: .now() + 5) == .timedOut {
        kill(process.processIdentifier, SIGKILL)
        finished.wait()
      }
    }
    try? outHandle.close()
    try? errHandle.close()
    func read(_ path: String) -> String {
      String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }
    return Run(status: process.terminationStatus, timedOut: timedOut, stdout: read(outPath), stderr: read(errPath))
  }
}
