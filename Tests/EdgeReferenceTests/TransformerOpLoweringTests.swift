import EdgeCore
import Testing

@testable import EdgeReference

// How BATCH_MATMUL, TRANSPOSE, STRIDED_SLICE, GATHER and SPLIT lower: the
// copies that need no kernel (order-keeping transposes, contiguous slices),
// the exact parameters the C structs receive, and the errors that name the
// operator and the tensor when a model asks for what edgec does not run.

/// A one-operator graph: `x` (run-time input, tensor 0), the constants, then
/// the outputs.
private func graph(
  _ kind: OpKind, _ options: OperatorOptions, x: Tensor, constants: [Tensor], outputs: [Tensor],
  constantsFirst: Bool = false
) -> Graph {
  let tensors = [x] + constants + outputs
  let constantIDs: [TensorID?] = constants.indices.map { $0 + 1 }
  let inputs: [TensorID?] = constantsFirst ? constantIDs + [0] : [0] + constantIDs
  let outputIDs = Array((1 + constants.count)..<tensors.count)
  return Graph(
    name: "op", tensors: tensors,
    operators: [Operator(kind: kind, inputs: inputs, outputs: outputIDs, options: options)],
    inputs: [0], outputs: outputIDs)
}

private func int32s(_ name: String, _ values: [Int32], shape: [Int]? = nil) -> Tensor {
  Tensor(
    name: name, type: .int32, shape: Shape(shape ?? [values.count]),
    data: TensorValue(values, type: .int32, shape: Shape([values.count])).bytes)
}

private func int8(_ name: String, _ dims: [Int], scale: Float = 0.5, zeroPoint: Int64 = 3) -> Tensor {
  Tensor(name: name, type: .int8, shape: Shape(dims), quantization: Quantization(scale: scale, zeroPoint: zeroPoint))
}

@Suite struct TransformerOpLoweringTests {
  @Test func transposeKeepingTheOrderOfLongAxesIsAnAlias() throws {
    // [1, 64, 1, 16] → [1, 1, 64, 16]: only a size-1 axis moves.
    let g = graph(
      .transpose, .none, x: int8("x", [1, 64, 1, 16]), constants: [int32s("perm", [0, 2, 1, 3])],
      outputs: [int8("y", [1, 1, 64, 16])])
    guard case .alias(0, 0, 2) = try lower(g)[0] else {
      Issue.record("expected an alias of x to y, got \(try lower(g)[0])")
      return
    }
  }

  @Test func transposeOfHeadsIsAStridedCopy() throws {
    // ViT's K transpose [1, T, H, 16] → [1, H, 16, T] with T = 5, H = 2.
    let g = graph(
      .transpose, .none, x: int8("x", [1, 5, 2, 16]), constants: [int32s("perm", [0, 2, 3, 1])],
      outputs: [int8("y", [1, 2, 16, 5])])
    guard case .kernel(_, let kernel as StridedCopyKernel, let inputs, _) = try lower(g)[0] else {
      Issue.record("expected a strided copy")
      return
    }
    #expect(inputs == [0])
    #expect(kernel.dims == [1, 2, 16, 5])
    #expect(kernel.strides == [160, 16, 1, 32])
    #expect(kernel.offset == 0)
    #expect(kernel.elementBytes == 1)
  }

  @Test func classTokenSliceIsAContiguousSlice() throws {
    // vit_2block: [1, 65, 64] begin [0, 0, 0] end [0, 1, 64], masks 5/5, shrink 2 → [1, 64].
    let options = StridedSliceOptions(beginMask: 5, endMask: 5, shrinkAxisMask: 2)
    let g = graph(
      .stridedSlice, .stridedSlice(options), x: int8("x", [1, 65, 64]),
      constants: [int32s("b", [0, 0, 0]), int32s("e", [0, 1, 64]), int32s("s", [1, 1, 1])],
      outputs: [int8("y", [1, 64])])
    guard case .kernel(_, let kernel as SliceKernel, _, _) = try lower(g)[0] else {
      Issue.record("expected edgec_slice")
      return
    }
    #expect(kernel.offset == 0 && kernel.bytes == 64)
    #expect(kernel.outputSliceOfInput == 0)
  }

  @Test func ringBufferShiftIsAContiguousSliceAtItsOffset() throws {
    // stream_ring: [1, 4, 1, 40] begin [0, 1, 0, 0], beginMask 13, endMask 15 → [1, 3, 1, 40].
    let options = StridedSliceOptions(beginMask: 13, endMask: 15)
    let g = graph(
      .stridedSlice, .stridedSlice(options), x: int8("x", [1, 4, 1, 40]),
      constants: [int32s("b", [0, 1, 0, 0]), int32s("e", [0, 0, 1, 40]), int32s("s", [1, 1, 1, 1])],
      outputs: [int8("y", [1, 3, 1, 40])])
    guard case .kernel(_, let kernel as SliceKernel, _, _) = try lower(g)[0] else {
      Issue.record("expected edgec_slice")
      return
    }
    #expect(kernel.offset == 40 && kernel.bytes == 120)
  }

  @Test func stridedSliceWithAnEllipsisOnRunTimeDataIsRefused() throws {
    let g = graph(
      .stridedSlice, .stridedSlice(StridedSliceOptions(ellipsisMask: 1)), x: int8("x", [2, 3]),
      constants: [int32s("b", [0]), int32s("e", [1]), int32s("s", [1])], outputs: [int8("y", [2, 1])])
    let error = try #require(throws: EdgeError.self) { try lower(g) }
    #expect(error.kind == .unsupported)
    #expect(error.location.opIndex == 0 && error.location.opName == "STRIDED_SLICE")
    #expect(error.message.contains("run-time tensor 'x'") && error.message.contains("ellipsis mask (1)"))
  }

  @Test func gatherIndexOutOfRangeNamesTheIndexAndTensors() throws {
    let g = graph(
      .gather, .gather(axis: 1, batchDims: 0), x: int8("params", [1, 7, 8]),
      constants: [int32s("idx", [0, 7])], outputs: [int8("y", [1, 2, 8])])
    let error = try #require(throws: EdgeError.self) { try lower(g) }
    #expect(error.kind == .invalidGraph)
    #expect(error.message == "GATHER index 7 in 'idx' is outside 0..<7 (axis 1 of 'params' [1, 7, 8])")
  }

  @Test func dataMovementRefusesARequantizingOutput() throws {
    let g = graph(
      .transpose, .none, x: int8("x", [2, 3]), constants: [int32s("perm", [1, 0])],
      outputs: [int8("y", [3, 2], scale: 0.25)])
    let error = try #require(throws: EdgeError.self) { try lower(g) }
    #expect(error.kind == .unsupported)
    #expect(error.message.contains("'x' and output 'y' have different quantization"))
  }

  @Test func batchMatMulWithMismatchedInnerAxesNamesBoth() throws {
    let tensors = [int8("a", [1, 4, 6]), int8("b", [1, 5, 3]), int8("c", [1, 4, 3])]
    let g = Graph(
      name: "bmm", tensors: tensors,
      operators: [
        Operator(kind: .batchMatMul, inputs: [0, 1], outputs: [2], options: .batchMatMul(adjX: false, adjY: false))
      ],
      inputs: [0, 1], outputs: [2])
    let error = try #require(throws: EdgeError.self) { try lower(g) }
    #expect(error.kind == .invalidGraph)
    #expect(error.message.contains("'a' [1, 4, 6] and 'b' [1, 5, 3]") && error.message.contains("(6, 5)"))
  }

  @Test func batchMatMulParametersFollowTFLM() throws {
    // lhs s 0.5 zp 3, rhs s 0.25 zp -2, out s 0.1 zp 7; adj_y reads rhs [N, K].
    let tensors = [
      int8("a", [2, 4, 6]), int8("b", [1, 5, 6], scale: 0.25, zeroPoint: -2),
      int8("c", [2, 4, 5], scale: 0.1, zeroPoint: 7),
    ]
    let g = Graph(
      name: "bmm", tensors: tensors,
      operators: [
        Operator(kind: .batchMatMul, inputs: [0, 1], outputs: [2], options: .batchMatMul(adjX: false, adjY: true))
      ],
      inputs: [0, 1], outputs: [2])
    guard case .kernel(_, let kernel as BatchMatMulS8Kernel, _, _) = try lower(g)[0] else {
      Issue.record("expected edgec_batch_matmul_s8")
      return
    }
    #expect(kernel.lhsOffset == -3 && kernel.rhsOffset == 2 && kernel.outputOffset == 7)
    // double(s_lhs) · double(s_rhs) / double(s_out), of the float32 scales.
    let real = Double(Float(0.5)) * Double(Float(0.25)) / Double(Float(0.1))
    #expect(QuantizedMultiplier(multiplier: kernel.multiplier, shift: kernel.shift) == QuantizedMultiplier(real))
    #expect(kernel.multiplier == 1_342_177_260 && kernel.shift == 1)
    let geometry = kernel.geometry
    #expect(geometry.batch == [1, 1, 2] && geometry.lhsBatchStrides == [0, 0, 24] && geometry.rhsBatchStrides == [0, 0, 0])
    #expect(geometry.rows == 4 && geometry.depth == 6 && geometry.cols == 5)
    #expect(geometry.lhsRowStride == 6 && geometry.lhsDepthStride == 1)
    #expect(geometry.rhsDepthStride == 1 && geometry.rhsColStride == 6)
  }

  @Test func fullyConnectedOnTokensKeepsItsDims() throws {
    // The ViT's projections: [1, T, C] with keep_num_dims → [1, T, N], per-channel weights.
    let weights = Tensor(
      name: "w", type: .int8, shape: Shape([3, 8]),
      quantization: Quantization(scales: [0.01, 0.02, 0.03], zeroPoints: [0, 0, 0], axis: 0),
      data: TensorValue((0..<24).map { Int8($0 - 12) }, type: .int8, shape: Shape([24])).bytes)
    let bias = Tensor(
      name: "b", type: .int32, shape: Shape([3]),
      data: TensorValue([Int32(5), -7, 9], type: .int32, shape: Shape([3])).bytes)
    let tensors = [int8("x", [1, 5, 8]), weights, bias, int8("y", [1, 5, 3], scale: 0.2, zeroPoint: -4)]
    let g = Graph(
      name: "fc", tensors: tensors,
      operators: [
        Operator(
          kind: .fullyConnected, inputs: [0, 1, 2], outputs: [3],
          options: .fullyConnected(FullyConnectedOptions(keepNumDims: true)))
      ],
      inputs: [0], outputs: [3])
    guard case .kernel(_, let kernel as FullyConnectedS8Kernel, _, _) = try lower(g)[0] else {
      Issue.record("expected edgec_fully_connected_s8")
      return
    }
    #expect(kernel.batches == 5 && kernel.accumDepth == 8 && kernel.outputDepth == 3)
    #expect(kernel.perChannel && kernel.inputOffset == -3 && kernel.outputOffset == -4)
    // Every token row is the same product: row 1 of an input repeating row 0 equals row 0.
    let row: [Int8] = [10, -20, 30, -40, 50, -60, 70, -80]
    let x = TensorValue(Array((0..<5).map { _ in row }.joined()), type: .int8, shape: Shape([1, 5, 8]))
    let y = try ReferenceInterpreter(graph: g).run([x])[0].elements(as: Int8.self)
    #expect(y.count == 15)
    #expect(Array(y[0..<3]) == Array(y[3..<6]) && Array(y[0..<3]) == Array(y[12..<15]))
  }

  @Test func splitVResolvesTheMinusOneSize() throws {
    let g = graph(
      .splitV, .split(count: 3), x: int8("x", [2, 10]),
      constants: [int32s("sizes", [3, -1, 2]), int32s("axis", [1], shape: [])],
      outputs: [int8("a", [2, 3]), int8("b", [2, 5]), int8("c", [2, 2])])
    guard case .kernel(_, let kernel as SplitKernel, let inputs, let outputs) = try lower(g)[0] else {
      Issue.record("expected edgec_split")
      return
    }
    #expect(inputs == [0] && outputs == [3, 4, 5])
    #expect(kernel.outer == 2 && kernel.axisBytes == 10 && kernel.bytes == [3, 5, 2])
    #expect(kernel.takesOutputArray)
  }

  @Test func splitIntoUnequalPartsIsAnError() throws {
    let g = graph(
      .split, .split(count: 3), x: int8("x", [2, 10]), constants: [int32s("axis", [-1], shape: [])],
      outputs: [int8("a", [2, 3]), int8("b", [2, 3]), int8("c", [2, 4])], constantsFirst: true)
    let error = try #require(throws: EdgeError.self) { try lower(g) }
    #expect(error.message == "SPLIT cannot cut axis 1 (size 10) of 'x' into 3 equal parts (SPLIT_V takes unequal sizes)")
  }
}
