import EdgeCodegen
import EdgeCore
import EdgePasses
import EdgeReference
import EdgeTargets
import Testing

/// Transformer memory (issue 6): attention head by head and MLPs in token-row
/// chunks compute the same bytes as the plain graph and lower the arena.
@Suite struct TokenMemoryTests {
  /// BATCH_MATMUL(Q [1,2,16,4], K' [1,2,4,16]) → MUL 0.25 → SOFTMAX → BATCH_MATMUL(·, V [1,2,16,4]).
  static func attention() -> Graph {
    func activation(_ name: String, _ dims: [Int], _ scale: Float, _ zp: Int64) -> Tensor {
      Tensor(name: name, type: .int8, shape: Shape(dims), quantization: Quantization(scale: scale, zeroPoint: zp))
    }
    let tensors = [
      activation("q", [1, 2, 16, 4], 0.05, 3), activation("k", [1, 2, 4, 16], 0.04, -2),
      activation("v", [1, 2, 16, 4], 0.03, 1), activation("logits", [1, 2, 16, 16], 0.2, -5),
      Tensor(
        name: "scale", type: .int8, shape: Shape([]), quantization: Quantization(scale: 0.25 / 127, zeroPoint: 0),
        data: [127]),
      activation("scaled", [1, 2, 16, 16], 0.05, -5), activation("probs", [1, 2, 16, 16], 1.0 / 256, -128),
      activation("context", [1, 2, 16, 4], 0.02, 4),
    ]
    let ops = [
      Operator(kind: .batchMatMul, inputs: [0, 1], outputs: [3], options: .batchMatMul(adjX: false, adjY: false)),
      Operator(kind: .mul, inputs: [3, 4], outputs: [5], options: .activation(.none)),
      Operator(kind: .softmax, inputs: [5], outputs: [6], options: .softmax(beta: 1)),
      Operator(kind: .batchMatMul, inputs: [6, 2], outputs: [7], options: .batchMatMul(adjX: false, adjY: false)),
    ]
    return Graph(name: "attention", tensors: tensors, operators: ops, inputs: [0, 1, 2], outputs: [7])
  }

  /// FULLY_CONNECTED([1,8,16] → [1,8,64]) → HARD_SWISH → FULLY_CONNECTED(→ [1,8,16]), keep_num_dims.
  static func mlp() -> Graph {
    var seed: UInt32 = 12345
    func bytes(_ count: Int) -> [UInt8] {
      (0..<count).map { _ in
        seed = seed &* 1_103_515_245 &+ 12345
        return UInt8(truncatingIfNeeded: seed >> 16)
      }
    }
    func bias(_ count: Int) -> [UInt8] {
      (0..<count).flatMap { i -> [UInt8] in
        let v = Int32(i * 37 % 200) - 100
        return (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> (8 * $0)) }
      }
    }
    func activation(_ name: String, _ dims: [Int], _ scale: Float, _ zp: Int64) -> Tensor {
      Tensor(name: name, type: .int8, shape: Shape(dims), quantization: Quantization(scale: scale, zeroPoint: zp))
    }
    let tensors = [
      activation("x", [1, 8, 16], 0.04, -3),
      Tensor(
        name: "w1", type: .int8, shape: Shape([64, 16]),
        quantization: Quantization(scales: [Float](repeating: 0.01, count: 64), zeroPoints: [Int64](repeating: 0, count: 64)),
        data: bytes(64 * 16)),
      Tensor(
        name: "b1", type: .int32, shape: Shape([64]),
        quantization: Quantization(scales: [Float](repeating: 0.0004, count: 64), zeroPoints: [Int64](repeating: 0, count: 64)),
        data: bias(64)),
      activation("hidden", [1, 8, 64], 0.08, 2), activation("act", [1, 8, 64], 0.05, -100),
      Tensor(
        name: "w2", type: .int8, shape: Shape([16, 64]),
        quantization: Quantization(scales: [Float](repeating: 0.01, count: 16), zeroPoints: [Int64](repeating: 0, count: 16)),
        data: bytes(16 * 64)),
      Tensor(
        name: "b2", type: .int32, shape: Shape([16]),
        quantization: Quantization(scales: [Float](repeating: 0.0005, count: 16), zeroPoints: [Int64](repeating: 0, count: 16)),
        data: bias(16)),
      activation("y", [1, 8, 16], 0.1, 1),
    ]
    let fc = OperatorOptions.fullyConnected(FullyConnectedOptions(keepNumDims: true))
    let ops = [
      Operator(kind: .fullyConnected, inputs: [0, 1, 2], outputs: [3], options: fc),
      Operator(kind: .hardSwish, inputs: [3], outputs: [4]),
      Operator(kind: .fullyConnected, inputs: [4, 5, 6], outputs: [7], options: fc),
    ]
    return Graph(name: "mlp", tensors: tensors, operators: ops, inputs: [0], outputs: [7])
  }

  /// Seeded int8 inputs for every graph input.
  static func inputs(_ graph: Graph, seed: UInt32) -> [TensorValue] {
    var state = seed
    return graph.inputs.map { id in
      let tensor = graph.tensors[id]
      let values = (0..<tensor.elementCount).map { _ -> Int8 in
        state = state &* 1_664_525 &+ 1_013_904_223
        return Int8(truncatingIfNeeded: state >> 24)
      }
      return TensorValue(values, type: .int8, shape: tensor.shape)
    }
  }

  func expectSameBytes(_ graph: Graph, _ rewritten: Graph) throws {
    let before = try ReferenceInterpreter(graph: graph)
    let after = try ReferenceInterpreter(graph: rewritten)
    for seed in UInt32(1)...5 {
      let xs = Self.inputs(graph, seed: seed)
      #expect(try after.run(xs) == before.run(xs))
    }
  }

  @Test func attentionByHeadComputesTheSameBytes() throws {
    let graph = Self.attention()
    try verify(graph)
    let (split, rewrites) = try AttentionByHead().run(on: graph)
    #expect(rewrites == 1)
    try verify(split)
    // Per head: 3 SLICEs (Q, K', V), the 4-op chain; then one CONCATENATION.
    #expect(split.operators.count == 2 * 7 + 1)
    #expect(split.operators.last?.kind == .concatenation && split.operators.last?.outputs == [7])
    try expectSameBytes(graph, split)
  }

  @Test func mlpInRowChunksComputesTheSameBytes() throws {
    let graph = Self.mlp()
    try verify(graph)
    for chunks in [2, 3, 4, 8, 20] {
      let (split, rewrites) = try TokenChunks(chunks: chunks).run(on: graph)
      #expect(rewrites == 1)
      try verify(split)
      #expect(split.operators.count == 4 * min(chunks, 8) + 1)
      try expectSameBytes(graph, split)
    }
  }

  func arenas(_ graph: Graph) throws -> (plain: Int, split: Int, tokens: TokenMemoryChoice?) {
    var host = try TargetCatalog().load("host")
    host.tensorAlignment = 4
    var plain = CompileOptions(measureCode: false)
    plain.splitTokens = false
    let before = try planModelMemory(graph, for: host, options: plain)
    let after = try planModelMemory(graph, for: host, options: CompileOptions(measureCode: false))
    return (before.plan.arenaBytes, after.plan.arenaBytes, after.tokens)
  }

  @Test func attentionByHeadLowersThePeak() throws {
    let (plain, split, tokens) = try arenas(Self.attention())
    // Plain: at the SOFTMAX both [1,2,16,16] tensors (512 B each, the MUL
    // written over the logits) and V. By head: one head's 256 B pair.
    #expect(plain == 1152 && split == 896)
    #expect(tokens?.attentionBlocks == 1 && tokens?.plainArenaBytes == plain && tokens?.arenaBytes == split)
  }

  @Test func mlpInRowChunksLowersThePeak() throws {
    let (plain, split, tokens) = try arenas(Self.mlp())
    // Plain: x (128 B) and the [1,8,64] hidden (512 B, HARD_SWISH in place),
    // then hidden and y. In 8 chunks of one row: x, y and one 64 B row.
    #expect(plain == 640 && split == 320)
    #expect(tokens?.mlpBlocks == 1 && tokens?.mlpChunks == 8)
  }
}

/// The TFLM-runnable ViT (vit_tiny_hswish_int8) with attention head by head:
/// the arena drops from 22,528 to 18,432 B on stm32f746 and the outputs stay
/// TFLM's, on the host and under QEMU.
@Suite struct TokenMemoryViTTests {
  /// Read from its folder (not the manifest's list, which other work edits):
  /// the model, x.npy and TFLM's y_tflm.npy.
  func fixture() -> Fixture {
    Fixture(
      name: "vit_tiny_hswish_int8", dtype: "int8", directory: Fixture.root.appendingPathComponent("vit_tiny_hswish_int8"),
      inputFiles: ["x.npy"], tflmFiles: ["y_tflm.npy"], litertFiles: ["y_litert.npy"], tflmAgreesWithLiteRT: false)
  }

  @Test func attentionByHeadLowersTheViTArenaAndStaysBitExactOnTheHost() throws {
    let f = fixture()
    let graph = try f.graph()
    // The host with stm32f746's 4-byte tensor alignment: the same plan as
    // `edgec plan --target stm32f746`, in C the host compiler builds.
    var chip = try TargetCatalog().load("host")
    chip.tensorAlignment = try TargetCatalog().load("stm32f746").tensorAlignment
    var plainOptions = CompileOptions(measureCode: false)
    plainOptions.splitTokens = false
    let plain = try compile(graph, for: chip, options: plainOptions)
    let split = try compile(graph, for: chip, options: CompileOptions(measureCode: false))
    // Plain peak: the SOFTMAX's [1,2,64,64] input and output (8 KiB each),
    // the tokens and V. By head: one head's 4 KiB pair.
    #expect(plain.plan.arenaBytes == 22_528 && plain.report.tokenMemory == nil)
    #expect(split.plan.arenaBytes == 18_432)
    let tokens = try #require(split.report.tokenMemory)
    #expect(tokens.attentionBlocks == 1 && tokens.mlpBlocks == 0 && tokens.plainArenaBytes == 22_528)
    #expect(split.report.macs == plain.report.macs)
    let batch = try InputBatch(try f.inputs(), for: graph, names: f.inputFiles)
    let outputs = try simulateOnHost(split, batch: batch, target: chip)
    #expect(outputs.map(\.bytes) == (try f.tflmOutputs()).map(\.bytes))
  }

  @Test func attentionByHeadIsBitExactUnderQEMU() throws {
    let f = fixture()
    let graph = try f.graph()
    let catalog = try TargetCatalog()
    let board = try catalog.load("mps2-an500")
    let batch = try InputBatch(try f.inputs(), for: graph, names: f.inputFiles)
    let result = try runOnTarget(graph, target: board, batch: batch, catalog: catalog, options: TargetRunOptions())
    #expect(result.compilation.report.tokenMemory?.attentionBlocks == 1)
    #expect(result.compilation.plan.arenaBytes == 18_432)
    #expect(result.outputs.map(\.bytes) == (try f.tflmOutputs()).map(\.bytes))
  }
}
