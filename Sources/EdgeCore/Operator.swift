/// The operators of the IR. Named after TFLite's builtin operators because
/// that is what users read in Netron and in error messages; `.other` keeps an
/// operator edgec cannot compile so that inspection and the unsupported-operator
/// error can still name it.
public enum OpKind: Hashable, Sendable {
  // Convolution and matrix products
  case conv2D, depthwiseConv2D, fullyConnected
  // Element-wise arithmetic (with broadcasting)
  case add, mul
  // Pooling and reductions
  case averagePool2D, maxPool2D, mean
  // Activations
  case softmax, logistic
  // Layout and data movement
  case reshape, pad, concatenation
  // Type conversion
  case quantize, dequantize
  /// A TFLite builtin (or custom) operator edgec does not implement.
  case other(String)

  /// The TFLite name, e.g. `CONV_2D`.
  public var name: String {
    switch self {
    case .conv2D: return "CONV_2D"
    case .depthwiseConv2D: return "DEPTHWISE_CONV_2D"
    case .fullyConnected: return "FULLY_CONNECTED"
    case .add: return "ADD"
    case .mul: return "MUL"
    case .averagePool2D: return "AVERAGE_POOL_2D"
    case .maxPool2D: return "MAX_POOL_2D"
    case .mean: return "MEAN"
    case .softmax: return "SOFTMAX"
    case .logistic: return "LOGISTIC"
    case .reshape: return "RESHAPE"
    case .pad: return "PAD"
    case .concatenation: return "CONCATENATION"
    case .quantize: return "QUANTIZE"
    case .dequantize: return "DEQUANTIZE"
    case .other(let name): return name
    }
  }

  public var isSupported: Bool {
    if case .other = self { return false }
    return true
  }
}

public enum Padding: String, Hashable, Sendable, Codable {
  case same, valid
}

/// An activation TFLite fuses into the operator that produces a tensor.
public enum FusedActivation: String, Hashable, Sendable, Codable {
  case none, relu, reluN1To1, relu6, tanh, signBit
}

public struct Conv2DOptions: Hashable, Sendable {
  public var padding: Padding
  public var strideH: Int, strideW: Int
  public var dilationH: Int, dilationW: Int
  /// The convolution's own activation (before any fused residual ADD).
  public var activation: FusedActivation
  /// Set by the residual-fusion pass: the operator also adds a skip tensor
  /// (its input 3) and its output is the ADD's output. Never set by import.
  public var residual: ResidualAdd?
  /// Set by the PAD-folding pass: padding amounts that replace `padding`.
  public var explicitPadding: ExplicitPadding?
  public init(
    padding: Padding, strideH: Int, strideW: Int, dilationH: Int = 1, dilationW: Int = 1,
    activation: FusedActivation = .none, residual: ResidualAdd? = nil
  ) {
    self.padding = padding
    self.strideH = strideH
    self.strideW = strideW
    self.dilationH = dilationH
    self.dilationW = dilationW
    self.activation = activation
    self.residual = residual
  }
}

/// Zero padding of a window operator given as amounts (a PAD folded into
/// the convolution that reads it) rather than as TFLite's SAME or VALID.
public struct ExplicitPadding: Hashable, Sendable {
  public var top: Int, bottom: Int, left: Int, right: Int
  public init(top: Int, bottom: Int, left: Int, right: Int) {
    (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
  }
}

/// An int8 ADD of a convolution's output and a skip tensor of the same shape,
/// fused into the convolution (ResNet and MobileNetV2 blocks). The
/// convolution's own output no longer exists as a tensor, so its type and
/// quantization — which the ADD's arithmetic needs — are kept here.
public struct ResidualAdd: Hashable, Sendable {
  public var convOutputType: DataType
  public var convOutputQuantization: Quantization
  /// The ADD's fused activation.
  public var activation: FusedActivation
  /// The name the convolution's output had, for reports and dumps.
  public var convOutputName: String

  public init(
    convOutputType: DataType, convOutputQuantization: Quantization, activation: FusedActivation,
    convOutputName: String
  ) {
    self.convOutputType = convOutputType
    self.convOutputQuantization = convOutputQuantization
    self.activation = activation
    self.convOutputName = convOutputName
  }
}

public struct DepthwiseConv2DOptions: Hashable, Sendable {
  public var padding: Padding
  public var strideH: Int, strideW: Int
  public var dilationH: Int, dilationW: Int
  public var depthMultiplier: Int
  public var activation: FusedActivation
  /// Set by the PAD-folding pass: padding amounts that replace `padding`.
  public var explicitPadding: ExplicitPadding?
  public init(
    padding: Padding, strideH: Int, strideW: Int, dilationH: Int = 1, dilationW: Int = 1,
    depthMultiplier: Int = 1, activation: FusedActivation = .none
  ) {
    self.padding = padding
    self.strideH = strideH
    self.strideW = strideW
    self.dilationH = dilationH
    self.dilationW = dilationW
    self.depthMultiplier = depthMultiplier
    self.activation = activation
  }
}

public struct FullyConnectedOptions: Hashable, Sendable {
  public var activation: FusedActivation
  public var keepNumDims: Bool
  public init(activation: FusedActivation = .none, keepNumDims: Bool = false) {
    self.activation = activation
    self.keepNumDims = keepNumDims
  }
}

public struct Pool2DOptions: Hashable, Sendable {
  public var padding: Padding
  public var strideH: Int, strideW: Int
  public var filterH: Int, filterW: Int
  public var activation: FusedActivation
  public init(
    padding: Padding, strideH: Int, strideW: Int, filterH: Int, filterW: Int,
    activation: FusedActivation = .none
  ) {
    self.padding = padding
    self.strideH = strideH
    self.strideW = strideW
    self.filterH = filterH
    self.filterW = filterW
    self.activation = activation
  }
}

/// Options of an operator, one case per option table edgec reads. Operators
/// without options (or whose options edgec ignores) carry `.none`.
public enum OperatorOptions: Hashable, Sendable {
  case none
  case conv2D(Conv2DOptions)
  case depthwiseConv2D(DepthwiseConv2DOptions)
  case fullyConnected(FullyConnectedOptions)
  case pool2D(Pool2DOptions)
  /// ADD, MUL and other element-wise operators that only fuse an activation.
  case activation(FusedActivation)
  case reshape(newShape: [Int]?)
  case softmax(beta: Float)
  case concatenation(axis: Int, activation: FusedActivation)
  case reducer(keepDims: Bool)
}

/// One node of the graph. Inputs are optional because TFLite marks an absent
/// optional input (e.g. a convolution without bias) with index -1.
public struct Operator: Hashable, Sendable {
  public var kind: OpKind
  public var inputs: [TensorID?]
  public var outputs: [TensorID]
  public var options: OperatorOptions
  /// The operator's index in the model as imported, kept through the passes
  /// so messages name the op the user can find in Netron (nil: unchanged).
  public var origin: Int?

  public init(
    kind: OpKind, inputs: [TensorID?], outputs: [TensorID], options: OperatorOptions = .none,
    origin: Int? = nil
  ) {
    self.kind = kind
    self.inputs = inputs
    self.outputs = outputs
    self.options = options
    self.origin = origin
  }

  /// The fused activation of this operator, if its options carry one.
  public var fusedActivation: FusedActivation {
    switch options {
    case .conv2D(let o): return o.activation
    case .depthwiseConv2D(let o): return o.activation
    case .fullyConnected(let o): return o.activation
    case .pool2D(let o): return o.activation
    case .activation(let a): return a
    case .concatenation(_, let a): return a
    default: return .none
    }
  }
}
