import EdgeCore

/// Evaluates at compile time the operators whose results do not depend on
/// the input: the shape arithmetic of Keras exports, which with a `None`
/// batch dimension turns every Flatten or Reshape into
///
///     SHAPE(x) → STRIDED_SLICE → PACK(…, -1) → RESHAPE(x, shape)
///
/// and similar chains of GATHER, REDUCE_PROD, CONCATENATION, CAST, FILL,
/// EXPAND_DIMS, SQUEEZE and int32 arithmetic. An operator folds when every
/// input is a constant — for SHAPE and RANK, whatever its input, since every
/// shape in edgec is static — and none of its outputs is a graph output. Its
/// outputs become constants (same name, type, shape and quantization) and the
/// operator goes. The operators are visited in execution order, so one walk
/// folds whole chains; RESHAPE then reads a constant shape (its lowering goes
/// by the output tensor's shape anyway, and emits nothing for the constant).
///
/// Operators with a run-time kernel fold only where that is exact and costs
/// nothing: ADD and MUL on unquantized int32/int64/float32 constants,
/// CONCATENATION of unquantized constants, SLICE of a constant, RESHAPE of a
/// constant read by nothing else (otherwise the view of it costs less than a
/// copy). A
/// compile-time operator (`OpKind.isCompileTimeOnly`) that does not fold is
/// left for the lowering, which names it; one that cannot be evaluated (an
/// index out of range, a shape that disagrees with the stored one) is an
/// error naming the operator.
public struct FoldConstants: GraphPass {
  public var name: String { "fold-constants" }

  public init() {}

  public func run(on graph: Graph) throws -> (graph: Graph, rewrites: Int) {
    var graph = graph
    let consumers = graph.consumers
    var folded: Set<Int> = []
    for index in graph.operators.indices where foldable(graph, index, consumers) {
      let context = FoldContext(graph: graph, index: index)
      let values = try context.evaluate()
      let op = graph.operators[index]
      guard values.count == op.outputs.count else {
        throw context.error("evaluated to \(values.count) values for \(op.outputs.count) outputs")
      }
      for (id, value) in zip(op.outputs, values) {
        // expectShape checked the shape; the type is the evaluator's promise.
        guard value.type == graph.tensors[id].type, value.shape == graph.tensors[id].shape else {
          throw context.error(
            "evaluated '\(graph.tensors[id].name)' to \(value.type.rawValue)\(value.shape), but the model stores "
              + "\(graph.tensors[id].type.rawValue)\(graph.tensors[id].shape)")
        }
        graph.tensors[id].data = value.bytes
      }
      folded.insert(index)
    }
    return (graph.removingOperators(folded), folded.count)
  }

  /// Whether operator `index` can be evaluated now (its inputs folded so far).
  private func foldable(_ graph: Graph, _ index: Int, _ consumers: [[Int]]) -> Bool {
    let op = graph.operators[index]
    guard !op.outputs.isEmpty,
      op.outputs.allSatisfy({ !graph.isGraphOutput($0) && !graph.tensors[$0].isVariable })
    else { return false }
    let inputs = op.inputs.compactMap { $0 }
    if op.kind == .shape || op.kind == .rank { return !inputs.isEmpty }
    guard !inputs.isEmpty, inputs.allSatisfy({ graph.tensors[$0].isConstant }) else { return false }
    if op.kind.isCompileTimeOnly || op.kind == .sub { return true }  // SUB: run-time too, folded as before
    // STRIDED_SLICE and GATHER have run-time kernels too; on constants they fold.
    if op.kind == .stridedSlice || op.kind == .gather { return true }
    let tensors = (inputs + op.outputs).map { graph.tensors[$0] }
    let unquantized = tensors.allSatisfy { $0.quantization == nil }
    switch op.kind {
    case .add, .mul:
      return unquantized && tensors.allSatisfy { [.int32, .int64, .float32].contains($0.type) }
    case .concatenation:
      return unquantized && op.fusedActivation == .none
    case .reshape:
      return consumers[inputs[0]].count == 1
    case .slice:
      // SLICE's kernel takes contiguous ranges of run-time tensors; a slice
      // of a constant is a smaller constant.
      return true
    default:
      return false
    }
  }
}

extension FoldContext {
  /// The operator's output values: dispatches to the evaluator of its kind.
  func evaluate() throws -> [TensorValue] {
    switch (op.kind, op.options) {
    case (.shape, _), (.rank, _): return try evaluateShape()
    case (.reshape, _): return try evaluateReshape()
    case (.squeeze, .squeeze(let dims)): return try evaluateSqueeze(dims: dims)
    case (.expandDims, _): return try evaluateExpandDims()
    case (.fill, _): return try evaluateFill()
    case (.pack, .pack(let axis, _)): return try evaluatePack(axis: axis)
    case (.unpack, .unpack(let axis, _)): return try evaluateUnpack(axis: axis)
    case (.slice, _): return try evaluateSlice()
    case (.stridedSlice, .stridedSlice(let options)): return try evaluateStridedSlice(options)
    case (.gather, .gather(let axis, let batchDims)): return try evaluateGather(axis: axis, batchDims: batchDims)
    case (.concatenation, .concatenation(let axis, _)): return try evaluateConcatenation(axis: axis)
    case (.reduceProd, .reducer(let keepDims)): return try evaluateReduceProd(keepDims: keepDims)
    case (.cast, _): return try evaluateCast()
    case (.add, _), (.sub, _), (.mul, _), (.div, _), (.floorDiv, _), (.floorMod, _), (.maximum, _), (.minimum, _):
      return try evaluateBinary()
    default:
      throw error("has options \(op.options) that edgec cannot evaluate it with")
    }
  }
}
