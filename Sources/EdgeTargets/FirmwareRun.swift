import EdgeCore
import Foundation

/// Runs a firmware image built around the generated main (EdgeCodegen's
/// FirmwareMain.swift) under QEMU: writes the input records where the
/// firmware reads them, runs it, and turns what it printed and wrote into
/// numbers — or into an error that says what happened: a fault with its PC
/// and function, a hang stopped at the time limit, a failed exit.
public struct FirmwareRun: Sendable {
  /// Exact instructions of each record's invoke.
  public var instructions: [UInt64]
  /// Per operator of record 0 (profiled builds): op index, instructions.
  public var profile: [(op: Int, instructions: UInt64)]
  /// False when the timer did not behave as under `-icount shift=0`: the
  /// counts are then only good to a timer tick.
  public var exact: Bool
  /// Per model output, the records' bytes back to back.
  public var outputs: [[UInt8]]

  /// Flags for a profiled build: the generated model's EDGEC_PROFILE hook
  /// becomes a mark (Targets/cortex-m/profile.c), with room for `kernels`
  /// marks plus the entry mark and the two calibration marks.
  public static func profileFlags(kernels: Int) -> [String] {
    [
      "-DEDGEC_FW_PROFILE", "-DEDGEC_PROFILE_MARKS=\(kernels + 3)",
      "-DEDGEC_PROFILE(op)=do { extern void edgec_profile_mark(int); edgec_profile_mark(op); } while (0)",
    ]
  }

  public init(
    image: FirmwareBuild.Image, target: Target, directory: String, inputs: [[UInt8]], records: Int,
    outputBytes: [Int], timeoutSeconds: Double
  ) throws {
    guard let emulator = target.qemu else {
      throw EdgeError(.invalidInput, "target \(target.name) has no QEMU machine to run on; use one of the boards that has (mps2-an500, mps2-an386, mps2-an505)")
    }
    for (k, bytes) in inputs.enumerated() {
      let path = "\(directory)/input\(k).bin"
      guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
        throw EdgeError(.environment, "cannot write \(path)")
      }
    }
    let run = try QemuRunner.run(elf: image.path, emulator: emulator, directory: directory, timeoutSeconds: timeoutSeconds)
    let lines = run.stderr.split(separator: "\n").map(String.init)
    let console = lines.filter { $0.hasPrefix("edgec-fw: ") }.map { String($0.dropFirst(10)) }
    let last = console.suffix(3).joined(separator: "; ")
    let place = "\(emulator.machine) (\(target.name))"

    if run.timedOut {
      throw EdgeError(
        .environment,
        "the firmware did not finish within \(FirmwareRun.seconds(timeoutSeconds)) on \(place) and was stopped: it hangs (an endless loop, or a wait for something that never comes) or the model needs more time — raise --timeout if so. \(last.isEmpty ? "It printed nothing." : "Its last words: \(last)")")
    }
    if let fault = console.first(where: { $0.contains("fault pc=") }) {
      throw EdgeError(.environment, "the firmware crashed on \(place): \(FirmwareRun.describe(fault: fault, elf: image.path))")
    }
    if let error = console.first(where: { $0.hasPrefix("error ") }) {
      throw EdgeError(.environment, "the firmware stopped on \(place): \(error.dropFirst(6))")
    }
    guard run.status == 0, console.contains("done") else {
      let qemu = lines.filter { !$0.hasPrefix("edgec-fw: ") }.prefix(5).joined(separator: "\n")
      throw EdgeError(
        .environment,
        "the firmware ended with status \(run.status) on \(place) before finishing\(last.isEmpty ? "" : " (last words: \(last))")\(qemu.isEmpty ? "" : ":\n\(qemu)")")
    }

    var counts: [Int: UInt64] = [:]
    var profile: [(op: Int, instructions: UInt64)] = []
    for line in console {
      let words = line.split(separator: " ")
      if words.count == 4, words[0] == "record", words[2] == "instructions", let r = Int(words[1]), let n = UInt64(words[3]) {
        counts[r] = n
      } else if words.count == 5, words[0] == "profile", words[1] == "0", words[2] == "op", let op = Int(words[3]), let n = UInt64(words[4]) {
        profile.append((op, n))
      }
    }
    guard counts.count == records, (0..<records).allSatisfy({ counts[$0] != nil }) else {
      throw EdgeError(.environment, "the firmware reported instruction counts for \(counts.count) of \(records) records on \(place)")
    }
    instructions = (0..<records).compactMap { counts[$0] }
    self.profile = profile
    exact = !console.contains("clock inexact")
    outputs = try outputBytes.indices.map { k in
      let path = "\(directory)/output\(k).bin"
      guard let data = FileManager.default.contents(atPath: path), data.count == outputBytes[k] * records else {
        throw EdgeError(.environment, "the firmware wrote a short output \(k) (\(path)) on \(place)")
      }
      return [UInt8](data)
    }
  }

  /// "hardfault pc=0x… lr=0x… …" → the same with the functions the PC and
  /// LR fall in, from the image's symbol table.
  static func describe(fault: String, elf: String) -> String {
    let symbols = (try? ELFFile(contentsOf: elf))?.symbols.filter { $0.kind == .function && $0.size > 0 } ?? []
    func function(at text: Substring) -> String? {
      guard let address = UInt64(text.dropFirst(2), radix: 16) else { return nil }
      let pc = address & ~1
      guard let symbol = symbols.first(where: { pc >= $0.value & ~1 && pc < ($0.value & ~1) + UInt64($0.size) }) else { return nil }
      return "\(symbol.name)+0x\(String(pc - (symbol.value & ~1), radix: 16))"
    }
    var parts: [String] = []
    for word in fault.split(separator: " ") {
      if word.hasPrefix("pc=") || word.hasPrefix("lr="), let name = function(at: word.dropFirst(3)) {
        parts.append("\(word) (in \(name))")
      } else {
        parts.append(String(word))
      }
    }
    return parts.joined(separator: " ")
  }

  static func seconds(_ value: Double) -> String {
    value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
  }
}
