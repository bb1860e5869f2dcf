/// Index of a tensor in `Graph.tensors`. Operators refer to tensors by id so the
/// graph stays a plain value that passes can copy and rewrite.
public typealias TensorID = Int

/// One tensor of the graph: an activation (produced at run time), a graph
/// input, or a constant whose bytes travel with the graph.
public struct Tensor: Hashable, Sendable {
  public var name: String
  public var type: DataType
  public var shape: Shape
  public var quantization: Quantization?
  /// Little-endian element bytes for constants (weights, biases, shape
  /// vectors); nil for tensors computed at run time.
  public var data: [UInt8]?
  /// A TFLite resource variable: persistent state that lives across invocations.
  public var isVariable: Bool

  public init(
    name: String, type: DataType, shape: Shape, quantization: Quantization? = nil,
    data: [UInt8]? = nil, isVariable: Bool = false
  ) {
    self.name = name
    self.type = type
    self.shape = shape
    self.quantization = quantization
    self.data = data
    self.isVariable = isVariable
  }

  public var isConstant: Bool { data != nil }
  public var elementCount: Int { shape.elementCount }
  public var byteSize: Int { type.byteCount(elements: shape.elementCount) }
}
