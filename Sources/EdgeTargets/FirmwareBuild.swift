import EdgeCore
import Foundation

/// Builds a bare-metal firmware image for a Cortex-M target: the model's
/// generated C and runtime kernels, a `main`, the support code beside the
/// target's linker-script template (Targets/cortex-m: vector table and reset
/// handler, semihosting, fault reporting, the instruction clock) and a linker
/// script made from the template and the memory placement. No C library
/// startup and no semihosting library: newlib-nano supplies only memcpy,
/// memset and libm.
public struct FirmwareBuild {
  public let target: Target
  /// The directory of the target's linker-script template and support code.
  public let supportDirectory: String
  public let templateName: String

  public init(target: Target, catalog: TargetCatalog) throws {
    guard let template = target.linkerTemplate else {
      throw EdgeError(.invalidInput, "target \(target.name) has no linker_template, so edgec cannot build firmware for it; add one to Targets/\(target.name).json (see Targets/mps2-an500.json)")
    }
    self.target = target
    templateName = template
    supportDirectory = ((catalog.directory as NSString).appendingPathComponent(template) as NSString).deletingLastPathComponent
  }

  /// What the build yields: the ELF and its sizes (Berkeley `size`: text
  /// includes read-only data; bss includes the arena and the stack).
  public struct Image: Sendable {
    public var path: String
    public var text: Int
    public var data: Int
    public var bss: Int
    /// Image bytes in flash: text + data (data's initial values live there).
    public var flashBytes: Int { text + data }
    /// Bytes of RAM: data + bss, arena and stack included.
    public var ramBytes: Int { data + bss }
  }

  /// The preprocessor definitions the support code reads (edgec_firmware.h).
  public var defines: [String] {
    var result: [String] = []
    if let timer = target.timer, timer.instructionsPerTick > 3 {
      result += ["-DEDGEC_TIMER_BASE=\(hexAddress(timer.base))", "-DEDGEC_TIMER_TICK_INSNS=\(timer.instructionsPerTick)"]
    }
    if target.enableCaches == true { result.append("-DEDGEC_ENABLE_CACHES=1") }
    return result
  }

  /// The linker script for `placement`.
  public func linkerScript(placement: MemoryPlacement) throws -> String {
    let path = (supportDirectory as NSString).appendingPathComponent((templateName as NSString).lastPathComponent)
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EdgeError(.environment, "cannot read the linker-script template \(path)")
    }
    return try LinkerScript.render(
      template: String(decoding: data, as: UTF8.self), templateName: templateName, target: target, placement: placement)
  }

  /// Writes `files` (output-relative paths: the model's sources, its
  /// `edgec/` runtime, the main) into `directory`, adds the support code and
  /// the linker script, and compiles and links `firmware.elf` with the
  /// target's compiler, its flags, `extraFlags` and the strict warnings the
  /// generated code is held to.
  public func build(
    files: [(String, String)], placement: MemoryPlacement, extraFlags: [String] = [], in directory: ScratchDirectory
  ) throws -> Image {
    try directory.write(files + [("firmware.ld", try linkerScript(placement: placement))])
    let support = try FileManager.default.contentsOfDirectory(atPath: supportDirectory).sorted()
    let supportSources = support.filter { $0.hasSuffix(".c") || $0.hasSuffix(".S") }.map { "\(supportDirectory)/\($0)" }
    let sources = files.map(\.0).filter { $0.hasSuffix(".c") || $0.hasSuffix(".S") } + supportSources
    let arguments = target.cflags + ["-Wall", "-Wextra", "-Werror", "-pedantic"] + defines + extraFlags
      + ["-I", directory.path, "-I", supportDirectory] + sources
      + ["-nostartfiles", "--specs=nano.specs", "-Wl,--gc-sections", "-Wl,--no-warn-rwx-segments", "-T", "firmware.ld", "-o", "firmware.elf", "-lm"]
    let result = try ProcessRunner.run(target.cc, arguments, directory: directory.path)
    guard result.status == 0 else {
      throw EdgeError(.environment, "\(target.cc) could not build the firmware for \(target.name):\n\(result.stderr)")
    }
    let path = "\(directory.path)/firmware.elf"
    let size = try ProcessRunner.run(target.sizeTool, [path])
    let numbers = size.stdout.split(separator: "\n").dropFirst().first?
      .split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Int($0) } ?? []
    guard size.status == 0, numbers.count >= 3 else {
      throw EdgeError(.environment, "\(target.sizeTool) could not read \(path): \(size.stderr)")
    }
    return Image(path: path, text: numbers[0], data: numbers[1], bss: numbers[2])
  }
}
