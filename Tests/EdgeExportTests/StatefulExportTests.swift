import EdgeCore
import EdgeExport
import EdgeImport
import EdgeReference
import Foundation
import Testing

/// Stateful graphs through `edgec export`: each variable goes back to a
/// RESOURCE handle, VAR_HANDLEs after a CALL_ONCE, and an initialiser
/// subgraph assigning the initial value. (TFLM and LiteRT run the exported
/// stream_ring files to the committed outputs over the 100 frames: checked
/// with the tflite-micro and ai-edge-litert packages when this was written.)
@Suite struct StatefulExportTests {
  static let names = ["stream_ring_f32", "stream_ring_int8", "stream_ring_int8_qvar"]

  func path(_ name: String, _ file: String) -> String {
    ModelFile.testsRoot.appendingPathComponent("Fixtures/\(name)/\(file)").path
  }

  func npy(_ name: String, _ file: String) throws -> TensorValue {
    let data = try #require(FileManager.default.contents(atPath: path(name, file)), "missing \(name)/\(file)")
    return try NumpyFile.decode([UInt8](data))
  }

  /// The file imports to the same graph and variables; its 100 consecutive
  /// outputs in the reference still equal TFLM's.
  @Test(arguments: names)
  func exportKeepsTheState(_ name: String) throws {
    let graph = try loadModel(path: path(name, "model.tflite"))
    let (bytes, back, found) = try roundTrip(graph)
    #expect(found == [])
    #expect(back.variables == graph.variables)
    #expect(try exportTFLite(back) == bytes)
    let interpreter = try ReferenceInterpreter(graph: back)
    let x = try npy(name, "x.npy")
    let input = back.tensors[back.inputs[0]]
    var state = interpreter.initialState
    var outputs: [UInt8] = []
    for r in 0..<100 {
      outputs += try interpreter.run([row(x, r, shape: input.shape)], state: &state)[0].bytes
    }
    #expect(outputs == (try npy(name, "y_tflm.npy")).bytes)
  }
}
