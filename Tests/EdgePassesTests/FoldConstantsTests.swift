import EdgeCore
import EdgeImport
import EdgePasses
import EdgeReference
import Foundation
import Testing

/// The pass on whole graphs: the Keras-export fixtures fold to a RESHAPE with
/// a constant shape and compute what TFLM computed; what cannot fold is an
/// error naming the operator by its index in the imported model.
@Suite struct FoldConstantsTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

  /// Each Keras fixture's operators after folding and the RESHAPE's folded shape.
  static let kerasCases: [(name: String, folded: Int, kinds: [OpKind], shape: [Int32])] = [
    ("keras_shape_flatten_int8", 3, [.conv2D, .reshape, .fullyConnected], [1, 128]),
    ("keras_shape_flatten_f32", 3, [.conv2D, .reshape, .fullyConnected], [1, 128]),
    ("keras_shape_reshape_4d_int8", 3, [.conv2D, .reshape, .conv2D], [1, 2, 8, 8]),
    ("keras_shape_unstack_int8", 3, [.conv2D, .reshape, .fullyConnected], [1, 128]),
    (
      "keras_shape_dscnn_int8", 3,
      [.conv2D, .depthwiseConv2D, .conv2D, .depthwiseConv2D, .conv2D, .averagePool2D, .reshape, .fullyConnected,
       .softmax], [1, 16]
    ),
  ]

  @Test(arguments: kerasCases.indices)
  func kerasShapeArithmeticFoldsAway(_ index: Int) throws {
    let expected = Self.kerasCases[index]
    let directory = Self.fixtures.appendingPathComponent(expected.name)
    let graph = try loadModel(path: directory.appendingPathComponent("model.tflite").path)
    #expect(graph.operators.contains { $0.kind == .shape })
    let (folded, records) = try PassManager([FoldConstants()]).run(graph)
    #expect(records.map(\.rewrites) == [expected.folded], "\(expected.name)")
    #expect(folded.operators.map(\.kind) == expected.kinds, "\(expected.name)")
    let reshape = try #require(folded.operators.first { $0.kind == .reshape })
    let shapeID = try #require(reshape.inputs.count == 2 ? reshape.inputs[1] : nil)
    let data = try #require(folded.tensors[shapeID].data)
    #expect(TensorValue(type: .int32, shape: folded.tensors[shapeID].shape, bytes: data).int32s == expected.shape)
    // Origins survive for messages: the RESHAPE is op 4 of the imported file
    // in every fixture but DS-CNN, where it is op 9.
    #expect(reshape.origin == (expected.name == "keras_shape_dscnn_int8" ? 9 : 4))

    // The folded graph runs and matches TFLM on the fixture's inputs.
    let interpreter = try ReferenceInterpreter(graph: folded)
    let x = try npy(directory.appendingPathComponent("x.npy"))
    let y = try npy(
      directory.appendingPathComponent(expected.name.hasSuffix("f32") ? "y_litert.npy" : "y_tflm.npy"))
    let input = folded.tensors[folded.inputs[0]], output = folded.tensors[folded.outputs[0]]
    let (inSize, outSize) = (input.byteSize, output.byteSize)
    let rows = x.bytes.count / inSize
    #expect(rows == 20)
    for r in 0..<rows {
      let got = try interpreter.run([
        TensorValue(type: input.type, shape: input.shape, bytes: Array(x.bytes[(r * inSize)..<((r + 1) * inSize)]))
      ])[0]
      let want = Array(y.bytes[(r * outSize)..<((r + 1) * outSize)])
      if output.type == .float32 {
        let wantValues = TensorValue(type: .float32, shape: output.shape, bytes: want).floats
        for (a, b) in zip(got.floats, wantValues) { #expect(abs(a - b) <= 1e-5 * max(abs(b), 1e-3)) }
      } else {
        #expect(got.bytes == want, "\(expected.name) row \(r)")
      }
    }
  }

  func npy(_ url: URL) throws -> TensorValue {
    let data = try #require(FileManager.default.contents(atPath: url.path), "missing \(url.path)")
    return try NumpyFile.decode([UInt8](data), name: url.path)
  }

  /// x: a graph input [1, 4, 4, 2]. Op 0 SHAPE(x) folds; op 1 SQUEEZE
  /// reads x itself, which is only known at run time. (STRIDED_SLICE was the
  /// example until it gained a run-time kernel in issue 6.)
  static func runTimeSliceGraph() -> Graph {
    let tensors = [
      Tensor(name: "x", type: .int32, shape: Shape([1, 4, 4, 2])),
      result("shape", .int32, [4]),
      int32s("begin", [0, 1, 0, 0]), int32s("end", [1, 3, 4, 2]), int32s("strides", [1, 1, 1, 1]),
      result("slice", .int32, [4, 4, 2]),
      result("out", .int32, [4]),
    ]
    return Graph(
      name: "runtime_slice", tensors: tensors,
      operators: [
        Operator(kind: .shape, inputs: [0], outputs: [1]),
        Operator(kind: .squeeze, inputs: [0], outputs: [5], options: .squeeze(dims: [0])),
        Operator(kind: .add, inputs: [1, 1], outputs: [6], options: .activation(.none)),
      ],
      inputs: [0], outputs: [5, 6])
  }

  @Test func compileTimeOperatorOfRunTimeValueIsAnErrorNamingItsImportedIndex() throws {
    let graph = Self.runTimeSliceGraph()
    try verify(graph)
    let (folded, records) = try PassManager([FoldConstants()]).run(graph)
    #expect(records.map(\.rewrites) == [1])
    // After SHAPE folded away the slice is op 0, but messages name op 1.
    #expect(folded.operators.map(\.kind) == [.squeeze, .add])
    #expect(folded.operators.map(\.origin) == [1, 2])
    let error = try #require(throws: EdgeError.self) { try lower(folded) }
    #expect(error.kind == .unsupported)
    #expect(
      error.message
        == "op 1 (SQUEEZE): its inputs are computed at run time; edgec evaluates SQUEEZE only on "
        + "constants and static shapes (it has no run-time kernel for it)")
    #expect(error.location.opIndex == 1)
  }

  @Test func everyUnfoldedCompileTimeOperatorIsNamed() throws {
    var graph = Self.runTimeSliceGraph()
    // Op 2 now slices the folded shape — constants only — but its result is
    // a graph output, which the pass leaves to be computed at run time.
    graph.tensors += [int32s("b1", [0]), int32s("e1", [2]), int32s("s1", [1]), result("head", .int32, [4])]
    graph.operators[2] = Operator(kind: .squeeze, inputs: [1], outputs: [10], options: .squeeze(dims: []))
    graph.outputs = [5, 10]
    try verify(graph)
    let (folded, records) = try PassManager([FoldConstants()]).run(graph)
    #expect(records.map(\.rewrites) == [1])
    let error = try #require(throws: EdgeError.self) { try lower(folded) }
    #expect(
      error.message
        == "op 1 (SQUEEZE): its inputs are computed at run time; edgec evaluates SQUEEZE only on "
        + "constants and static shapes (it has no run-time kernel for it); op 2 (SQUEEZE): it computes a "
        + "graph output, which edgec does not fold to a constant; SQUEEZE has no run-time kernel")
  }

  @Test func loweringWithoutThePassSaysToRunIt() throws {
    // Keras's Flatten: RESHAPE(x, PACK(STRIDED_SLICE(SHAPE(x), 0, 1, 1), -1)).
    let graph = Graph(
      name: "unfolded",
      tensors: [
        Tensor(name: "x", type: .int8, shape: Shape([1, 2, 4])), result("s", .int32, [3]),
        int32s("b", [0]), int32s("e", [1]), int32s("st", [1]), result("n", .int32, []), int32Scalar("rest", -1),
        result("shape", .int32, [2]), Tensor(name: "y", type: .int8, shape: Shape([1, 8])),
      ],
      operators: [
        Operator(kind: .shape, inputs: [0], outputs: [1]),
        Operator(
          kind: .stridedSlice, inputs: [1, 2, 3, 4], outputs: [5],
          options: .stridedSlice(StridedSliceOptions(shrinkAxisMask: 1))),
        Operator(kind: .pack, inputs: [5, 6], outputs: [7], options: .pack(axis: 0, count: 2)),
        Operator(kind: .reshape, inputs: [0, 7], outputs: [8]),
      ],
      inputs: [0], outputs: [8])
    try verify(graph)
    let error = try #require(throws: EdgeError.self) { try lower(graph) }
    let advice = "it was not folded to a constant; run the fold-constants pass (PassManager.standard) before lowering"
    // STRIDED_SLICE has a run-time kernel, so it is not named, but its value
    // still counts as foldable for the PACK after it.
    #expect(error.message == "op 0 (SHAPE): \(advice); op 2 (PACK): \(advice)")
    let (folded, records) = try PassManager.standard.run(graph)
    #expect(records.first?.rewrites == 3)
    #expect(folded.operators.map(\.kind) == [.reshape])
    let shape = try #require(folded.tensors[7].data)
    #expect(TensorValue(type: .int32, shape: Shape([2]), bytes: shape).int32s == [1, -1])
    #expect(try lower(folded).count == 1)
  }

  @Test func foldingRunsFirstInTheStandardPipeline() {
    #expect(PassManager.standard.passes.first?.name == "fold-constants")
  }
}

/// Folding never traps: the Keras fixtures with bytes changed — constant
/// indices, option tables, shapes — either import and fold, or give an
/// EdgeError. (A trap would kill the test process.)
@Suite struct FoldConstantsFuzzTests {
  @Test func mutatedKerasExportsFoldOrFailCleanly() throws {
    let models = try FoldConstantsTests.kerasCases.map { name, _, _, _ in
      let path = FoldConstantsTests.fixtures.appendingPathComponent(name).appendingPathComponent("model.tflite").path
      return [UInt8](try #require(FileManager.default.contents(atPath: path)))
    }
    var rng = SplitMix(seed: 0xF01D)
    var (folded, errors) = (0, 0)
    for round in 0..<3_000 {
      var bytes = models[round % models.count]
      for _ in 0..<(1 + Int(rng.next() % 4)) {
        let at = Int(rng.next() % UInt64(bytes.count - 4))
        if rng.next() % 2 == 0 {
          bytes[at] ^= UInt8(1 + rng.next() % 255)
        } else {
          let words: [UInt32] = [0, 1, 2, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 5]
          let word = words[Int(rng.next() % UInt64(words.count))]
          for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: word >> (8 * UInt32(k))) }
        }
      }
      do {
        let graph = try importModel(bytes: bytes, name: "m")
        _ = try PassManager([FoldConstants()]).run(graph)
        folded += 1
      } catch is EdgeError {
        errors += 1
      }
    }
    print("fold fuzz: \(folded) folded, \(errors) errors")
    #expect(folded + errors == 3_000)
    #expect(folded > 300)
  }
}
