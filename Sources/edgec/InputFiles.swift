import EdgeCore
import Foundation

/// `--input [NAME=]FILE.npy` values in graph-input order, and the `--output`
/// file of each output: one convention for `edgec simulate` and `edgec run`.
struct InputFiles {
  var specs: [String]

  func load(for graph: Graph) throws -> ([TensorValue], [String]) {
    var byIndex: [Int: String] = [:]
    for (position, spec) in specs.enumerated() {
      if let eq = spec.firstIndex(of: "="), !FileManager.default.fileExists(atPath: spec) {
        let key = String(spec[..<eq]), path = String(spec[spec.index(after: eq)...])
        let index = Int(key) ?? graph.inputs.firstIndex(where: { graph.tensors[$0].name == key })
        guard let index, graph.inputs.indices.contains(index) else {
          let known = graph.inputs.map { "'\(graph.tensors[$0].name)'" }.joined(separator: ", ")
          throw EdgeError(.invalidInput, "--input \(spec): the model has no input '\(key)' (inputs: \(known))")
        }
        byIndex[index] = path
      } else {
        byIndex[position] = spec
      }
    }
    var values: [TensorValue] = [], names: [String] = []
    for k in graph.inputs.indices {
      guard let path = byIndex[k] else {
        throw EdgeError(.invalidInput, "no data for input \(k) '\(graph.tensors[graph.inputs[k]].name)'; give --input NAME=FILE.npy")
      }
      values.append(try NumpyFile.decode(try readFile(path), name: path))
      names.append(path)
    }
    return (values, names)
  }

  /// Output k's file: Y.npy, Y_1.npy, ...
  static func outputPath(_ base: String, _ k: Int) -> String {
    guard k > 0 else { return base }
    let url = URL(fileURLWithPath: base)
    let stem = url.deletingPathExtension().lastPathComponent
    return url.deletingLastPathComponent().appendingPathComponent("\(stem)_\(k).\(url.pathExtension.isEmpty ? "npy" : url.pathExtension)").path
  }
}
