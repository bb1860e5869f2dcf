import EdgeCore
import EdgeExport
import EdgeImport
import Testing

/// SplitMix64: a seeded generator, so a failing case can be replayed.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Fuzz-style checks that EdgeImport's bounds-checked reader accepts every
/// file the writer makes, whatever the names, bytes and shapes in it.
@Suite struct ExportFuzzTests {
  /// Names of every length and script (empty, multi-byte UTF-8, NUL-free),
  /// odd-sized constants: the writer's padding and alignment must hold.
  func randomName(_ rng: inout SeededGenerator) -> String {
    let alphabet: [Character] = ["a", "Z", "/", ":", "_", "é", "ß", "中", "🙂", " ", "0"]
    return String((0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? "a" })
  }

  @Test(arguments: 0..<8)
  func namesAndConstantBytesSurvive(seed: Int) throws {
    var rng = SeededGenerator(state: UInt64(seed) &* 7919)
    for model in ModelFile.fixtures.shuffled(using: &rng).prefix(20) {
      var graph = try loadModel(path: model.path)
      for id in graph.tensors.indices {
        graph.tensors[id].name = randomName(&rng)
        // Weights only: integer constants are shapes, axes and paddings the verifier checks.
        if let data = graph.tensors[id].data, [.int8, .uint8, .float32, .float16].contains(graph.tensors[id].type) {
          graph.tensors[id].data = data.map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
      }
      // A variable's tensor is named by its VAR_HANDLE's shared_name, which
      // the importer reads back: rename the variable with it.
      for index in graph.variables.indices {
        graph.variables[index].name = graph.tensors[graph.variables[index].tensor].name
      }
      let found = try roundTrip(graph).differences
      #expect(found == [], "seed \(seed), \(model.name): \(found.joined(separator: "; "))")
    }
  }

  /// Graphs the verifier would reject still make well-formed files: import
  /// then fails only in the verifier (.invalidGraph), never in the reader.
  @Test(arguments: 0..<8)
  func structurallyWrongGraphsStillMakeReadableFiles(seed: Int) throws {
    var rng = SeededGenerator(state: UInt64(seed) &+ 0xC0FFEE)
    for model in ModelFile.fixtures.shuffled(using: &rng).prefix(20) {
      var graph = try loadModel(path: model.path)
      let id = Int.random(in: graph.tensors.indices, using: &rng)
      graph.tensors[id].shape = Shape((0..<Int.random(in: 0...5, using: &rng)).map { _ in Int.random(in: 1...9, using: &rng) })
      graph.tensors[id].data = graph.tensors[id].data.map { _ in
        (0..<graph.tensors[id].byteSize).map { _ in UInt8.random(in: 0...255, using: &rng) }
      }
      let bytes = try exportTFLite(graph)
      do {
        let back = try importModel(bytes: bytes, name: graph.name)
        #expect(differences(graph, back) == [], "seed \(seed), \(model.name)")
      } catch let error as EdgeError {
        #expect(error.kind == .invalidGraph, "seed \(seed), \(model.name): \(error)")
      }
    }
  }
}
