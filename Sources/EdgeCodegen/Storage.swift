import EdgeCore
import EdgePlan
import EdgeReference

/// Where the generated code finds a tensor: a byte offset into the arena (as
/// the memory plan decided), a `const` array in the weights file, or a byte
/// offset into the state buffer (a variable; StateLayout.swift).
enum Storage: Hashable {
  case arena(offset: Int)
  case weights(symbol: String)
  case state(offset: Int)
}

/// The lowered program together with where each of its tensors lives.
/// Built once per compilation; the emitters only read it.
struct StorageMap {
  let graph: Graph
  let program: [LoweredOp]
  let plan: MemoryPlan
  /// Constant tensors a kernel reads, in first-use order: the weights file's contents.
  let weights: [TensorID]
  /// The variables' places in `<model>_state`.
  let state: StateLayout
  private let storage: [TensorID: Storage]

  /// The RESHAPE-style views of the program, as the planner takes them, with
  /// views of constants left out: those simply point at the constant's array.
  static func aliases(of program: [LoweredOp], in graph: Graph) -> [TensorID: TensorID] {
    var result: [TensorID: TensorID] = [:]
    for case .alias(_, let input, let output) in program where !graph.tensors[root(of: input, result)].isConstant {
      result[output] = input
    }
    return result
  }

  private static func root(of id: TensorID, _ aliases: [TensorID: TensorID]) -> TensorID {
    var id = id
    while let next = aliases[id] { id = next }
    return id
  }

  init(graph: Graph, program: [LoweredOp], plan: MemoryPlan) throws {
    self.graph = graph
    self.program = program
    self.plan = plan
    var storage: [TensorID: Storage] = [:]
    var weights: [TensorID] = []
    var constantViews: [TensorID: TensorID] = [:]
    let state = StateLayout(graph)
    func place(_ id: TensorID) throws -> Storage {
      if let known = storage[id] { return known }
      if graph.tensors[id].isVariable {
        guard let offset = state.offsets[id] else {
          throw EdgeError(
            .unsupported, "\(graph.describe(tensor: id)) is a variable without an initial value; edgec keeps only "
              + "resource variables (VAR_HANDLE with a CALL_ONCE initialiser) as state")
        }
        storage[id] = .state(offset: offset)
        return .state(offset: offset)
      }
      var source = id
      while let next = constantViews[source] { source = next }
      if graph.tensors[source].isConstant {
        if !weights.contains(source) { weights.append(source) }
        let where_ = Storage.weights(symbol: "\(graph.name)_t\(source)")
        storage[id] = where_
        return where_
      }
      guard let entry = plan.entry(for: id) else {
        throw EdgeError(.invalidGraph, "\(graph.describe(tensor: id)) has no place in the memory plan")
      }
      storage[id] = .arena(offset: entry.offset)
      return .arena(offset: entry.offset)
    }
    for step in program {
      switch step {
      case .kernel(_, _, let inputs, let outputs):
        for case let id? in inputs { _ = try place(id) }
        for id in outputs { _ = try place(id) }
      case .alias(_, let input, let output):
        var root = input
        while let next = constantViews[root] { root = next }
        if graph.tensors[root].isConstant { constantViews[output] = input }
      }
    }
    for id in graph.inputs + graph.outputs { _ = try place(id) }
    self.storage = storage
    self.weights = weights
    self.state = state
  }

  func storage(of id: TensorID) -> Storage? { storage[id] }

  /// Whether a copying kernel's data already sits where it would copy it
  /// (CONCATENATION inputs in their slices of the output, a SLICE's output
  /// inside its input), so that calling it would copy bytes onto themselves.
  func copiesNothing(_ kernel: any PreparedKernel, _ inputs: [TensorID?], _ outputs: [TensorID]) -> Bool {
    if let slice = kernel.outputSliceOfInput, let input = inputs.first ?? nil, outputs.count == 1,
      case .arena(let base)? = storage[input], case .arena(let offset)? = storage[outputs[0]]
    {
      return offset == base + slice
    }
    guard let slices = kernel.inputSlicesOfOutput, slices.count == inputs.count, outputs.count == 1,
      case .arena(let base)? = storage[outputs[0]]
    else { return false }
    return zip(inputs, slices).allSatisfy { id, slice in
      guard let id, case .arena(let offset)? = storage[id] else { return false }
      return offset == base + slice
    }
  }

  /// Bytes of every constant the generated code carries.
  var weightBytes: Int { weights.map { graph.tensors[$0].byteSize }.reduce(0, +) }
}
