import EdgeCore
import Testing

@testable import EdgeReference

// Golden cases for CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, the pools and
// PAD: one operator rebuilt by hand from what tools/golden/<op>.py read out of
// a TensorFlow-converted model, with the peers' outputs on a seeded input.
// The arrays live at the top of each <Op>Tests.swift between the GOLDEN markers.

/// One tensor of a golden operator. Values are Doubles so that one literal
/// type carries int8, int32 and float32 data exactly.
struct WindowGoldenTensor: Sendable {
  var type: DataType
  var shape: [Int]
  var scales: [Float]
  var zeroPoints: [Int64]
  var axis: Int
  var data: [Double]?

  init(_ type: DataType, _ shape: [Int], scales: [Float], zeroPoints: [Int64], axis: Int, data: [Double]?) {
    self.type = type
    self.shape = shape
    self.scales = scales
    self.zeroPoints = zeroPoints
    self.axis = axis
    self.data = data
  }
}

struct WindowGoldenCase: Sendable, CustomTestStringConvertible {
  var name: String
  var kind: OpKind
  var options: OperatorOptions
  var tensors: [WindowGoldenTensor]
  /// Operator inputs as indices into `tensors` (nil: absent optional input).
  var inputs: [Int?]
  var output: Int
  /// The value fed to the operator's first input.
  var feed: [Double]
  /// Peer name ("tflm", "litert_ref") → its output.
  var expected: [String: [Double]]

  var testDescription: String { name }

  var graph: Graph {
    let graphTensors = tensors.enumerated().map { index, t in
      Tensor(
        name: "t\(index)", type: t.type, shape: Shape(t.shape),
        quantization: t.scales.isEmpty ? nil : Quantization(scales: t.scales, zeroPoints: t.zeroPoints, axis: t.axis),
        data: t.data.map { windowGoldenBytes($0, as: t.type) })
    }
    let op = Operator(kind: kind, inputs: inputs, outputs: [output], options: options)
    return Graph(name: name, tensors: graphTensors, operators: [op], inputs: [inputs[0] ?? 0], outputs: [output])
  }

  /// Runs the operator through the reference interpreter.
  func run(rounding: Rounding = .tflm) throws -> [Double] {
    let source = tensors[inputs[0] ?? 0]
    let interpreter = try ReferenceInterpreter(graph: graph, options: LoweringOptions(rounding: rounding))
    let feedValue = TensorValue(type: source.type, shape: Shape(source.shape), bytes: windowGoldenBytes(feed, as: source.type))
    return try interpreter.run([feedValue])[0].doubles
  }
}

/// Little-endian element bytes of `values` as `type`.
func windowGoldenBytes(_ values: [Double], as type: DataType) -> [UInt8] {
  switch type {
  case .int8: return TensorValue(values.map { Int8($0) }, type: .int8, shape: Shape([values.count])).bytes
  case .int32: return TensorValue(values.map { Int32($0) }, type: .int32, shape: Shape([values.count])).bytes
  case .int64: return TensorValue(values.map { Int64($0) }, type: .int64, shape: Shape([values.count])).bytes
  case .int16: return TensorValue(values.map { Int16($0) }, type: .int16, shape: Shape([values.count])).bytes
  default: return TensorValue(floats: values.map { Float($0) }, shape: Shape([values.count])).bytes
  }
}

/// The error lowering `graph` throws (recording a test issue when it does not throw).
func windowLoweringError(_ graph: Graph, rounding: Rounding = .tflm) -> EdgeError? {
  #expect(throws: EdgeError.self) { try lower(graph, options: LoweringOptions(rounding: rounding)) }
}

/// A seeded generator (SplitMix64) so property tests are reproducible.
struct WindowTestRandom {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Uniform in [-1, 1).
  mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
  mutating func int8() -> Int8 { Int8(truncatingIfNeeded: next()) }
}
