import EdgeCore
import EdgeImport
import Foundation
import Testing

@testable import EdgeReference

// BATCH_MATMUL, TRANSPOSE, STRIDED_SLICE, GATHER, SPLIT, SPLIT_V and SOFTMAX
// of rank 3 and 4, run by the reference interpreter on the per-operator
// fixtures tools/fixtures_ops6.py made (Tests/Fixtures/<name>: one operator,
// 20 seeded input rows, the outputs TFLM gave). Every element must equal
// TFLM's, int8 and float32 alike (all of these are exact in float: data
// movement, and sums of products in TFLM's order).

/// Fixture names, with what each covers (see the manifest's "covers").
let transformerOpFixtures = [
  "bmm_3d", "bmm_4d", "bmm_adj_x", "bmm_adj_y", "bmm_adj_xy", "bmm_bcast", "bmm_bcast_rank",
  "transpose_021", "transpose_0213", "transpose_0231", "transpose_201", "transpose_3102",
  "sslice_4d_neg", "sslice_masks", "sslice_shrink", "sslice_strided",
  "gather_axis0", "gather_axis1", "gather_axis1_2d",
  "split_axis1", "split_last", "splitv_axis1", "splitv_last",
  "softmax_rank3", "softmax_rank4", "softmax_attn4d",
].flatMap { ["\($0)_int8", "\($0)_f32"] }

struct OpFixture {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

  let graph: Graph
  /// rows[r][i]: input i of row r.
  let rows: [[TensorValue]]
  /// expected[r][k]: TFLM's output k of row r.
  let expected: [[TensorValue]]

  init(_ name: String) throws {
    let directory = Self.root.appendingPathComponent(name)
    func read(_ file: String) throws -> TensorValue? {
      let path = directory.appendingPathComponent(file).path
      guard let data = FileManager.default.contents(atPath: path) else { return nil }
      return try NumpyFile.decode([UInt8](data), name: file)
    }
    guard let model = FileManager.default.contents(atPath: directory.appendingPathComponent("model.tflite").path)
    else { throw EdgeError(.environment, "fixture \(name) has no model.tflite in \(directory.path)") }
    let graph = try importModel(bytes: [UInt8](model), name: name)
    self.graph = graph
    let inputs = try (try read("x.npy")).map { [$0] } ?? (0..<graph.inputs.count).map { i in
      guard let value = try read("x_\(i).npy") else { throw EdgeError(.environment, "fixture \(name) lacks x_\(i).npy") }
      return value
    }
    let outputs = try (try read("y_tflm.npy")).map { [$0] } ?? (0..<graph.outputs.count).map { k in
      guard let value = try read("y_tflm_\(k).npy") else { throw EdgeError(.environment, "fixture \(name) lacks y_tflm_\(k).npy") }
      return value
    }
    let count = inputs[0].shape[0]
    func row(_ batch: TensorValue, _ r: Int, _ id: TensorID) -> TensorValue {
      let tensor = graph.tensors[id]
      let size = tensor.byteSize
      return TensorValue(type: tensor.type, shape: tensor.shape, bytes: Array(batch.bytes[(r * size)..<((r + 1) * size)]))
    }
    rows = (0..<count).map { r in zip(inputs, graph.inputs).map { row($0, r, $1) } }
    expected = (0..<count).map { r in zip(outputs, graph.outputs).map { row($0, r, $1) } }
  }
}

@Suite("Transformer operator fixtures (reference interpreter vs TFLM)")
struct TransformerOpFixtureTests {
  @Test(arguments: transformerOpFixtures)
  func matchesTFLM(_ name: String) throws {
    let fixture = try OpFixture(name)
    #expect(fixture.rows.count == 20)
    let interpreter = try ReferenceInterpreter(graph: fixture.graph)
    var mismatches = 0
    for (row, expected) in zip(fixture.rows, fixture.expected) {
      let outputs = try interpreter.run(row)
      #expect(outputs.count == expected.count)
      for (got, want) in zip(outputs, expected) where got.bytes != want.bytes {
        mismatches += zip(got.doubles, want.doubles).filter { $0 != $1 }.count
      }
    }
    #expect(mismatches == 0, "\(name): \(mismatches) elements differ from TFLM")
  }

  /// BATCH_MATMUL counts one MAC per inner-axis product of every output element.
  @Test func batchMatMulMACs() throws {
    // [1,2,8,16] x [1,2,16,8]: 128 outputs of 16 products.
    #expect(GraphStatistics(try OpFixture("bmm_4d_int8").graph).totalMACs == 2048)
    // adj_x: lhs [1,6,4] read as [1,4,6]; output [1,4,5], 6 products each.
    #expect(GraphStatistics(try OpFixture("bmm_adj_x_f32").graph).totalMACs == 120)
  }

  /// The fixtures really exercise the run-time kernels (nothing was folded
  /// away or aliased where a copy is due).
  @Test func lowersToTheExpectedKernels() throws {
    func functions(_ name: String) throws -> [String] {
      try lower(try OpFixture(name).graph).compactMap {
        if case .kernel(_, let kernel, _, _) = $0 { return kernel.cFunction }
        return "alias"
      }
    }
    #expect(try functions("bmm_bcast_int8") == ["edgec_batch_matmul_s8"])
    #expect(try functions("bmm_4d_f32") == ["edgec_batch_matmul_f32"])
    #expect(try functions("transpose_0231_int8") == ["edgec_strided_copy"])
    #expect(try functions("sslice_strided_int8") == ["edgec_strided_copy"])
    #expect(try functions("sslice_shrink_int8") == ["edgec_slice"])
    #expect(try functions("gather_axis1_f32") == ["edgec_gather"])
    #expect(try functions("splitv_last_int8") == ["edgec_split"])
  }
}
