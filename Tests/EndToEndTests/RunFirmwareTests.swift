import EdgeCodegen
import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// `edgec run`'s library half: firmware built for a board, run under QEMU,
/// outputs against the host simulator and TFLM, counts that repeat exactly,
/// and the two ways a firmware can go wrong.
@Suite struct RunFirmwareTests {
  func fixture(_ name: String) throws -> Fixture {
    try #require(Fixture.all.first { $0.name == name }, "fixture \(name) is missing")
  }

  func run(_ fixture: Fixture, on board: String = "mps2-an500", options: TargetRunOptions = TargetRunOptions(), records: Int? = nil)
    throws -> (TargetRun, InputBatch)
  {
    let graph = try fixture.graph()
    var batch = try InputBatch(try fixture.inputs(), for: graph, names: fixture.inputFiles)
    if let records {
      batch = try InputBatch(
        (0..<graph.inputs.count).map { k in
          let all = batch.values[k]
          let size = all.bytes.count / batch.records
          return TensorValue(type: all.type, shape: Shape([records] + Array(all.shape.dims.dropFirst())), bytes: Array(all.bytes.prefix(size * records)))
        }, for: graph, names: fixture.inputFiles)
    }
    let catalog = try TargetCatalog()
    let result = try runOnTarget(graph, target: try catalog.load(board), batch: batch, catalog: catalog, options: options)
    return (result, batch)
  }

  func hostOutputs(_ fixture: Fixture, _ batch: InputBatch) throws -> [TensorValue] {
    let host = try TargetCatalog().load("host")
    let plain = try compile(try fixture.graph(), for: host, options: CompileOptions(measureCode: false))
    return try simulateOnHost(plain, batch: batch, target: host)
  }

  @Test func dscnnInt8IsBitExactWithTheHostSimulatorAndTFLM() throws {
    let f = try fixture("net_dscnn_int8")
    let (result, batch) = try run(f)
    #expect(batch.records == 20 && result.instructions.count == 20)
    #expect(result.exact)
    let host = try hostOutputs(f, batch)
    #expect(result.outputs.map(\.bytes) == host.map(\.bytes))
    #expect(result.outputs.map(\.bytes) == (try f.tflmOutputs()).map(\.bytes))
    #expect(result.outputs[0].shape.dims.first == 20)
  }

  @Test func dscnnFloatIsBitExactWithTheHostSimulator() throws {
    let f = try fixture("net_dscnn_f32")
    let (result, batch) = try run(f, records: 4)
    let host = try hostOutputs(f, batch)
    #expect(result.outputs.map(\.bytes) == host.map(\.bytes))
  }

  @Test(arguments: ["mps2-an386", "mps2-an505"]) func otherBoardsRunItBitExact(_ board: String) throws {
    let f = try fixture("net_dscnn_int8")
    let (result, batch) = try run(f, on: board, records: 2)
    #expect(result.exact)
    #expect(result.outputs.map(\.bytes) == (try hostOutputs(f, batch)).map(\.bytes))
  }

  /// The same firmware and input give the same count, to the instruction.
  @Test func countsAreTheSameOnEveryRun() throws {
    let f = try fixture("net_dscnn_int8")
    let (first, _) = try run(f, records: 3)
    let (second, _) = try run(f, records: 3)
    #expect(first.instructions == second.instructions)
    #expect(first.instructions.allSatisfy { $0 > 100_000 })
    #expect(first.image.flashBytes == second.image.flashBytes && first.image.ramBytes == second.image.ramBytes)
  }

  /// One entry per kernel, in program order; together they account for the
  /// whole invoke but its entry and exit and the hooks' effect on register
  /// allocation (a few instructions per operator).
  @Test func profileCountsEveryKernel() throws {
    let f = try fixture("net_dscnn_int8")
    let (result, _) = try run(f, options: TargetRunOptions(profile: true), records: 1)
    let kernels = result.compilation.program.compactMap { step -> Int? in
      if case .kernel(let op, _, _, _) = step { return op } else { return nil }
    }
    #expect(result.profile.map(\.op) == kernels)
    #expect(result.profile.allSatisfy { $0.instructions > 0 })
    let sum = result.profile.map(\.instructions).reduce(0, +)
    let total = result.instructions[0]
    #expect(sum > total - 20 * UInt64(kernels.count) && sum < total + 20 * UInt64(kernels.count), "sum \(sum), total \(total)")
  }

  @Test func aHardFaultNamesThePCAndItsFunction() throws {
    let f = try fixture("net_dscnn_int8")
    let options = TargetRunOptions(extraFlags: ["-DEDGEC_FW_BEFORE_INVOKE=__asm__ volatile(\"udf #0\")"])
    do {
      _ = try run(f, options: options, records: 1)
      Issue.record("a firmware executing udf should fail")
    } catch let error as EdgeError {
      #expect(error.kind == .environment)
      #expect(error.message.hasPrefix("the firmware crashed on mps2-an500 (mps2-an500): hardfault pc=0x"), "\(error.message)")
      #expect(error.message.contains("(in main+0x"), "\(error.message)")
      #expect(error.message.contains("cfsr=0x00010000"), "an undefined instruction: \(error.message)")
    }
  }

  @Test func aHangIsStoppedAtTheTimeLimit() throws {
    let f = try fixture("net_dscnn_int8")
    let options = TargetRunOptions(timeoutSeconds: 2, extraFlags: ["-DEDGEC_FW_BEFORE_INVOKE=for (;;) {}"])
    do {
      _ = try run(f, options: options, records: 1)
      Issue.record("a firmware that never ends should fail")
    } catch let error as EdgeError {
      #expect(error.kind == .environment)
      #expect(error.message.hasPrefix("the firmware did not finish within 2 s on mps2-an500 (mps2-an500) and was stopped"), "\(error.message)")
    }
  }

  @Test func aTargetWithoutQEMUIsRefused() throws {
    let f = try fixture("net_dscnn_int8")
    #expect(throws: EdgeError.self) { _ = try run(f, on: "stm32f746", records: 1) }
  }
}
