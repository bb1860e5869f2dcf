import EdgeCore
import Foundation
import Testing

@testable import EdgeImport

/// SplitMix64: a tiny, well-mixed generator, so every run mutates the same way.
struct SplitMix64 {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Uniform in 0..<n (n > 0); the modulo bias is irrelevant here.
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// A model to mutate, with the positions of its flatbuffer structure (every
/// byte not inside a constant buffer's data), where mutations find bugs.
struct FuzzSeed {
  let name: String
  let bytes: [UInt8]
  let structure: [Int]
  /// One of the MLPerf Tiny models in ../shared (not a committed fixture).
  let isShared: Bool

  init(name: String, bytes: [UInt8], isShared: Bool) {
    self.name = name
    self.bytes = bytes
    self.isShared = isShared
    var inData = [Bool](repeating: false, count: bytes.count)
    let file = FlatBuffer(bytes)
    if let root = try? file.root(identifier: "TFL3"), let buffers = try? ModelTable(table: root).buffers {
      for index in buffers.indices {
        guard let table = try? buffers.table(index, ""), let data = try? BufferTable(table: table, what: "").data
        else { continue }
        for position in data.start..<(data.start + data.count) { inData[position] = true }
      }
    }
    structure = bytes.indices.filter { !inData[$0] }
  }
}

/// Every .tflite under Tests/Fixtures and ../shared/models/mlperf-tiny.
func fuzzSeeds() -> [FuzzSeed] {
  var found: [(name: String, path: String, isShared: Bool)] = []
  for (directory, isShared) in [(repositoryRoot.appendingPathComponent("Tests/Fixtures"), false), (mlperfDirectory, true)] {
    guard let walker = FileManager.default.enumerator(atPath: directory.path) else { continue }
    for case let relative as String in walker where relative.hasSuffix(".tflite") {
      found.append((relative, directory.appendingPathComponent(relative).path, isShared))
    }
  }
  return found.sorted { $0.path < $1.path }.compactMap { model in
    guard let data = FileManager.default.contents(atPath: model.path) else { return nil }
    return FuzzSeed(name: model.name, bytes: [UInt8](data), isShared: model.isShared)
  }
}

enum Mutation: CaseIterable {
  case flipByte, flipBytes, truncate, spliceOver, spliceIn, extremeWord
}

func mutate(_ seed: FuzzSeed, donor: FuzzSeed, _ kind: Mutation, _ rng: inout SplitMix64) -> [UInt8] {
  var bytes = seed.bytes
  guard !bytes.isEmpty else { return bytes }
  /// Half the positions fall in the structure, half anywhere.
  func position() -> Int {
    if !seed.structure.isEmpty && rng.chance(50) { return seed.structure[rng.below(seed.structure.count)] }
    return rng.below(bytes.count)
  }
  switch kind {
  case .flipByte:
    let at = position()
    bytes[at] ^= rng.chance(50) ? UInt8(1 << rng.below(8)) : UInt8(1 + rng.below(255))
  case .flipBytes:
    for _ in 0..<(2 + rng.below(15)) { bytes[position()] ^= UInt8(1 + rng.below(255)) }
  case .truncate:
    bytes.removeLast(bytes.count - rng.below(bytes.count))
  case .spliceOver, .spliceIn:
    let length = 1 + rng.below(rng.chance(80) ? 64 : 1024)
    let from = rng.below(donor.bytes.count)
    let piece = donor.bytes[from..<min(donor.bytes.count, from + length)]
    let at = position()
    if kind == .spliceIn {
      bytes.insert(contentsOf: piece, at: at)
    } else {
      bytes.replaceSubrange(at..<min(bytes.count, at + piece.count), with: piece)
    }
  case .extremeWord:
    let extremes: [UInt32] = [0, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, UInt32(1 + rng.below(64)), 4, 8]
    let value = extremes[rng.below(extremes.count)]
    let at = min(position() & ~3, bytes.count - 4)
    guard at >= 0 else { break }
    for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
  }
  return bytes
}

@Suite struct FuzzTests {
  /// At least 10,000 seeded mutations per run (about 35,000 with the shared
  /// models present); each must load or throw an EdgeError. A trap kills the
  /// test process, failing CI. Each MLPerf model gets 2,000 mutations, each
  /// (small) fixture 150, scaled up when there are too few models to reach
  /// 10,000. About 10 to 20 s in a debug build.
  @Test func mutatedModelsLoadOrFailCleanly() throws {
    let seeds = fuzzSeeds()
    try #require(!seeds.isEmpty, "no .tflite under Tests/Fixtures or ../shared/models/mlperf-tiny")
    let base = seeds.map { $0.isShared ? 2_000 : 150 }
    let scale = max(1, (10_000 + base.reduce(0, +) - 1) / base.reduce(0, +))
    var rng = SplitMix64(state: 0xED6E_C0DE)
    var loads = 0
    var errors: [EdgeError.Kind: Int] = [:]
    var done = 0
    for (index, seed) in seeds.enumerated() {
      for _ in 0..<(base[index] * scale) {
        let donor = rng.chance(50) ? seed : seeds[rng.below(seeds.count)]
        let kind = Mutation.allCases[rng.below(Mutation.allCases.count)]
        let bytes = mutate(seed, donor: donor, kind, &rng)
        do {
          _ = try importModel(bytes: bytes, name: seed.name)
          loads += 1
        } catch let error as EdgeError {
          errors[error.kind, default: 0] += 1
          if error.kind == .malformedModel && error.location.byteOffset == nil {
            Issue.record("\(seed.name), mutation \(kind): malformed-model error without a byte offset: \(error)")
          }
        } catch {
          Issue.record("\(seed.name), mutation \(kind): not an EdgeError: \(error)")
        }
        done += 1
      }
    }
    let kinds = errors.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
    print("fuzz: \(done) mutations of \(seeds.count) models: \(loads) clean loads, "
      + "\(errors.values.reduce(0, +)) clean errors (\(kinds.joined(separator: ", ")))")
    #expect(done >= 10_000)
    #expect(loads + errors.values.reduce(0, +) == done)
  }
}
