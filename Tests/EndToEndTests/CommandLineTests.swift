import EdgeCore
import EdgeReference
import EdgeTargets
import Foundation
import Testing

/// The `edgec` binary as users run it: exit codes, one-line errors, and no
/// output directory left behind by a failure.
@Suite struct CommandLineTests {
  /// `swift test` builds the executable next to the test bundle.
  static let edgec: String = {
    let dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
    let beside = dir.appendingPathComponent("edgec").path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(".build/debug/edgec").path
  }()

  func edgec(_ arguments: [String]) throws -> ProcessResult {
    try ProcessRunner.run(Self.edgec, arguments)
  }

  func scratch() throws -> ScratchDirectory { try ScratchDirectory(prefix: "edgec-cli") }

  var demoModel: String {
    Fixture.root.deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Examples/models/kws_dscnn_int8.tflite").path
  }

  @Test func truncatedModelFailsCleanlyAndWritesNothing() throws {
    let dir = try scratch()
    defer { dir.remove() }
    let bytes = try #require(FileManager.default.contents(atPath: demoModel))
    for length in [0, 7, 100, bytes.count / 3, bytes.count - 1] {
      let bad = "\(dir.path)/truncated.tflite", out = "\(dir.path)/out\(length)"
      FileManager.default.createFile(atPath: bad, contents: bytes.prefix(length))
      let result = try edgec(["compile", bad, "--target", "stm32f746", "-o", out])
      #expect(result.status == 1, "length \(length): exit \(result.status)")
      #expect(!result.signaled)
      let lines = result.stderr.split(separator: "\n")
      #expect(lines.count == 1 && lines[0].hasPrefix("error: "), "length \(length): \(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: out), "length \(length) left \(out) behind")
    }
  }

  @Test func compileWritesEveryPromisedFile() throws {
    let dir = try scratch()
    defer { dir.remove() }
    let out = "\(dir.path)/build"
    let result = try edgec(["compile", demoModel, "--target", "stm32f746", "-o", out, "--no-measure-code"])
    #expect(result.status == 0, "\(result.stderr)")
    for file in ["kws_dscnn_int8.h", "kws_dscnn_int8.c", "kws_dscnn_int8_weights.c", "plan.json", "report.json", "edgec/kernels.h"] {
      #expect(FileManager.default.fileExists(atPath: "\(out)/\(file)"), "missing \(file)")
    }
    let report = try #require(FileManager.default.contents(atPath: "\(out)/report.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: report) as? [String: Any])
    for key in ["model", "target", "peak_sram_bytes", "lower_bound_bytes", "weights_bytes", "code_bytes_estimate", "macs", "ops", "inputs", "outputs"] {
      #expect(json[key] != nil, "report.json lacks \(key)")
    }
    #expect(json["target"] as? String == "stm32f746")
  }

  @Test func simulateRejectsMalformedNumpyFiles() throws {
    let dir = try scratch()
    defer { dir.remove() }
    let cases: [(String, [UInt8])] = [
      ("not numpy", Array("hello".utf8)),
      ("wrong dtype", NumpyFile.encode(TensorValue(floats: [Float](repeating: 0, count: 490), shape: Shape([1, 49, 10, 1])))),
      ("wrong shape", NumpyFile.encode(TensorValue([Int8](repeating: 0, count: 48), type: .int8, shape: Shape([48])))),
      ("short data", Array(NumpyFile.encode(TensorValue([Int8](repeating: 0, count: 490), type: .int8, shape: Shape([1, 49, 10, 1]))).dropLast(3))),
    ]
    for (label, bytes) in cases {
      let path = "\(dir.path)/x.npy"
      FileManager.default.createFile(atPath: path, contents: Data(bytes))
      let result = try edgec(["simulate", demoModel, "--input", path, "--output", "\(dir.path)/y.npy"])
      #expect(result.status == 1, "\(label): exit \(result.status)")
      #expect(result.stderr.hasPrefix("error: invalid input"), "\(label): \(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/y.npy"))
    }
  }

  @Test func simulateCheckAgreesWithTheReference() throws {
    let dir = try scratch()
    defer { dir.remove() }
    let x = Fixture.root.deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Examples/models/kws_dscnn_x.npy").path
    // A DSP target: the plan is the chip's, the kernels the portable ones (as `make demo` runs it).
    let result = try edgec(["simulate", demoModel, "--target", "stm32f746", "--input", x, "--output", "\(dir.path)/y.npy", "--check"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains(" 0 differ from the reference"), "\(result.stdout)")
    let y = try NumpyFile.decode([UInt8](try #require(FileManager.default.contents(atPath: "\(dir.path)/y.npy"))))
    let xs = try NumpyFile.decode([UInt8](try #require(FileManager.default.contents(atPath: x))))
    #expect(y.shape.dims.first == xs.shape.dims.first)
  }

  /// Inputs named by tensor name, given in the opposite order, and two outputs
  /// written to Y.npy and Y_1.npy — compared with the committed TFLM outputs.
  @Test func simulateTakesNamedInputsAndWritesEveryOutput() throws {
    let dir = try scratch()
    defer { dir.remove() }
    let add = try #require(Fixture.all.first { $0.name == "add_two_inputs_int8" })
    let model = add.directory.appendingPathComponent("model.tflite").path
    let x0 = add.directory.appendingPathComponent("x_0.npy").path, x1 = add.directory.appendingPathComponent("x_1.npy").path
    var result = try edgec(["simulate", model, "--input", "serving_default_in1:0=\(x1)", "--input", "serving_default_in0:0=\(x0)", "--output", "\(dir.path)/y.npy"])
    #expect(result.status == 0, "\(result.stderr)")
    let y = try NumpyFile.decode([UInt8](try #require(FileManager.default.contents(atPath: "\(dir.path)/y.npy"))))
    #expect(y.bytes == (try add.tflmOutputs()[0]).bytes)

    let two = try #require(Fixture.all.first { $0.name == "two_outputs_int8" })
    result = try edgec(["simulate", two.directory.appendingPathComponent("model.tflite").path, "--input",
                        two.directory.appendingPathComponent(two.inputFiles[0]).path, "--output", "\(dir.path)/z.npy"])
    #expect(result.status == 0, "\(result.stderr)")
    let expected = try two.tflmOutputs()
    for (k, file) in ["z.npy", "z_1.npy"].enumerated() {
      let z = try NumpyFile.decode([UInt8](try #require(FileManager.default.contents(atPath: "\(dir.path)/\(file)"))))
      #expect(z.bytes == expected[k].bytes, "output \(k)")
    }

    result = try edgec(["simulate", model, "--input", "nope=\(x0)", "--output", "\(dir.path)/w.npy"])
    #expect(result.status == 1 && result.stderr.contains("has no input 'nope'"), "\(result.stderr)")
  }

  @Test func inspectJSONIsJSON() throws {
    let result = try edgec(["inspect", demoModel, "--json"])
    #expect(result.status == 0)
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    #expect((json?["layers"] as? [Any])?.isEmpty == false)
  }

  @Test func unknownTargetListsTheKnownOnes() throws {
    let result = try edgec(["compile", demoModel, "--target", "stm32f999", "-o", "/tmp/edgec-never"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("unknown target 'stm32f999'") && result.stderr.contains("stm32f746"))
  }
}

/// A model with operators edgec cannot compile gets one error naming all of them.
@Suite struct UnsupportedOperatorTests {
  @Test func everyUnsupportedOperatorIsListed() throws {
    let t = { (name: String) in Tensor(name: name, type: .float32, shape: Shape([1, 4])) }
    let graph = Graph(
      name: "m", tensors: [t("a"), t("b"), t("c"), t("d")],
      operators: [
        Operator(kind: .other("TANH"), inputs: [0], outputs: [1]),
        Operator(kind: .other("GELU"), inputs: [1], outputs: [2]),
        Operator(kind: .other("TANH"), inputs: [2], outputs: [3]),
      ], inputs: [0], outputs: [3])
    do {
      _ = try lower(graph)
      Issue.record("lowering should fail")
    } catch let error as EdgeError {
      #expect(error.kind == .unsupported)
      #expect(error.message.contains("op 0 (TANH), op 1 (GELU), op 2 (TANH)"), "\(error.message)")
    }
  }
}
