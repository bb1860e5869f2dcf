import EdgeCore
import EdgePasses
import Testing

/// The flash-budget search on a made-up model whose measurements are a
/// table: start 1,000 bytes at noise 1; layer 0 may take a rank that saves
/// 10 bytes for +5 noise, one that saves 400 for +6, or int4 (300 for +30);
/// layer 1 int4 (200 for +2) or a rank (100 for +50). Noise adds up.
@Suite struct FlashBudgetSearchTests {
  typealias Choice = FlashBudget.Choice
  let table: [Int: [Choice: (saved: Int, noise: Double)]] = [
    0: [
      Choice(rank: 40, width: .int8): (10, 5), Choice(rank: 8, width: .int8): (400, 6),
      Choice(width: .int4): (300, 30),
    ],
    1: [Choice(width: .int4): (200, 2), Choice(rank: 4, width: .int8): (100, 50)],
  ]

  var layers: [FlashBudget.Layer] {
    table.keys.sorted().map { op in
      FlashBudget.Layer(op: op, name: "op \(op)", options: [Choice(width: .int8)] + table[op, default: [:]].sorted { $0.value.saved < $1.value.saved }.map(\.key))
    }
  }

  func measure(_ choices: [Int: Choice]) -> FlashBudget.Measurement {
    var (bytes, noise) = (1_000, 1.0)
    for (op, choice) in choices {
      guard let effect = table[op]?[choice] else { continue }
      bytes -= effect.saved
      noise += effect.noise
    }
    return FlashBudget.Measurement(weightBytes: bytes, signal: 1_000, noise: noise)
  }

  /// Cheapest noise per byte first: layer 1's int4 (0.01 per byte), then
  /// layer 0's rank 8 (0.015), not its 10-byte rank that costs 0.5 per byte.
  @Test func takesTheCheapestHullStepsUntilItFits() throws {
    var calls = 0
    let result = try FlashBudget(budget: 500).search(layers) { choices in
      calls += 1
      return measure(choices)
    }
    #expect(result.choices == [0: Choice(rank: 8, width: .int8), 1: Choice(width: .int4)])
    #expect(result.decisions.map(\.bytesSaved) == [400, 200])
    #expect(result.start == FlashBudget.Measurement(weightBytes: 1_000, signal: 1_000, noise: 1))
    #expect(result.final == FlashBudget.Measurement(weightBytes: 400, signal: 1_000, noise: 9))
    #expect(result.measured == 7 && calls == 7)  // start, 3 + 2 options alone, the answer
  }

  @Test func stopsAsSoonAsItFits() throws {
    let result = try FlashBudget(budget: 850).search(layers, measure: measure)
    #expect(result.choices == [1: Choice(width: .int4)] && result.final.weightBytes == 800)
  }

  @Test func aBudgetTheStartMeetsChangesNothing() throws {
    let result = try FlashBudget(budget: 1_000).search(layers, measure: measure)
    #expect(result.choices.isEmpty && result.measured == 1)
  }

  @Test func anUnreachableBudgetNamesTheSmallestSize() {
    let error = #expect(throws: EdgeError.self) { try FlashBudget(budget: 100).search(layers, measure: measure) }
    #expect("\(error.map { "\($0)" } ?? "")".contains("about 400 bytes"))
  }

  /// Steps taken early that the last, large step made unnecessary are
  /// given back: layer 1's small step (50 bytes, +0.04) goes once layer 0's
  /// second step (600 bytes in all) alone fits 700 bytes.
  @Test func overshootIsGivenBack() throws {
    let steps: [Int: [Choice: (saved: Int, noise: Double)]] = [
      0: [Choice(rank: 8, width: .int8): (100, 0.1), Choice(rank: 2, width: .int8): (600, 1.1)],
      1: [Choice(width: .int4): (50, 0.04)],
    ]
    let layers = steps.keys.sorted().map { op in
      FlashBudget.Layer(op: op, name: "op \(op)", options: [Choice(width: .int8)] + steps[op, default: [:]].sorted { $0.value.saved < $1.value.saved }.map(\.key))
    }
    let result = try FlashBudget(budget: 700).search(layers) { choices in
      var (bytes, noise) = (1_000, 1.0)
      for (op, choice) in choices {
        guard let effect = steps[op]?[choice] else { continue }
        (bytes, noise) = (bytes - effect.saved, noise + effect.noise)
      }
      return FlashBudget.Measurement(weightBytes: bytes, signal: 1_000, noise: noise)
    }
    #expect(result.choices == [0: Choice(rank: 2, width: .int8)] && result.final.weightBytes == 400)
  }
}
