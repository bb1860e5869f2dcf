import EdgeCore
import EdgeReference
import EdgeTargets

/// What `edgec run` does, as a library call: compile the model for a Cortex-M
/// target with its arena in the placed region, build a firmware around it,
/// run it under QEMU with exact instruction counting, and return the outputs
/// and the counts.
public struct TargetRunOptions: Sendable {
  public var rounding: Rounding
  /// Also build and run a profiled firmware on the first record for
  /// per-operator counts (the plain run keeps the total exact).
  public var profile: Bool
  public var timeoutSeconds: Double
  /// Extra compiler flags for the firmware build (the tests inject faults with them).
  public var extraFlags: [String]
  /// CompileOptions.sramBudget for the firmware's compilation.
  public var sramBudget: Int? = nil

  public init(rounding: Rounding = .tflm, profile: Bool = false, timeoutSeconds: Double = 600, extraFlags: [String] = []) {
    self.rounding = rounding
    self.profile = profile
    self.timeoutSeconds = timeoutSeconds
    self.extraFlags = extraFlags
  }
}

public struct TargetRun: Sendable {
  public var compilation: Compilation
  public var image: FirmwareBuild.Image
  /// One value per graph output, shaped [N, *output shape].
  public var outputs: [TensorValue]
  /// Exact instructions of each record's invoke.
  public var instructions: [UInt64]
  public var exact: Bool
  /// Per operator (profiled runs): op index, instructions; RESHAPEs, which
  /// execute no code, are absent.
  public var profile: [(op: Int, instructions: UInt64)]

  /// The figure to compare: the mean over the records (they differ only
  /// where a kernel's path depends on the data).
  public var instructionsPerInference: UInt64 {
    instructions.isEmpty ? 0 : instructions.reduce(0, +) / UInt64(instructions.count)
  }
}

/// The arena's section in firmware builds; Targets/cortex-m/firmware.ld maps it.
public let firmwareArenaSection = ".bss.edgec_arena"

public func runOnTarget(
  _ graph: Graph, target: Target, batch: InputBatch, catalog: TargetCatalog, options: TargetRunOptions
) throws -> TargetRun {
  guard target.qemu != nil else {
    throw EdgeError(.invalidInput, "target \(target.name) has no QEMU machine to run on; use one of the boards that has (mps2-an500, mps2-an386, mps2-an505)")
  }
  let builder = try FirmwareBuild(target: target, catalog: catalog)
  func build(profiled: Bool, records: Int) throws -> (Compilation, FirmwareBuild.Image, FirmwareRun) {
    var compileOptions = CompileOptions(rounding: options.rounding, measureCode: false)
    compileOptions.arenaSection = firmwareArenaSection
    compileOptions.profileHooks = profiled
    compileOptions.sramBudget = options.sramBudget
    let compilation = try compile(graph, for: target, options: compileOptions)
    guard let placement = compilation.report.placement else {
      throw EdgeError(.environment, "internal error: the compilation for \(target.name) has no memory placement")
    }
    var files = compilation.files.filter { $0.path.hasSuffix(".c") || $0.path.hasSuffix(".h") }.map { ($0.path, $0.contents) }
    files.append(("edgec_firmware_main.c", firmwareMainSource(for: graph, records: records)))
    let kernels = compilation.program.filter { if case .kernel = $0 { return true } else { return false } }.count
    let flags = options.extraFlags + (profiled ? FirmwareRun.profileFlags(kernels: kernels) : [])
    let directory = try ScratchDirectory(prefix: "edgec-run")
    defer { directory.remove() }
    let image = try builder.build(files: files, placement: placement, extraFlags: flags, in: directory)
    let inputs = batch.values.map { value in Array(value.bytes.prefix(value.bytes.count / max(batch.records, 1) * records)) }
    let run = try FirmwareRun(
      image: image, target: target, directory: directory.path, inputs: inputs, records: records,
      outputBytes: graph.outputs.map { graph.tensors[$0].byteSize }, timeoutSeconds: options.timeoutSeconds)
    return (compilation, image, run)
  }

  let (compilation, image, run) = try build(profiled: false, records: batch.records)
  var profile: [(op: Int, instructions: UInt64)] = []
  if options.profile {
    profile = try build(profiled: true, records: 1).2.profile
  }
  let outputs = zip(run.outputs, graph.outputs).map { bytes, id in
    TensorValue(type: graph.tensors[id].type, shape: Shape([batch.records] + graph.tensors[id].shape.dims), bytes: bytes)
  }
  return TargetRun(
    compilation: compilation, image: image, outputs: outputs, instructions: run.instructions, exact: run.exact,
    profile: profile)
}

/// One record per input when the user gives none: a fixed pseudo-random
/// pattern (the same on every run), so that `edgec run` measures a model
/// without data. Integers cover their whole range; floats lie in [-1, 1).
public func deterministicBatch(for graph: Graph) throws -> InputBatch {
  var state: UInt32 = 0x2545F491
  func next() -> UInt32 {
    // xorshift32: tiny, and the same bytes on every host.
    state ^= state << 13
    state ^= state >> 17
    state ^= state << 5
    return state
  }
  let values = graph.inputs.map { id -> TensorValue in
    let tensor = graph.tensors[id]
    var bytes: [UInt8] = []
    bytes.reserveCapacity(tensor.byteSize)
    if tensor.type.isFloatingPoint && tensor.type.byteSize == 4 {
      for _ in 0..<tensor.elementCount {
        let value = Float(Int32(bitPattern: next()) >> 8) / Float(1 << 23)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
      }
    } else {
      while bytes.count < tensor.byteSize { bytes.append(UInt8(truncatingIfNeeded: next() >> 24)) }
    }
    return TensorValue(type: tensor.type, shape: tensor.shape, bytes: bytes)
  }
  return try InputBatch(values, for: graph, names: graph.inputs.map { _ in "a fixed pattern" })
}
