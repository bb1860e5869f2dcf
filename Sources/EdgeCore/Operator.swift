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
  // Layout and data movement (SLICE runs only as one contiguous byte range;
  // other slices are folded when their input is a constant)
  case reshape, pad, concatenation, slice
  // Transformer operators (issue 6): matrix products of two activations,
  // layout, element-wise math and activations of ViTs and streaming models
  case batchMatMul, transpose, split, splitV
  case squaredDifference, rsqrt, neg, gelu, hardSwish
  // Type conversion
  case quantize, dequantize
  // Resource variables (StateVariable.swift): a read copies or views the
  // state, an assignment copies into it
  case readVariable, assignVariable
  // Compile-time only (`isCompileTimeOnly`): the shape arithmetic of Keras
  // exports. FoldConstants evaluates them on constants and static shapes;
  // none has a run-time kernel.
  case shape, rank, stridedSlice, pack, unpack, gather, reduceProd
  case cast, squeeze, expandDims, fill
  case sub, div, floorDiv, floorMod, maximum, minimum
  // (SUB also runs at run time since issue 6; FoldConstants still folds it
  // when both inputs are constants.)
  // (STRIDED_SLICE and GATHER too: run-time kernels for a run-time data
  // input with constant indices; folded as before on constants.)
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
    case .shape: return "SHAPE"
    case .rank: return "RANK"
    case .stridedSlice: return "STRIDED_SLICE"
    case .slice: return "SLICE"
    case .pack: return "PACK"
    case .unpack: return "UNPACK"
    case .gather: return "GATHER"
    case .reduceProd: return "REDUCE_PROD"
    case .cast: return "CAST"
    case .squeeze: return "SQUEEZE"
    case .expandDims: return "EXPAND_DIMS"
    case .fill: return "FILL"
    case .sub: return "SUB"
    case .div: return "DIV"
    case .floorDiv: return "FLOOR_DIV"
    case .floorMod: return "FLOOR_MOD"
    case .maximum: return "MAXIMUM"
    case .batchMatMul: return "BATCH_MATMUL"
    case .transpose: return "TRANSPOSE"
    case .split: return "SPLIT"
    case .splitV: return "SPLIT_V"
    case .squaredDifference: return "SQUARED_DIFFERENCE"
    case .rsqrt: return "RSQRT"
    case .neg: return "NEG"
    case .gelu: return "GELU"
    case .hardSwish: return "HARD_SWISH"
    case .minimum: return "MINIMUM"
    case .readVariable: return "READ_VARIABLE"
    case .assignVariable: return "ASSIGN_VARIABLE"
    case .other(let name): return name
    }
  }

  /// Whether edgec compiles the operator: with a run-time kernel, or — for
  /// `isCompileTimeOnly` kinds — by evaluating it at compile time. The
  /// lowering names every compile-time operator the folding could not remove.
  public var isSupported: Bool {
    if case .other = self { return false }
    return true
  }

  /// Operators edgec evaluates only at compile time (FoldConstants), on
  /// constant inputs and static shapes; they must be gone before lowering.
  public var isCompileTimeOnly: Bool {
    switch self {
    case .shape, .rank, .pack, .unpack, .reduceProd, .cast, .squeeze,
      .expandDims, .fill, .div, .floorDiv, .floorMod, .maximum, .minimum:
      return true
    default:
      return false
    }
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
  /// Set by the depthwise-in-place pass (never by import): the op computes
  /// channel by channel through a one-channel plane, its second output
  /// ([H·W] int8, read by nobody), so its output may overwrite its input.
  public var inPlace = false
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
  case stridedSlice(StridedSliceOptions)
  /// PACK: `count` tensors stacked along a new axis `axis`.
  case pack(axis: Int, count: Int)
  /// UNPACK: the input split along `axis` into `count` outputs.
  case unpack(axis: Int, count: Int)
  case gather(axis: Int, batchDims: Int)
  /// SQUEEZE: the size-1 axes to remove; empty removes every size-1 axis.
  case squeeze(dims: [Int])
  /// BATCH_MATMUL: whether the last two axes of the first / second input
  /// are transposed before the product.
  case batchMatMul(adjX: Bool, adjY: Bool)
  /// SPLIT and SPLIT_V: the number of outputs (axis and sizes are inputs).
  case split(count: Int)
  /// GELU: the tanh approximation (true) or the exact erf form (false).
  case gelu(approximate: Bool)
}

/// STRIDED_SLICE's options (TFLite's StridedSliceOptions). Bit i of a mask
/// refers to entry i of the begin/end/strides vectors.
public struct StridedSliceOptions: Hashable, Sendable {
  public var beginMask: Int, endMask: Int, ellipsisMask: Int, newAxisMask: Int, shrinkAxisMask: Int
  /// `end` counts from `begin` (end = begin + end), as LiteRT's offset flag.
  public var offset: Bool
  public init(
    beginMask: Int = 0, endMask: Int = 0, ellipsisMask: Int = 0, newAxisMask: Int = 0, shrinkAxisMask: Int = 0,
    offset: Bool = false
  ) {
    self.beginMask = beginMask
    self.endMask = endMask
    self.ellipsisMask = ellipsisMask
    self.newAxisMask = newAxisMask
    self.shrinkAxisMask = shrinkAxisMask
    self.offset = offset
  }
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

  /// The kind's name with what a pass fused into it: `CONV_2D+ADD` for a
  /// residual ADD (for plan pictures and reports).
  public var label: String {
    if case .conv2D(let o) = options, o.residual != nil { return kind.name + "+ADD" }
    return kind.name
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
