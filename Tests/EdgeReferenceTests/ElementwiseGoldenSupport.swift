import EdgeCore
import Testing

@testable import EdgeReference

// Golden cases for ADD, MUL, MEAN, SOFTMAX, LOGISTIC, CONCATENATION,
// QUANTIZE and DEQUANTIZE: one operator with exactly the tensors, quantization
// and options of a model that tools/golden/<op>.py wrote and ran through TFLM,
// with TFLM's output. The arrays live at the top of each <Op>Tests.swift
// between the GOLDEN markers.

/// One tensor of a golden operator. Values are Doubles so that one literal
/// type carries int8, int32 and float32 data exactly.
struct GoldenOperand: Sendable {
  var type: DataType
  var shape: [Int]
  var scale: Float?
  var zeroPoint: Int64
  /// Constant data; nil for a tensor fed at run time.
  var data: [Double]?

  init(_ type: DataType, _ shape: [Int], scale: Float? = nil, zeroPoint: Int64 = 0, data: [Double]? = nil) {
    self.type = type
    self.shape = shape
    self.scale = scale
    self.zeroPoint = zeroPoint
    self.data = data
  }

  func tensor(name: String) -> Tensor {
    Tensor(
      name: name, type: type, shape: Shape(shape),
      quantization: scale.map { Quantization(scale: $0, zeroPoint: zeroPoint) },
      data: data.map { goldenBytes($0, as: type) })
  }
}

struct SingleOpGolden: Sendable, CustomTestStringConvertible {
  var name: String
  var kind: OpKind
  var options: OperatorOptions
  var inputs: [GoldenOperand]
  var output: GoldenOperand
  /// Values for the non-constant inputs, in order.
  var feeds: [[Double]]
  /// TFLM's output.
  var expected: [Double]

  var testDescription: String { name }

  /// The operator's graph: tensors t0… are the inputs, the last is the output.
  var graph: Graph {
    let tensors = inputs.enumerated().map { $1.tensor(name: "t\($0)") } + [output.tensor(name: "t\(inputs.count)")]
    let op = Operator(kind: kind, inputs: Array(inputs.indices), outputs: [inputs.count], options: options)
    return Graph(
      name: name, tensors: tensors, operators: [op],
      inputs: inputs.indices.filter { inputs[$0].data == nil }, outputs: [inputs.count])
  }

  /// Runs the operator through the reference interpreter.
  func run() throws -> [Double] {
    let fed = inputs.filter { $0.data == nil }
    let values = zip(fed, feeds).map { operand, feed in
      TensorValue(type: operand.type, shape: Shape(operand.shape), bytes: goldenBytes(feed, as: operand.type))
    }
    return try ReferenceInterpreter(graph: graph).run(values)[0].doubles
  }
}

/// Little-endian element bytes of `values` as `type`.
func goldenBytes(_ values: [Double], as type: DataType) -> [UInt8] {
  switch type {
  case .int8: return TensorValue(values.map { Int8($0) }, type: .int8, shape: Shape([values.count])).bytes
  case .int32: return TensorValue(values.map { Int32($0) }, type: .int32, shape: Shape([values.count])).bytes
  default: return TensorValue(floats: values.map { Float($0) }, shape: Shape([values.count])).bytes
  }
}

/// The error lowering `graph` throws (recording a test issue when it does not throw).
func singleOpLoweringError(_ graph: Graph) -> EdgeError? {
  #expect(throws: EdgeError.self) { try lower(graph) }
}

/// The largest relative difference between two float results (NaN matching NaN).
func maxRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
  zip(a, b).reduce(0) { worst, pair in
    if pair.0.isNaN && pair.1.isNaN { return worst }
    return max(worst, abs(pair.0 - pair.1) / max(abs(pair.1), 1e-30))
  }
}
