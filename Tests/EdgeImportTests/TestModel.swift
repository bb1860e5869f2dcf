/// Hand-built TFLite models for tests, written with `FBWriter`. Defaults give
/// a small valid float model; tests change one field to make it wrong.
struct TestTensor {
  var name: String
  var shape: [Int32]?
  var type: Int8 = 0  // FLOAT32
  var buffer: UInt32 = 0
  var scales: [Float]? = nil
  var zeroPoints: [Int64]? = nil
  var quantizedDimension: Int32 = 0
  var sparse = false

  func fb(tag: String) -> FB {
    var fields: [Int: FB] = [1: .i8(type), 2: .u32(buffer), 3: .string(name)]
    if let shape { fields[0] = .tagged("\(tag).shape", .i32s(shape)) }
    if let scales {
      var q: [Int: FB] = [2: .f32s(scales), 6: .i32(quantizedDimension)]
      if let zeroPoints { q[3] = .i64s(zeroPoints) }
      fields[4] = .table(q)
    }
    if sparse { fields[6] = .table([0: .i32s([0])]) }
    return .tagged(tag, .table(fields))
  }
}

struct TestOperator {
  var opcodeIndex: UInt32
  var inputs: [Int32]
  var outputs: [Int32]
  var optionsType: UInt8 = 0
  var options: [Int: FB]? = nil

  func fb(tag: String) -> FB {
    var fields: [Int: FB] = [0: .u32(opcodeIndex), 1: .i32s(inputs), 2: .i32s(outputs)]
    if let options {
      fields[3] = .u8(optionsType)
      fields[4] = .table(options)
    }
    return .tagged(tag, .table(fields))
  }
}

struct TestModel {
  /// (deprecated_builtin_code, builtin_code, custom_code)
  var opcodes: [(Int8, Int32, String?)]
  var tensors: [TestTensor]
  var operators: [TestOperator]
  var inputs: [Int32]
  var outputs: [Int32]
  /// Buffer 0 is the empty sentinel; nil entries are empty buffers.
  var buffers: [[UInt8]?]
  /// Buffers stored after the flatbuffer: buffer index → bytes.
  var externalBuffers: [Int: [UInt8]] = [:]
  var extraSubgraphs: [FB] = []
  var version: UInt32 = 3

  var fb: FB {
    let subgraph: FB = .tagged(
      "subgraph0",
      .table([
        0: .tables(tensors.enumerated().map { $0.element.fb(tag: "tensor\($0.offset)") }),
        1: .i32s(inputs), 2: .i32s(outputs),
        3: .tables(operators.enumerated().map { $0.element.fb(tag: "op\($0.offset)") }),
        4: .string("main"),
      ]))
    return .table([
      0: .u32(version),
      1: .tables(opcodes.map { code in
        var fields: [Int: FB] = [0: .i8(code.0), 3: .i32(code.1)]
        if let custom = code.2 { fields[1] = .string(custom) }
        return .table(fields)
      }),
      2: .tables([subgraph] + extraSubgraphs),
      4: .tables(buffers.enumerated().map { index, data in
        .tagged("buffer\(index)", .table(data.map { [0: .tagged("buffer\(index).data", .bytes($0))] } ?? [:]))
      }),
    ])
  }

  /// The serialized model; external buffers are appended after the
  /// flatbuffer and their tables patched with (offset, size).
  func build() -> (bytes: [UInt8], positions: [String: Int]) {
    guard !externalBuffers.isEmpty else { return FBWriter.build(fb) }
    // Lay out once to learn the flatbuffer's size, then again with the offsets.
    var model = self
    var size = FBWriter.build(withPlaceholders(model)).bytes.count
    size = (size + 15) / 16 * 16
    var offsets: [Int: UInt64] = [:]
    var tail: [UInt8] = []
    for (index, data) in externalBuffers.sorted(by: { $0.key < $1.key }) {
      offsets[index] = UInt64(size + tail.count)
      tail += data
      while tail.count % 16 != 0 { tail.append(0) }
    }
    model.externalOffsets = offsets
    var (bytes, positions) = FBWriter.build(withPlaceholders(model))
    while bytes.count < size { bytes.append(0) }
    return (bytes + tail, positions)
  }

  var externalOffsets: [Int: UInt64] = [:]

  private func withPlaceholders(_ model: TestModel) -> FB {
    guard case .table(var fields) = model.fb else { return model.fb }
    fields[4] = .tables(model.buffers.indices.map { index in
      if let data = model.externalBuffers[index] {
        return .table([1: .u64(model.externalOffsets[index] ?? 2), 2: .u64(UInt64(data.count))])
      }
      return .table(model.buffers[index].map { [0: .bytes($0)] } ?? [:])
    })
    return .table(fields)
  }
}

extension TestModel {
  static func floats(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }
  }

  static func int32s(_ values: [Int32]) -> [UInt8] {
    values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> (8 * UInt32($0))) } }
  }

  /// input [1,4,4,2] → CONV_2D (3 filters 1×1, bias, stride 1, SAME, RELU) → [1,4,4,3]
  /// → ADD (itself) → [1,4,4,3] output. Float32, 5 tensors, 2 operators.
  static var small: TestModel {
    TestModel(
      opcodes: [(3, 3, nil), (0, 0, nil)],
      tensors: [
        TestTensor(name: "input", shape: [1, 4, 4, 2]),
        TestTensor(name: "conv/w", shape: [3, 1, 1, 2], buffer: 1),
        TestTensor(name: "conv/b", shape: [3], buffer: 2),
        TestTensor(name: "conv/out", shape: [1, 4, 4, 3]),
        TestTensor(name: "sum", shape: [1, 4, 4, 3]),
      ],
      operators: [
        TestOperator(
          opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3], optionsType: 1,
          options: [0: .i8(0), 1: .i32(1), 2: .i32(1), 3: .i8(1)]),
        TestOperator(opcodeIndex: 1, inputs: [3, 3], outputs: [4], optionsType: 11, options: [0: .i8(0)]),
      ],
      inputs: [0], outputs: [4],
      buffers: [nil, floats([1, 2, 3, 4, 5, 6]), floats([0.5, -0.5, 0])])
  }
}
