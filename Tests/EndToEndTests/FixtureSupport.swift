import EdgeCore
import EdgeReference
import EdgeImport
import EdgePasses
import Foundation
import Testing

/// The committed fixtures (Tests/Fixtures/manifest.json, made by
/// tools/make_fixtures.py): small models with inputs and the outputs TFLM and
/// LiteRT's reference kernels gave for them.
struct Fixture: CustomTestStringConvertible, Sendable {
  let name: String
  let dtype: String
  let directory: URL
  let inputFiles: [String]
  let tflmFiles: [String]
  let litertFiles: [String]
  let tflmAgreesWithLiteRT: Bool
  /// The peers that produced outputs ("peers" in the manifest; absent: both).
  /// TFLM has no GELU: such fixtures have y_litert only and are compared
  /// under `rounding: .litert` (the manifest's "rounding": "litert").
  var peers: [String] = ["tflm", "litert"]
  /// "stateful": the rows are consecutive calls of one model instance whose
  /// resource variables carry over: run them in order, never reset between rows.
  var isStateful = false

  var testDescription: String { name }
  var isQuantized: Bool { dtype != "float32" }
  var hasTFLMOutputs: Bool { peers.contains("tflm") }
  /// Whose arithmetic an int8 fixture is held to: TFLM's, or LiteRT's
  /// reference kernels when only LiteRT runs it (GELU).
  var rounding: Rounding { isQuantized && !hasTFLMOutputs ? .litert : .tflm }
  /// The outputs the reference and the emitted C must give: TFLM's for int8
  /// (LiteRT's when TFLM cannot run the model), LiteRT's for float.
  func expectedOutputs() throws -> [TensorValue] {
    isQuantized && hasTFLMOutputs ? try tflmOutputs() : try litertOutputs()
  }

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

  /// Every fixture in the manifest; empty (and the tests that need them then
  /// fail in `manifestIsPresent`) when the manifest is missing.
  static let all: [Fixture] = {
    guard let data = FileManager.default.contents(atPath: root.appendingPathComponent("manifest.json").path),
      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let entries = json["fixtures"] as? [[String: Any]]
    else { return [] }
    return entries.compactMap { entry in
      guard let name = entry["name"] as? String, let dtype = entry["dtype"] as? String,
        let inputs = entry["inputs"] as? [[String: Any]], let outputs = entry["outputs"] as? [[String: Any]]
      else { return nil }
      let agreement = entry["tflm_vs_litert"] as? [String: Any]
      return Fixture(
        name: name, dtype: dtype, directory: root.appendingPathComponent(name),
        inputFiles: inputs.compactMap { $0["file"] as? String },
        tflmFiles: outputs.compactMap { $0["tflm_file"] as? String },
        litertFiles: outputs.compactMap { $0["litert_file"] as? String },
        tflmAgreesWithLiteRT: agreement?["bit_exact"] as? Bool ?? false,
        peers: entry["peers"] as? [String] ?? ["tflm", "litert"], isStateful: entry["stateful"] as? Bool ?? false)
    }
  }()

  func graph() throws -> Graph { try loadModel(path: directory.appendingPathComponent("model.tflite").path) }

  /// The graph the reference interpreter runs: the imported one with its
  /// compile-time shape arithmetic (SHAPE, STRIDED_SLICE, PACK, … in the
  /// keras_shape_* exports) folded, as `compile` folds it; those operators
  /// have no kernel. The same graph for every other fixture.
  func referenceGraph() throws -> Graph { try PassManager([FoldConstants()]).run(graph()).graph }

  func npy(_ file: String) throws -> TensorValue {
    let path = directory.appendingPathComponent(file).path
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EdgeError(.invalidInput, "missing fixture file \(path)")
    }
    return try NumpyFile.decode([UInt8](data), name: path)
  }

  func inputs() throws -> [TensorValue] { try inputFiles.map(npy) }
  func tflmOutputs() throws -> [TensorValue] {
    guard hasTFLMOutputs else {
      throw EdgeError(.invalidInput, "fixture \(name) has no TFLM outputs (peers \(peers)): compare it with litertOutputs() under rounding .litert")
    }
    return try tflmFiles.map(npy)
  }
  func litertOutputs() throws -> [TensorValue] { try litertFiles.map(npy) }
}

/// Row `r` of a stacked [N, ...] value, reshaped to `shape`.
func row(_ value: TensorValue, _ r: Int, shape: Shape) -> TensorValue {
  let size = shape.elementCount * value.type.byteSize
  return TensorValue(type: value.type, shape: shape, bytes: Array(value.bytes[(r * size)..<((r + 1) * size)]))
}

/// Element-wise comparison: the number of integer elements that differ, or of
/// float elements beyond `tolerance` relative error (relative to the larger of
/// |expected| and 1e-6 of the largest |expected|, as the acceptance check does).
func mismatches(_ got: TensorValue, _ expected: TensorValue, tolerance: Double = 0) -> Int {
  if expected.type.isFloatingPoint {
    let a = got.doubles, b = expected.doubles
    let floor = 1e-6 * (b.map(abs).max() ?? 0) + 1e-12
    return zip(a, b).filter { !(abs($0 - $1) / (abs($1) + floor) <= tolerance) }.count
  }
  guard got.bytes.count == expected.bytes.count else { return max(got.elementCount, expected.elementCount) }
  let width = expected.type.byteSize
  return (0..<expected.elementCount).filter {
    got.bytes[($0 * width)..<(($0 + 1) * width)] != expected.bytes[($0 * width)..<(($0 + 1) * width)]
  }.count
}
