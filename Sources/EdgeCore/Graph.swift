/// A model as edgec sees it: tensors, operators in execution order, and the
/// graph's inputs and outputs. A plain value; passes return new graphs.
public struct Graph: Hashable, Sendable {
  /// A C-identifier-safe model name (from the file name), used for symbols.
  public var name: String
  public var tensors: [Tensor]
  /// Operators in the order they execute.
  public var operators: [Operator]
  public var inputs: [TensorID]
  public var outputs: [TensorID]
  /// Resource variables: state kept between inferences (StateVariable.swift).
  /// Empty for stateless models.
  public var variables: [StateVariable]

  public init(
    name: String, tensors: [Tensor], operators: [Operator], inputs: [TensorID],
    outputs: [TensorID], variables: [StateVariable] = []
  ) {
    self.name = name
    self.tensors = tensors
    self.operators = operators
    self.inputs = inputs
    self.outputs = outputs
    self.variables = variables
  }

  /// For each tensor, the index of the operator that writes it (nil for
  /// constants and graph inputs).
  public var producers: [Int?] {
    var result = [Int?](repeating: nil, count: tensors.count)
    for (index, op) in operators.enumerated() {
      for output in op.outputs where result.indices.contains(output) { result[output] = index }
    }
    return result
  }

  /// For each tensor, the indices of the operators that read it, in order.
  public var consumers: [[Int]] {
    var result = [[Int]](repeating: [], count: tensors.count)
    for (index, op) in operators.enumerated() {
      for case let input? in op.inputs where result.indices.contains(input) {
        if result[input].last != index { result[input].append(index) }
      }
    }
    return result
  }

  /// Operators edgec cannot compile, with their indices.
  public var unsupportedOperators: [(index: Int, kind: OpKind)] {
    operators.enumerated().filter { !$0.element.kind.isSupported }.map { ($0.offset, $0.element.kind) }
  }

  /// Operator `index` described for messages: `op 3 (CONV_2D)`.
  public func describe(op index: Int) -> String {
    guard operators.indices.contains(index) else { return "op \(index)" }
    return "op \(index) (\(operators[index].kind.name))"
  }

  /// Tensor `id` described for messages: `tensor 7 'conv1/weights'`.
  public func describe(tensor id: TensorID) -> String {
    guard tensors.indices.contains(id) else { return "tensor \(id)" }
    return "tensor \(id) '\(tensors[id].name)'"
  }
}
