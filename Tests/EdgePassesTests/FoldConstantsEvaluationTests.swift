import EdgeCore
import EdgePasses
import Testing

/// Each evaluator against values computed by TensorFlow 2.21 (tf.strided_slice,
/// tf.gather, tf.math.floordiv, … on the same constants; the strided slices
/// also through LiteRT 2.3's reference kernel, which agrees) or by hand.
@Suite struct FoldConstantsEvaluationTests {
  /// (begin, end, strides, options, output shape, values) on `iota234`.
  static let slices: [([Int32], [Int32], [Int32], StridedSliceOptions, [Int], [Int32])] = [
    ([0, 1, -1], [2, 3, 0], [1, 1, -1], StridedSliceOptions(), [2, 2, 3], [7, 6, 5, 11, 10, 9, 19, 18, 17, 23, 22, 21]),
    ([1, 0, 1], [2, 3, 4], [1, 2, 2], StridedSliceOptions(shrinkAxisMask: 1), [2, 2], [13, 15, 21, 23]),
    (
      [0, 2, 3], [0, 0, 0], [1, -1, -2], StridedSliceOptions(beginMask: 1, endMask: 7), [2, 3, 2],
      [11, 9, 7, 5, 3, 1, 23, 21, 19, 17, 15, 13]
    ),
    ([0, 1], [0, 3], [1, 1], StridedSliceOptions(ellipsisMask: 1), [2, 3, 2], [1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22]),
    (
      [1, 0, 0, 0], [2, 0, 2, 0], [1, 1, 1, 1], StridedSliceOptions(endMask: 8, newAxisMask: 2), [1, 1, 2, 4],
      [12, 13, 14, 15, 16, 17, 18, 19]
    ),
    ([-1], [0], [1], StridedSliceOptions(shrinkAxisMask: 1), [3, 4], Array(12...23)),
    (
      [0, 1, 0], [1, 0, 0], [1, 1, 1], StridedSliceOptions(endMask: 4, ellipsisMask: 2, newAxisMask: 1), [1, 2, 3, 4],
      Array(0...23)
    ),
    // LiteRT's offset flag: end counts from begin.
    ([0, 1, 1], [1, 2, 2], [1, 1, 1], StridedSliceOptions(offset: true), [1, 2, 2], [5, 6, 9, 10]),
  ]

  @Test(arguments: slices.indices)
  func stridedSlice(_ index: Int) throws {
    let (begin, end, strides, options, dims, values) = Self.slices[index]
    let folded = try FoldCase(
      .stridedSlice, .stridedSlice(options),
      inputs: [iota234, int32s("begin", begin), int32s("end", end), int32s("strides", strides)],
      output: result(dims)
    ).fold()
    #expect(folded[0].int32s == values)
  }

  @Test func kerasFlattenChain() throws {
    // SHAPE of a run-time [1, 4, 4, 8] input, first entry, packed with -1.
    let x = Tensor(name: "x", type: .int8, shape: Shape([1, 4, 4, 8]))
    #expect(try FoldCase(.shape, inputs: [x], output: result([4])).fold()[0].int32s == [1, 4, 4, 8])
    #expect(try FoldCase(.rank, inputs: [x], output: result([])).fold()[0].int32s == [4])
    let first = try FoldCase(
      .stridedSlice, .stridedSlice(StridedSliceOptions(shrinkAxisMask: 1)),
      inputs: [int32s("shape", [1, 4, 4, 8]), int32s("b", [0]), int32s("e", [1]), int32s("s", [1])],
      output: result([])
    ).fold()
    #expect(first[0].int32s == [1])
    let packed = try FoldCase(
      .pack, .pack(axis: 0, count: 2), inputs: [int32Scalar("a", 1), int32Scalar("b", -1)], output: result([2])
    ).fold()
    #expect(packed[0].int32s == [1, -1])
  }

  @Test func packAndUnpack() throws {
    let rows = [int32s("a", [1, 2]), int32s("b", [3, 4]), int32s("c", [5, 6])]
    let stacked = try FoldCase(.pack, .pack(axis: 1, count: 3), inputs: rows, output: result([2, 3])).fold()
    #expect(stacked[0].int32s == [1, 3, 5, 2, 4, 6])
    let negative = try FoldCase(.pack, .pack(axis: -1, count: 3), inputs: rows, output: result([2, 3])).fold()
    #expect(negative[0].int32s == [1, 3, 5, 2, 4, 6])
    let parts = try FoldCase(
      .unpack, .unpack(axis: 1, count: 3), inputs: [iota234],
      outputs: (0..<3).map { result("y\($0)", .int32, [2, 4]) }
    ).fold()
    #expect(parts.map(\.int32s) == [[0, 1, 2, 3, 12, 13, 14, 15], [4, 5, 6, 7, 16, 17, 18, 19], [8, 9, 10, 11, 20, 21, 22, 23]])
  }

  @Test func gather() throws {
    let plain = try FoldCase(
      .gather, .gather(axis: 1, batchDims: 0), inputs: [iota234, int32s("i", [2, 0])], output: result([2, 2, 4])
    ).fold()
    #expect(plain[0].int32s == [8, 9, 10, 11, 0, 1, 2, 3, 20, 21, 22, 23, 12, 13, 14, 15])
    let batched = try FoldCase(
      .gather, .gather(axis: 1, batchDims: 1), inputs: [iota234, int32s("i", [2, 0, 1, 1], [2, 2])],
      output: result([2, 2, 4])
    ).fold()
    #expect(batched[0].int32s == [8, 9, 10, 11, 0, 1, 2, 3, 16, 17, 18, 19, 16, 17, 18, 19])
    let inner = try FoldCase(
      .gather, .gather(axis: 2, batchDims: 1), inputs: [iota234, int32s("i", [3, 0], [2, 1])],
      output: result([2, 3, 1])
    ).fold()
    #expect(inner[0].int32s == [3, 7, 11, 12, 16, 20])
  }

  @Test func reshapeSqueezeExpandDimsSliceFill() throws {
    let squeezed = try FoldCase(
      .squeeze, .squeeze(dims: []), inputs: [int32s("x", [7, 8, 9], [1, 3, 1])], output: result([3])
    ).fold()
    #expect(squeezed[0].int32s == [7, 8, 9])
    let expanded = try FoldCase(
      .expandDims, inputs: [int32s("x", [7, 8, 9]), int32Scalar("axis", -1)], output: result([3, 1])
    ).fold()
    #expect(expanded[0].shape.dims == [3, 1])
    let sliced = try FoldCase(
      .slice, inputs: [iota234, int32s("begin", [1, 1, 2]), int32s("size", [1, -1, 2])], output: result([1, 2, 2])
    ).fold()
    #expect(sliced[0].int32s == [18, 19, 22, 23])
    let filled = try FoldCase(.fill, inputs: [int32s("dims", [2, 2]), int32Scalar("v", 5)], output: result([2, 2])).fold()
    #expect(filled[0].int32s == [5, 5, 5, 5])
    let concatenated = try FoldCase(
      .concatenation, .concatenation(axis: 0, activation: .none), inputs: [int32s("a", [1]), int32s("b", [2, 3])],
      output: result([3])
    ).fold()
    #expect(concatenated[0].int32s == [1, 2, 3])
  }

  @Test func integerArithmetic() throws {
    let (a, b) = (int32s("a", [-7, 7, -7, 7]), int32s("b", [2, 2, -2, -2]))
    func binary(_ kind: OpKind, _ options: OperatorOptions = .none) throws -> [Int32] {
      try FoldCase(kind, options, inputs: [a, b], output: result([4])).fold()[0].int32s
    }
    #expect(try binary(.floorDiv) == [-4, 3, 3, -4])
    #expect(try binary(.floorMod) == [1, 1, -1, -1])
    #expect(try binary(.div, .activation(.none)) == [-3, 3, 3, -3])
    #expect(try binary(.sub, .activation(.none)) == [-9, 5, -5, 9])
    #expect(try binary(.mul, .activation(.relu6)) == [0, 6, 6, 0])
    #expect(try binary(.add, .activation(.relu)) == [0, 9, 0, 5])
    #expect(try binary(.maximum) == [2, 7, -2, 7])
    #expect(try binary(.minimum) == [-7, 2, -7, -2])
    // Broadcasting a scalar; int32 wraps as the C++ does.
    let wrapped = try FoldCase(
      .mul, .activation(.none), inputs: [int32s("a", [Int32.max, 3]), int32Scalar("two", 2)], output: result([2])
    ).fold()
    #expect(wrapped[0].int32s == [-2, 6])
  }

  @Test func reduceProdAndCast() throws {
    let x = int32s("x", [1, 2, 3, 4, 5, 6], [2, 3])
    let rows = try FoldCase(
      .reduceProd, .reducer(keepDims: true), inputs: [x, int32s("axes", [-1])], output: result([2, 1])
    ).fold()
    #expect(rows[0].int32s == [6, 120])
    let columns = try FoldCase(
      .reduceProd, .reducer(keepDims: false), inputs: [x, int32s("axes", [0, 0])], output: result([3])
    ).fold()
    #expect(columns[0].int32s == [4, 10, 18])
    let truncated = try FoldCase(.cast, inputs: [floats("f", [-1.7, 2.9, 0, -0.4])], output: result([4])).fold()
    #expect(truncated[0].int32s == [-1, 2, 0, 0])
    let widened = try FoldCase(.cast, inputs: [int32s("i", [-3, 16_777_217])], output: result("f", .float32, [2])).fold()
    #expect(widened[0].floats == [-3, 16_777_216])
  }

  @Test func evaluationErrorsNameTheOperator() throws {
    let outOfRange = FoldCase(
      .gather, .gather(axis: 1, batchDims: 0), inputs: [iota234, int32s("i", [3])], output: result([2, 1, 4]))
    #expect(outOfRange.error()?.message == "op 0 (GATHER): index 3 is outside 0..<3 (axis 1 of params [2, 3, 4])")
    let wrongShape = FoldCase(.shape, inputs: [iota234], output: result([4]))
    #expect(
      wrongShape.error()?.message == "op 0 (SHAPE): computes shape [3] for output 0 'y', but the model stores [4]")
    let byZero = FoldCase(.floorDiv, inputs: [int32s("a", [1]), int32s("b", [0])], output: result([1]))
    #expect(byZero.error()?.message == "op 0 (FLOOR_DIV): divides 1 by zero")
    let tooBig = FoldCase(.cast, inputs: [floats("f", [3e9])], output: result([1]))
    #expect(tooBig.error()?.message == "op 0 (CAST): cannot cast 3e+09 to int32: it is out of range")
  }
}
