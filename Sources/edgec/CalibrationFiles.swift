import EdgeCore
import Foundation

/// `--calibration` values turned into samples (one value per graph input):
/// a batch [N, *input_shape], NAME=FILE per input (as --input), or a folder
/// of .npy files each holding one sample or a batch of them.
struct CalibrationFiles {
  var specs: [String]

  func samples(for graph: Graph) throws -> [[TensorValue]] {
    var isDirectory: ObjCBool = false
    if specs.count == 1, FileManager.default.fileExists(atPath: specs[0], isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      return try folderSamples(specs[0], for: graph)
    }
    let (values, names) = try InputFiles(specs: specs).load(for: graph)
    let batches = try zip(graph.inputs, zip(values, names)).map { id, pair in
      try split(pair.0, for: graph.tensors[id], file: pair.1)
    }
    guard let count = batches.first?.count, batches.allSatisfy({ $0.count == count }) else {
      let counts = batches.map { String($0.count) }.joined(separator: ", ")
      throw EdgeError(.invalidInput, "--calibration files hold different numbers of samples per input (\(counts)); give each input the same N")
    }
    return (0..<count).map { k in batches.map { $0[k] } }
  }

  private func folderSamples(_ folder: String, for graph: Graph) throws -> [[TensorValue]] {
    guard graph.inputs.count == 1 else {
      throw EdgeError(.invalidInput, "--calibration \(folder): a folder of .npy files calibrates a model with one input; this one has \(graph.inputs.count): give NAME=FILE.npy batches")
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".npy") }.sorted()
    guard !names.isEmpty else { throw EdgeError(.invalidInput, "--calibration \(folder) holds no .npy files") }
    let input = graph.tensors[graph.inputs[0]]
    var samples: [[TensorValue]] = []
    for name in names {
      let path = (folder as NSString).appendingPathComponent(name)
      let value = try NumpyFile.decode(try readFile(path), name: path)
      samples += try split(value, for: input, file: path).map { [$0] }
    }
    return samples
  }

  /// A batch (or one sample) cut into values shaped like `input`.
  private func split(_ value: TensorValue, for input: Tensor, file: String) throws -> [TensorValue] {
    let per = input.elementCount
    guard value.type == input.type else {
      throw EdgeError(.invalidInput, "\(file) holds \(value.type.rawValue) values; input '\(input.name)' is \(input.type.rawValue)")
    }
    guard per > 0, value.elementCount >= per, value.elementCount % per == 0 else {
      throw EdgeError(.invalidInput, "\(file) is \(value.shape), not a batch of input '\(input.name)' \(input.shape) ([N, \(input.shape.dims.map(String.init).joined(separator: ", "))])")
    }
    let bytes = per * input.type.byteSize
    return (0..<(value.elementCount / per)).map { k in
      TensorValue(type: input.type, shape: input.shape, bytes: Array(value.bytes[(k * bytes)..<((k + 1) * bytes)]))
    }
  }
}

/// Calibration progress on stderr: a bar redrawn in place on a terminal,
/// else a plain `calibrating 120/500` line per tenth (logs stay short).
final class CalibrationProgress: @unchecked Sendable {
  private let isTerminal = isatty(FileHandle.standardError.fileDescriptor) != 0
  private var lastTenth = -1

  func report(_ done: Int, _ total: Int) {
    if isTerminal {
      let width = 30, filled = done * width / max(total, 1)
      let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
      FileHandleOutput.writeToStandardError("\rcalibrating [\(bar)] \(done)/\(total)" + (done == total ? "\n" : ""))
    } else {
      let tenth = done * 10 / max(total, 1)
      guard tenth != lastTenth else { return }
      lastTenth = tenth
      FileHandleOutput.writeToStandardError("calibrating \(done)/\(total)\n")
    }
  }
}
