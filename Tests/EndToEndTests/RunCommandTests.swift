import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// `edgec run` and `edgec targets` as users call them.
@Suite struct RunCommandTests {
  func edgec(_ arguments: [String]) throws -> ProcessResult {
    try ProcessRunner.run(CommandLineTests.edgec, arguments)
  }

  func model() throws -> String {
    try #require(Fixture.all.first { $0.name == "net_dscnn_int8" }).directory.appendingPathComponent("model.tflite").path
  }

  @Test func jsonHasTheContractKeysAndMatchesTheHostSimulator() throws {
    let dir = try ScratchDirectory(prefix: "edgec-run-cli")
    defer { dir.remove() }
    let dscnn = try #require(Fixture.all.first { $0.name == "net_dscnn_int8" })
    let model = dscnn.directory.appendingPathComponent("model.tflite").path
    let x = dscnn.directory.appendingPathComponent("x.npy").path
    let result = try edgec(["run", model, "--target", "mps2-an500", "--input", x, "--output", "\(dir.path)/y.npy", "--json", "--profile"])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    for key in ["model", "target", "instructions_per_inference", "flash_bytes", "ram_bytes", "inputs", "matched", "per_layer", "placement"] {
      #expect(json[key] != nil, "missing \(key)")
    }
    #expect(json["matched"] as? Bool == true && json["inputs"] as? Int == 20 && json["exact"] as? Bool == true)
    #expect((json["per_layer"] as? [[String: Any]])?.first?["operator"] as? String == "CONV_2D")
    let written = try NumpyFile.decode([UInt8](try #require(FileManager.default.contents(atPath: "\(dir.path)/y.npy"))), name: "y.npy")
    #expect(written.bytes == (try dscnn.tflmOutputs())[0].bytes)
  }

  @Test func withoutInputItMeasuresOneFixedInputTheSameWayEachTime() throws {
    let model = try model()
    let a = try edgec(["run", model, "--json"]), b = try edgec(["run", model, "--json"])
    #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
    let x = try #require(try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any])
    let y = try #require(try JSONSerialization.jsonObject(with: Data(b.stdout.utf8)) as? [String: Any])
    #expect(x["inputs"] as? Int == 1 && x["matched"] == nil && x["target"] as? String == "mps2-an500")
    #expect(x["instructions_per_inference"] as? Int == y["instructions_per_inference"] as? Int)
  }

  @Test func errorsAreOneLineAndNonZero() throws {
    let model = try model()
    let noQemu = try edgec(["run", model, "--target", "stm32f746"])
    #expect(noQemu.status == 1)
    #expect(noQemu.stderr == "error: invalid input: target stm32f746 has no QEMU machine to run on; use one of the boards that has (mps2-an500, mps2-an386, mps2-an505)\n")
    let usage = try edgec(["run", model, "--output", "y.npy"])
    #expect(usage.status == 64, "\(usage.stderr)")
  }

  @Test func targetsListsEveryFile() throws {
    let result = try edgec(["targets"])
    #expect(result.status == 0)
    let names = result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ").first.map(String.init) ?? "" }
    #expect(names == (try TargetCatalog().names()))
    #expect(names.count == 9)
  }
}
