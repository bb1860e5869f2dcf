import EdgeCore

/// Which peer's arithmetic to reproduce where TFLM and LiteRT differ.
public enum Rounding: String, Sendable, CaseIterable {
  /// TensorFlow Lite Micro (and CMSIS-NN): double rounding everywhere. The default.
  case tflm
  /// LiteRT 2.x reference kernels: FULLY_CONNECTED requantizes with one rounding.
  case litert
}

public struct LoweringOptions: Sendable {
  public var rounding: Rounding
  public init(rounding: Rounding = .tflm) { self.rounding = rounding }
}

/// Lowers every operator of a verified graph to a prepared kernel: the
/// compile-time half of TFLM's Prepare/Eval split. Both the reference
/// interpreter and the C code generator execute the result, so their
/// arithmetic cannot drift apart.
///
/// Throws one error listing every operator edgec cannot compile, so a user
/// sees the whole list at once instead of fixing one at a time.
public func lower(_ graph: Graph, options: LoweringOptions = LoweringOptions()) throws
  -> [LoweredOp]
{
  let unsupported = graph.unsupportedOperators
  if !unsupported.isEmpty {
    let list = unsupported.map { "op \(graph.operators[$0.index].origin ?? $0.index) (\($0.kind.name))" }
      .joined(separator: ", ")
    let names = Set(unsupported.map { $0.kind.name }).sorted().joined(separator: ", ")
    throw EdgeError(
      .unsupported,
      "\(unsupported.count) operator\(unsupported.count == 1 ? "" : "s") edgec cannot compile: "
        + "\(list). Unsupported operator types: \(names).")
  }
  return try graph.operators.indices.map { index in
    let context = OpContext(graph: graph, opIndex: index, options: options)
    switch graph.operators[index].kind {
    case .conv2D: return try lowerConv2D(context)
    case .depthwiseConv2D: return try lowerDepthwiseConv2D(context)
    case .fullyConnected: return try lowerFullyConnected(context)
    case .averagePool2D, .maxPool2D: return try lowerPool2D(context)
    case .pad: return try lowerPad(context)
    case .add, .mul: return try lowerElementwise(context)
    case .mean: return try lowerMean(context)
    case .softmax: return try lowerSoftmax(context)
    case .logistic: return try lowerLogistic(context)
    case .concatenation: return try lowerConcatenation(context)
    case .quantize: return try lowerQuantize(context)
    case .dequantize: return try lowerDequantize(context)
    case .reshape: return try lowerReshape(context)
    case .slice: return try lowerSlice(context)
    case .shape, .rank, .pack, .unpack, .reduceProd, .cast, .squeeze, .expandDims,
      .fill, .div, .floorDiv, .floorMod, .maximum, .minimum:
      throw unfoldedOperatorsError(graph)
    // Issue-6 kinds imported before their kernels exist (one line per helper).
    case .batchMatMul: return try lowerBatchMatMul(context)
    case .transpose: return try lowerTranspose(context)
    case .stridedSlice: return try lowerStridedSlice(context)
    case .gather: return try lowerGather(context)
    case .split, .splitV: return try lowerSplit(context)
    case .sub, .squaredDifference: return try lowerSubtraction(context)
    case .neg: return try lowerNeg(context)
    case .rsqrt: return try lowerRsqrt(context)
    case .hardSwish: return try lowerHardSwish(context)
    case .gelu: return try lowerGelu(context)
    case .readVariable: return try lowerReadVariable(context)
    case .assignVariable: return try lowerAssignVariable(context)
    case .other(let name):
      throw context.error(.unsupported, "operator \(name) is not supported")
    }
  }
}

/// What a lowering function needs to know about one operator, with accessors
/// that turn a missing tensor or quantization into an error naming the op.
public struct OpContext: Sendable {
  public let graph: Graph
  public let opIndex: Int
  public let options: LoweringOptions

  public var op: Operator { graph.operators[opIndex] }

  /// The id of input `i`, or nil when the optional input is absent.
  public func inputID(_ i: Int) -> TensorID? { i < op.inputs.count ? op.inputs[i] : nil }

  public func input(_ i: Int) throws -> Tensor {
    guard let id = inputID(i), graph.tensors.indices.contains(id) else {
      throw error(.invalidGraph, "input \(i) is missing")
    }
    return graph.tensors[id]
  }

  public func output(_ i: Int = 0) throws -> Tensor {
    guard i < op.outputs.count, graph.tensors.indices.contains(op.outputs[i]) else {
      throw error(.invalidGraph, "output \(i) is missing")
    }
    return graph.tensors[op.outputs[i]]
  }

  /// The tensor's quantization, or an error saying which tensor lacks it.
  public func quantization(of tensor: Tensor) throws -> Quantization {
    guard let q = tensor.quantization, !q.scales.isEmpty else {
      throw error(.invalidGraph, "tensor '\(tensor.name)' is \(tensor.type.rawValue) but has no quantization parameters")
    }
    return q
  }

  /// The constant bytes of input `i`, or an error when it is computed at run time.
  public func constantInput(_ i: Int) throws -> Tensor {
    let tensor = try input(i)
    guard tensor.isConstant else {
      throw error(.unsupported, "input \(i) ('\(tensor.name)') must be a constant")
    }
    return tensor
  }

  /// An error located at this operator.
  public func error(_ kind: EdgeError.Kind, _ message: String) -> EdgeError {
    EdgeError(kind, message, at: ErrorLocation(opIndex: op.origin ?? opIndex, opName: op.kind.name))
  }

  /// The standard kernel step: the op's inputs and outputs as the C call takes them.
  public func kernel(_ kernel: any PreparedKernel, inputs: [TensorID?]? = nil) -> LoweredOp {
    .kernel(opIndex: opIndex, kernel: kernel, inputs: inputs ?? op.inputs, outputs: op.outputs)
  }
}

/// The error for compile-time operators (`OpKind.isCompileTimeOnly`) that
/// reach the lowering. FoldConstants evaluates them when their inputs are
/// constants (SHAPE and RANK: always, shapes being static), so one left here
/// reads a value computed at run time, produces a graph output, or the passes
/// did not run. Names every one by its index in the imported model.
private func unfoldedOperatorsError(_ graph: Graph) -> EdgeError {
  // Values known at compile time: constants, and what compile-time operators
  // compute from them (what the pass would have folded).
  var known = Set(graph.tensors.indices.filter { graph.tensors[$0].isConstant })
  var messages: [String] = []
  var first: (index: Int, op: Operator)?
  for (index, op) in graph.operators.enumerated() {
    let inputsKnown = op.kind == .shape || op.kind == .rank
      || op.inputs.allSatisfy { id in id.map { known.contains($0) } ?? true }
    // Run-time kinds the pass also folds on constants (STRIDED_SLICE, GATHER,
    // SUB) carry known values along a chain without being named.
    if inputsKnown && [.stridedSlice, .gather, .sub].contains(op.kind) { known.formUnion(op.outputs) }
    guard op.kind.isCompileTimeOnly else { continue }
    if inputsKnown { known.formUnion(op.outputs) }
    let reason: String
    if !inputsKnown {
      reason = "its inputs are computed at run time; edgec evaluates \(op.kind.name) only on constants and static "
        + "shapes (it has no run-time kernel for it)"
    } else if op.outputs.contains(where: graph.outputs.contains) {
      reason = "it computes a graph output, which edgec does not fold to a constant; \(op.kind.name) has no "
        + "run-time kernel"
    } else {
      reason = "it was not folded to a constant; run the fold-constants pass (PassManager.standard) before lowering"
    }
    messages.append("op \(op.origin ?? index) (\(op.kind.name)): \(reason)")
    if first == nil { first = (index, op) }
  }
  return EdgeError(
    .unsupported, messages.joined(separator: "; "),
    at: ErrorLocation(opIndex: first.map { $0.op.origin ?? $0.index }, opName: first?.op.kind.name))
}
