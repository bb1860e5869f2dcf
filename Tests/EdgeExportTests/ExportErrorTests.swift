import EdgeCore
import EdgeExport
import EdgeImport
import Foundation
import Testing

/// Graphs export cannot write: each is an EdgeError naming the operator or
/// tensor and what to do, never a trap and never a file that reads back wrong.
@Suite struct ExportErrorTests {
  func fixture(_ name: String) throws -> Graph {
    try loadModel(path: ModelFile.testsRoot.appendingPathComponent("Fixtures/\(name)/model.tflite").path)
  }

  func exportError(_ graph: Graph) -> EdgeError? {
    do {
      _ = try exportTFLite(graph)
      return nil
    } catch {
      return error as? EdgeError
    }
  }

  @Test func fusedResidualAddIsRefused() throws {
    var graph = try fixture("conv_valid_s2_int8")
    guard case .conv2D(var options) = graph.operators[0].options else {
      Issue.record("op 0 of conv_valid_s2_int8 is not a CONV_2D")
      return
    }
    options.residual = ResidualAdd(
      convOutputType: .int8, convOutputQuantization: Quantization(scale: 0.5, zeroPoint: 0), activation: .none,
      convOutputName: "conv")
    graph.operators[0].options = .conv2D(options)
    let error = try #require(exportError(graph))
    #expect(error.kind == .unsupported)
    #expect(
      error.message
        == "op 0 (CONV_2D) carries a fused residual ADD, which TFLite cannot express; export before fuse-residual-add")
    #expect(error.location.opIndex == 0)
  }

  @Test func explicitPaddingIsRefused() throws {
    var graph = try fixture("conv_valid_s2_int8")
    guard case .conv2D(var options) = graph.operators[0].options else {
      Issue.record("op 0 of conv_valid_s2_int8 is not a CONV_2D")
      return
    }
    options.explicitPadding = ExplicitPadding(top: 1, bottom: 1, left: 1, right: 1)
    graph.operators[0].options = .conv2D(options)
    #expect(
      exportError(graph)?.message
        == "op 0 (CONV_2D) carries explicit padding (a folded PAD), which TFLite cannot express; export before fold-pad")
  }

  @Test func inPlaceDepthwiseIsRefused() throws {
    var graph = Graph(
      name: "dw", tensors: [Tensor(name: "x", type: .float32, shape: Shape([1, 4, 4, 2]))], operators: [],
      inputs: [0], outputs: [0])
    var options = DepthwiseConv2DOptions(padding: .same, strideH: 1, strideW: 1)
    options.inPlace = true
    graph.operators = [Operator(kind: .depthwiseConv2D, inputs: [0, nil, nil], outputs: [0], options: .depthwiseConv2D(options))]
    #expect(
      exportError(graph)?.message
        == "op 0 (DEPTHWISE_CONV_2D) runs in place (channel by channel), which TFLite cannot express; "
        + "export before depthwise-in-place")
  }

  @Test func unimplementedOperatorIsRefused() {
    let graph = Graph(
      name: "g", tensors: [Tensor(name: "x", type: .float32, shape: Shape([4]))],
      operators: [Operator(kind: .other("TANH"), inputs: [0], outputs: [0])], inputs: [0], outputs: [0])
    let error = exportError(graph)
    #expect(error?.kind == .unsupported)
    #expect(
      error?.message
        == "op 0 (TANH) is an operator edgec does not implement; its options were never read, so it cannot be written back")
  }

  @Test func optionsOfAnotherKindAreAnInconsistentGraph() {
    let graph = Graph(
      name: "g", tensors: [Tensor(name: "x", type: .float32, shape: Shape([4]))],
      operators: [Operator(kind: .conv2D, inputs: [0], outputs: [0], options: .softmax(beta: 1))],
      inputs: [0], outputs: [0])
    let error = exportError(graph)
    #expect(error?.kind == .invalidGraph)
    #expect(error?.location.opIndex == 0)
  }

  @Test func referencesOutsideTheGraphAreRefused() {
    let outside = Graph(
      name: "g", tensors: [Tensor(name: "x", type: .float32, shape: Shape([4]))],
      operators: [Operator(kind: .logistic, inputs: [0], outputs: [5])], inputs: [0], outputs: [0])
    #expect(exportError(outside)?.message == "op 0 (LOGISTIC) refers to tensor 5, but the graph has 1 tensors")
    let badOutput = Graph(
      name: "g", tensors: [Tensor(name: "x", type: .float32, shape: Shape([4]))], operators: [], inputs: [0],
      outputs: [3])
    #expect(exportError(badOutput)?.message == "graph output refers to tensor 3, but the graph has 1 tensors")
  }

  @Test func shapeBeyondInt32IsRefused() {
    let graph = Graph(
      name: "g", tensors: [Tensor(name: "big", type: .int8, shape: Shape([1 << 33]))], operators: [], inputs: [0],
      outputs: [0])
    #expect(
      exportError(graph)?.message == "tensor 0 'big' has shape [8589934592], which TFLite's int32 shape cannot hold")
  }
}
