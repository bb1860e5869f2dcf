import EdgeCore
import EdgePasses
import Testing

/// One operator on hand-made tensors, folded by FoldConstants. Each output
/// feeds a RESHAPE that is a graph output (which the pass never folds), so
/// the folded value stays readable as the output tensor's data.
struct FoldCase {
  var kind: OpKind
  var options: OperatorOptions = .none
  var inputs: [Tensor]
  var outputs: [Tensor]

  init(_ kind: OpKind, _ options: OperatorOptions = .none, inputs: [Tensor], outputs: [Tensor]) {
    self.kind = kind
    self.options = options
    self.inputs = inputs
    self.outputs = outputs
  }

  init(_ kind: OpKind, _ options: OperatorOptions = .none, inputs: [Tensor], output: Tensor) {
    self.init(kind, options, inputs: inputs, outputs: [output])
  }

  var graph: Graph {
    let outputIDs = outputs.indices.map { inputs.count + $0 }
    let sinks = outputs.indices.map { inputs.count + outputs.count + $0 }
    var tensors = inputs + outputs
    tensors += outputs.map { Tensor(name: $0.name + "_sink", type: $0.type, shape: $0.shape) }
    let op = Operator(kind: kind, inputs: inputs.indices.map { $0 }, outputs: outputIDs, options: options)
    let reshapes = zip(outputIDs, sinks).map { Operator(kind: .reshape, inputs: [$0], outputs: [$1]) }
    return Graph(
      name: "fold", tensors: tensors, operators: [op] + reshapes,
      inputs: inputs.indices.filter { !inputs[$0].isConstant }, outputs: sinks)
  }

  /// The folded outputs; fails the test when the operator did not fold.
  func fold() throws -> [TensorValue] {
    let graph = self.graph
    let (folded, records) = try PassManager([FoldConstants()]).run(graph)
    #expect(records.map(\.rewrites) == [1])
    #expect(folded.operators.map(\.kind) == Array(repeating: OpKind.reshape, count: outputs.count))
    return try graph.operators[0].outputs.map { id in
      let tensor = folded.tensors[id]
      let data = try #require(tensor.data, "'\(tensor.name)' was not folded")
      return TensorValue(type: tensor.type, shape: tensor.shape, bytes: data)
    }
  }

  /// The error folding gives.
  func error() -> EdgeError? {
    do {
      _ = try PassManager([FoldConstants()]).run(graph)
      return nil
    } catch {
      return error as? EdgeError
    }
  }
}

func int32s(_ name: String, _ values: [Int32], _ dims: [Int]? = nil) -> Tensor {
  let value = TensorValue(values, type: .int32, shape: Shape(dims ?? [values.count]))
  return Tensor(name: name, type: .int32, shape: value.shape, data: value.bytes)
}

func int32Scalar(_ name: String, _ value: Int32) -> Tensor { int32s(name, [value], []) }

func floats(_ name: String, _ values: [Float], _ dims: [Int]? = nil) -> Tensor {
  let value = TensorValue(floats: values, shape: Shape(dims ?? [values.count]))
  return Tensor(name: name, type: .float32, shape: value.shape, data: value.bytes)
}

/// 0, 1, …, 23 as int32 [2, 3, 4]: the data of most layout cases.
let iota234 = int32s("x", (0..<24).map { Int32($0) }, [2, 3, 4])

func result(_ name: String, _ type: DataType, _ dims: [Int]) -> Tensor {
  Tensor(name: name, type: type, shape: Shape(dims))
}

/// An int32 output 'y'.
func result(_ dims: [Int]) -> Tensor { result("y", .int32, dims) }

extension TensorValue {
  var int32s: [Int32] { elements(as: Int32.self) }
}
