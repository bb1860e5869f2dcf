import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// `--quantize int8 --calibration DATA` on the command line.
@Suite struct QuantizeCommandTests {
  let fixture = Fixture.root.appendingPathComponent("net_dscnn_f32")

  func edgec(_ arguments: [String]) throws -> ProcessResult {
    try ProcessRunner.run(CommandLineTests.edgec, arguments)
  }

  func npy(_ path: String) throws -> TensorValue {
    let data = try #require(FileManager.default.contents(atPath: path))
    return try NumpyFile.decode([UInt8](data), name: path)
  }

  /// simulate quantizes, runs the int8 C on the host, and --check compares it
  /// with the reference interpreter of the quantized graph: bit-exact. The
  /// outputs are the DS-CNN's float outputs within 33.18 dB (as the fixture
  /// test measures through the reference).
  @Test func simulateChecksTheQuantizedModel() throws {
    let dir = try ScratchDirectory(prefix: "edgec-ptq")
    defer { dir.remove() }
    let x = fixture.appendingPathComponent("x.npy").path, y = "\(dir.path)/y.npy"
    let result = try edgec([
      "simulate", fixture.appendingPathComponent("model.tflite").path, "--quantize", "int8", "--calibration", x,
      "--input", x, "--output", y, "--check",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("240 values, 0 differ from the reference"), "\(result.stdout)")
    // stderr is not a terminal here: plain progress lines, one per tenth.
    #expect(result.stderr.contains("calibrating 20/20\n"))
    #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("calibrating") }.count == 11)
    let got = try npy(y).doubles, want = try npy(fixture.appendingPathComponent("y_tflm.npy").path).doubles
    let signal = want.reduce(0) { $0 + $1 * $1 }
    let noise = zip(got, want).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    #expect(abs(10 * log10(signal / noise) - 33.18) < 0.01)
  }

  /// A folder of one-sample files calibrates exactly as the batch they were
  /// cut from: compile writes the same C. The weights are int8 (a quarter of
  /// the float bytes plus int32 biases).
  @Test func folderCalibrationEqualsTheBatch() throws {
    let dir = try ScratchDirectory(prefix: "edgec-ptq")
    defer { dir.remove() }
    let batch = try npy(fixture.appendingPathComponent("x.npy").path)
    let one = Shape(Array(batch.shape.dims.dropFirst()))
    try FileManager.default.createDirectory(atPath: "\(dir.path)/samples", withIntermediateDirectories: true)
    for k in 0..<batch.shape.dims[0] {
      let sample = row(batch, k, shape: one)
      FileManager.default.createFile(
        atPath: "\(dir.path)/samples/\(String(format: "%03d", k)).npy", contents: Data(NumpyFile.encode(sample)))
    }
    let model = fixture.appendingPathComponent("model.tflite").path
    var sources: [String] = []
    for data in [fixture.appendingPathComponent("x.npy").path, "\(dir.path)/samples"] {
      let out = "\(dir.path)/out\(sources.count)"
      let result = try edgec(["compile", model, "--quantize", "int8", "--calibration", data, "-o", out, "--no-measure-code"])
      #expect(result.status == 0, "\(result.stderr)")
      sources.append((try? String(contentsOfFile: "\(out)/model_weights.c", encoding: .utf8)) ?? "")
      sources[sources.count - 1] += (try? String(contentsOfFile: "\(out)/model.c", encoding: .utf8)) ?? ""
    }
    #expect(!sources[0].isEmpty && sources[0] == sources[1])
    #expect(sources[0].contains("edgec_conv2d_s8"))
    #expect(!sources[0].contains("edgec_conv2d_f32"))
  }

  @Test func quantizeNeedsCalibrationAndCalibrationNeedsQuantize() throws {
    let model = fixture.appendingPathComponent("model.tflite").path
    let missing = try edgec(["compile", model, "--quantize", "int8", "--no-measure-code", "-o", "/nonexistent/never"])
    #expect(missing.status == 1)
    #expect(missing.stderr.hasPrefix("error: ") && missing.stderr.contains("--calibration"), "\(missing.stderr)")
    let stray = try edgec(["compile", model, "--calibration", "x.npy", "--no-measure-code", "-o", "/nonexistent/never"])
    #expect(stray.status == 1)
    #expect(stray.stderr.contains("only used with --quantize int8"), "\(stray.stderr)")
    let method = try edgec(["compile", model, "--quantize", "int8", "--calibration-method", "median"])
    #expect(method.status != 0 && method.stderr.contains("calibration-method"), "\(method.stderr)")
  }
}
