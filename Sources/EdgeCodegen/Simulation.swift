import EdgeCore
import EdgeReference
import EdgeTargets

/// Batches of model inputs: `records` inferences, each input's records back to back.
public struct InputBatch: Sendable {
  public var records: Int
  /// One value per graph input, shaped [records, *input shape].
  public var values: [TensorValue]

  /// Checks `values` (one per graph input, in graph-input order) against the
  /// model: the element type must match, and each value is either exactly the
  /// input's shape or a stack [N, *shape] (a leading 1 of the input's shape
  /// may be left out: [N, 49, 10, 1] for an input [1, 49, 10, 1]).
  public init(_ values: [TensorValue], for graph: Graph, names: [String]) throws {
    guard values.count == graph.inputs.count else {
      throw EdgeError(.invalidInput, "the model has \(graph.inputs.count) inputs, \(values.count) were given")
    }
    var records: Int?
    var shaped: [TensorValue] = []
    for (k, (value, id)) in zip(values, graph.inputs).enumerated() {
      let tensor = graph.tensors[id]
      let label = "input \(k) '\(tensor.name)' (\(names[k]))"
      guard value.type == tensor.type else {
        throw EdgeError(.invalidInput, "\(label) is \(tensor.type.rawValue), the file holds \(value.type.rawValue); convert it with .astype(np.\(tensor.type.rawValue))")
      }
      let dims = value.shape.dims, want = tensor.shape.dims
      let n: Int
      if dims == want {
        n = 1
      } else if dims.count == want.count + 1, Array(dims.dropFirst()) == want {
        n = dims[0]
      } else if want.first == 1, dims.count == want.count, Array(dims.dropFirst()) == Array(want.dropFirst()) {
        n = dims[0]
      } else {
        throw EdgeError(.invalidInput, "\(label) has shape \(tensor.shape), the file holds \(value.shape); expected \(tensor.shape) or [N, \(want.map(String.init).joined(separator: ", "))]")
      }
      if let records, records != n {
        throw EdgeError(.invalidInput, "\(label) has \(n) records but input 0 has \(records)")
      }
      records = n
      shaped.append(TensorValue(type: value.type, shape: Shape([n] + want), bytes: value.bytes))
    }
    self.records = records ?? 0
    self.values = shaped
  }

  /// Record `r` of input `k`.
  public func record(_ r: Int, input k: Int, graph: Graph) -> TensorValue {
    let tensor = graph.tensors[graph.inputs[k]]
    let size = tensor.byteSize
    return TensorValue(type: tensor.type, shape: tensor.shape, bytes: Array(values[k].bytes[(r * size)..<((r + 1) * size)]))
  }
}

/// Runs a compiled model's C on the host over every record of the batch, in
/// order, and returns one value per graph output shaped [N, *output shape].
public func simulateOnHost(_ compilation: Compilation, batch: InputBatch, target: Target) throws -> [TensorValue] {
  let graph = compilation.graph
  var files = compilation.files.filter { $0.path.hasSuffix(".c") || $0.path.hasSuffix(".h") }.map { ($0.path, $0.contents) }
  files.append(("edgec_runner_main.c", hostRunnerSource(for: graph)))
  let outputs = graph.outputs.map { graph.tensors[$0] }
  let raw = try HostSimulator(target: target).run(
    files: files, inputs: batch.values.map(\.bytes), records: batch.records,
    outputBytes: outputs.map(\.byteSize))
  return zip(raw, outputs).map { bytes, tensor in
    TensorValue(type: tensor.type, shape: Shape([batch.records] + tensor.shape.dims), bytes: bytes)
  }
}

/// How the simulated outputs compare with the reference interpreter's.
public struct OutputComparison: Sendable {
  public var output: Int
  public var name: String
  public var values: Int
  public var mismatches: Int
  /// The largest |a − b| / max(|b|, tiny) over float outputs; 0 for integers.
  public var maxRelativeError: Double
}

/// Runs the reference interpreter on every record in order (a stateful
/// model's state carries from one to the next) and compares: integer
/// outputs must match bit for bit, float outputs within `floatTolerance`
/// relative error (the C and Swift float kernels may sum in different orders).
public func compareWithReference(
  _ simulated: [TensorValue], graph: Graph, batch: InputBatch, options: LoweringOptions,
  floatTolerance: Double = 1e-5
) throws -> [OutputComparison] {
  let interpreter = try ReferenceInterpreter(graph: graph, options: options)
  var results = graph.outputs.enumerated().map { k, id in
    OutputComparison(output: k, name: graph.tensors[id].name, values: 0, mismatches: 0, maxRelativeError: 0)
  }
  // One state over all records, reset once before the first: a stateful
  // model's records are consecutive calls, as on the device.
  var state = interpreter.initialState
  for r in 0..<batch.records {
    let inputs = graph.inputs.indices.map { batch.record(r, input: $0, graph: graph) }
    let expected = try interpreter.run(inputs, state: &state)
    for (k, want) in expected.enumerated() {
      let size = want.bytes.count
      let got = Array(simulated[k].bytes[(r * size)..<((r + 1) * size)])
      results[k].values += want.elementCount
      if want.type.isFloatingPoint {
        let a = TensorValue(type: want.type, shape: want.shape, bytes: got).doubles, b = want.doubles
        let scale = max(b.map(abs).max() ?? 0, 1e-30)
        for (x, y) in zip(a, b) {
          let error = abs(x - y) / max(abs(y), 1e-6 * scale)
          results[k].maxRelativeError = max(results[k].maxRelativeError, error)
          if !(error <= floatTolerance) { results[k].mismatches += 1 }
        }
      } else {
        let width = want.type.byteSize
        for e in 0..<want.elementCount where got[(e * width)..<((e + 1) * width)] != want.bytes[(e * width)..<((e + 1) * width)] {
          results[k].mismatches += 1
        }
      }
    }
  }
  return results
}
