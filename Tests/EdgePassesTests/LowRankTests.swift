import EdgeCore
import EdgePasses
import EdgeReference
import Testing

@Suite struct LowRankTests {
  /// [[3, 0], [4, 5]]: AᵀA = [[25, 20], [20, 25]] has eigenvalues 45 and 5,
  /// so the singular values are 3√5 and √5.
  @Test func singularValuesOfATwoByTwo() throws {
    let svd = try SingularValueDecomposition([3, 0, 4, 5], rows: 2, columns: 2)
    #expect(abs(svd.singularValues[0] - 3 * 5.0.squareRoot()) < 1e-12)
    #expect(abs(svd.singularValues[1] - 5.0.squareRoot()) < 1e-12)
    #expect(abs(svd.energy(ofRank: 1) - 0.9) < 1e-12)  // 45 / 50
    #expect(svd.rank(keepingEnergy: 0.9) == 1)
    #expect(svd.rank(keepingEnergy: 0.91) == 2)
    let (a, b) = svd.factors(rank: 2)
    let product = product(a, b, rows: 2, rank: 2, columns: 2)
    for (got, want) in zip(product, [3.0, 0, 4, 5]) { #expect(abs(got - want) < 1e-12) }
  }

  /// A 6×5 matrix built as the sum of two outer products: two non-zero
  /// singular values, all the energy at rank 2, and the rank-2 factors give
  /// it back.
  @Test func aRankTwoMatrixReconstructsAtRankTwo() throws {
    let (u1, v1): ([Double], [Double]) = ([1, 2, 0, -1, 3, 1], [2, -1, 0, 1, 1])
    let (u2, v2): ([Double], [Double]) = ([0, 1, -2, 1, 1, 4], [1, 1, 3, -2, 0])
    var m = [Double](repeating: 0, count: 30)
    for i in 0..<6 { for j in 0..<5 { m[i * 5 + j] = u1[i] * v1[j] + u2[i] * v2[j] } }
    let svd = try SingularValueDecomposition(m, rows: 6, columns: 5)
    #expect(svd.k == 5)
    #expect(svd.singularValues[1] > 1)
    #expect(svd.singularValues[2...].allSatisfy { $0 < 1e-12 })
    #expect(svd.rank(keepingEnergy: 1) == 2)
    let (a, b) = svd.factors(rank: 2)
    for (got, want) in zip(product(a, b, rows: 6, rank: 2, columns: 5), m) { #expect(abs(got - want) < 1e-12) }
  }

  @Test func malformedMatricesAreRefused() {
    #expect(throws: EdgeError.self) { try SingularValueDecomposition([1, 2, 3], rows: 2, columns: 2) }
    #expect(throws: EdgeError.self) { try SingularValueDecomposition([1, .nan, 3, 4], rows: 2, columns: 2) }
  }

  /// FC 8 → 8 with rank-1 weights: rank 1 costs 1·(8 + 8) < 64 values, so it
  /// becomes FC(8→1, no bias) then FC(1→8, the bias and RELU), and computes
  /// what the original computes.
  @Test func aRankOneLayerIsSplitAndKeepsItsOutput() throws {
    let column: [Float] = [1, -2, 0.5, 3, -1, 2, 0.25, -0.5]
    let weights: [Float] = (0..<64).map { (index: Int) -> Float in column[index / 8] * Float(index % 8 + 1) / 8 }
    let bias: [Float] = [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4]
    let graph = fullyConnected(weights, out: 8, in: 8, bias: bias)
    let (split, layers) = try LowRank(.energy(0.999)).decompose(graph)
    try verify(split)
    #expect(layers.count == 1)
    let layer = try #require(layers.first)
    #expect(layer.replaced && layer.rank == 1 && layer.rows == 8 && layer.columns == 8)
    #expect(layer.bytesBefore == (64 + 8) * 4 && layer.bytesAfter == (16 + 8) * 4)
    #expect(abs(layer.energyKept - 1) < 1e-12)
    #expect(layer.sqnr > 120)
    #expect(split.operators.map { (op: Operator) -> OpKind in op.kind } == [OpKind.fullyConnected, .fullyConnected])
    #expect(split.operators[0].fusedActivation == .none && split.operators[1].fusedActivation == .relu)
    #expect(split.operators[0].inputs[2] == nil && split.operators[1].inputs[2] == 2)
    #expect(split.operators.map { $0.origin ?? -1 } == [0, 0])
    #expect(split.tensors[split.operators[0].outputs[0]].shape == Shape([1, 1]))
    let x = TensorValue(floats: [0.5, -1, 2, 0, 1, -0.25, 3, 1], shape: Shape([1, 8]))
    let want: [Float] = try ReferenceInterpreter(graph: graph).run([x])[0].floats
    let got: [Float] = try ReferenceInterpreter(graph: split).run([x])[0].floats
    for (g, w) in zip(got, want) {
      let bound: Float = 1e-5 * Swift.max(1, Swift.abs(w))
      #expect(Swift.abs(g - w) <= bound, "\(g) vs \(w)")
    }
  }

  /// FC 4 → 4 at full rank: 4·(4 + 4) = 32 values is not less than 16, so
  /// the layer stays as it was and the pass reports no rewrite.
  @Test func aLayerThatSavesNoBytesIsLeftAlone() throws {
    let graph = fullyConnected([1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4], out: 4, in: 4, bias: [0, 0, 0, 0])
    let (same, layers) = try LowRank(.rank(4)).decompose(graph)
    #expect(same == graph)
    #expect(layers.map(\.replaced) == [false] && layers.map(\.rank) == [4])
    #expect(try LowRank(.rank(1)).run(on: graph).rewrites == 1)  // 1·8 < 16 does save
    #expect(try LowRank(.energy(0.5)).run(on: graph).rewrites == 1)  // rank 1 keeps 16 of 30 ≥ 0.5
  }

  @Test func badRulesAreRefused() {
    let graph = fullyConnected([1, 2, 3, 4], out: 2, in: 2, bias: [0, 0])
    #expect(throws: EdgeError.self) { try LowRank(.energy(0)).decompose(graph) }
    #expect(throws: EdgeError.self) { try LowRank(.energy(1.5)).decompose(graph) }
    #expect(throws: EdgeError.self) { try LowRank(.rank(0)).decompose(graph) }
  }

  func fullyConnected(_ weights: [Float], out: Int, in depth: Int, bias: [Float]) -> Graph {
    Graph(
      name: "fc",
      tensors: [
        Tensor(name: "x", type: .float32, shape: Shape([1, depth])),
        Tensor(name: "w", type: .float32, shape: Shape([out, depth]),
          data: TensorValue(floats: weights, shape: Shape([out, depth])).bytes),
        Tensor(name: "b", type: .float32, shape: Shape([out]), data: TensorValue(floats: bias, shape: Shape([out])).bytes),
        Tensor(name: "y", type: .float32, shape: Shape([1, out])),
      ],
      operators: [
        Operator(
          kind: .fullyConnected, inputs: [0, 1, 2], outputs: [3],
          options: .fullyConnected(FullyConnectedOptions(activation: .relu)))
      ],
      inputs: [0], outputs: [3])
  }

  func product(_ a: [Double], _ b: [Double], rows: Int, rank: Int, columns: Int) -> [Double] {
    (0..<rows * columns).map { index in
      (0..<rank).reduce(0) { $0 + a[index / columns * rank + $1] * b[$1 * columns + index % columns] }
    }
  }
}
