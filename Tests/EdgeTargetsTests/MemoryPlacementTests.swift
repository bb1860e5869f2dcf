import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// Where the arena, stack, weights and code go among a target's regions, and
/// what a model that does not fit is told.
@Suite struct MemoryPlacementTests {
  func target(_ name: String) throws -> Target { try TargetCatalog().load(name) }

  func place(_ name: String, arena: Int, stack: Int? = nil, weights: Int = 20_000, code: Int = 10_000) throws -> MemoryPlacement {
    let t = try target(name)
    return try MemoryPlacement(target: t, arenaBytes: arena, stackBytes: stack ?? t.stackReserveBytes, weightsBytes: weights, codeBytes: code)
  }

  func failure(_ body: () throws -> MemoryPlacement) -> EdgeError? {
    do {
      _ = try body()
      return nil
    } catch let error as EdgeError {
      return error
    } catch {
      return nil
    }
  }

  @Test func aSmallArenaAndTheStackShareTheFastestRegion() throws {
    let p = try place("stm32f746", arena: 16_000)
    #expect(p.arena.span.name == "DTCM" && p.stack.span.name == "DTCM")
    #expect(p.weights.span.name == "FLASH" && p.code.span.name == "FLASH")
    #expect(p.spans.map(\.name) == ["DTCM", "SRAM1", "SRAM2", "FLASH"])
  }

  @Test func theStackMovesOnWhenTheArenaLeavesTooLittle() throws {
    let p = try place("stm32f746", arena: 60_000)  // 5,536 bytes left in DTCM
    #expect(p.arena.span.name == "DTCM" && p.stack.span.name == "SRAM1")
  }

  @Test func anArenaTooBigForTheFastestGoesToTheNextThatFits() throws {
    let p = try place("stm32f746", arena: 100_000)
    #expect(p.arena.span.name == "SRAM1" && p.arena.span.base == 0x2001_0000)
    #expect(p.stack.span.name == "DTCM")
  }

  @Test func contiguousRegionsMergeWhenNoneFitsAlone() throws {
    let p = try place("stm32f746", arena: 300_000)
    #expect(p.arena.span.regions == ["DTCM", "SRAM1"])
    #expect(p.arena.span.base == 0x2000_0000 && p.arena.span.size == 311_296)
    #expect(p.arena.span.linkerName == "DTCM_SRAM1")
    #expect(p.stack.span.name == "DTCM+SRAM1")  // 11,296 bytes left there
    #expect(p.spans.map(\.name) == ["DTCM+SRAM1", "SRAM2", "FLASH"])
    let tighter = try place("stm32f746", arena: 305_000)  // 6,296 left
    #expect(tighter.arena.span.name == "DTCM+SRAM1" && tighter.stack.span.name == "SRAM2")
  }

  @Test func aSingleRegionIsPreferredToAMergedRun() throws {
    // 3 MB fits neither SRAM nor SSRAM2 alone, but PSRAM (16 MB) on its own.
    let p = try place("mps2-an505", arena: 3 << 20)
    #expect(p.arena.span.name == "PSRAM")
    #expect(p.stack.span.name == "SRAM")
  }

  @Test func theStackMustFitBesideAMergedArena() throws {
    // All three regions merged leave 7,680 bytes: less than the 8 KB reserve.
    let error = try #require(failure { try place("stm32f746", arena: 320_000) })
    #expect(error.kind == .doesNotFit)
    #expect(error.message.contains("8192-byte stack reserve"), "\(error.message)")
    #expect(error.message.contains("DTCM+SRAM1+SRAM2 has 7680 free"), "\(error.message)")
  }

  @Test func anArenaThatFitsNowhereNamesEveryRegionAndRun() throws {
    let error = try #require(failure { try place("stm32f746", arena: 400_000) })
    #expect(error.kind == .doesNotFit)
    #expect(error.message == "the arena needs 400000 bytes in one RAM region or in adjacent ones merged; stm32f746 offers DTCM 65536, SRAM1 245760, SRAM2 16384, DTCM+SRAM1 311296, DTCM+SRAM1+SRAM2 327680, SRAM1+SRAM2 262144 bytes. Shrink the model's activations or choose a target with more SRAM")
  }

  @Test func flashHoldsWeightsAndCodeTogether() throws {
    let error = try #require(failure { try place("stm32f746", arena: 1_000, weights: 1_000_000, code: 60_000) })
    #expect(error.kind == .doesNotFit)
    #expect(error.message.contains("code need 60000 bytes of flash"), "\(error.message)")
    #expect(error.message.contains("FLASH has 48576 free"), "\(error.message)")
  }

  @Test func regionsThatMayNotHoldTheArenaAreNotUsed() throws {
    var t = try target("stm32f746")
    t.memory[0].holds = ["stack"]  // DTCM: stack only
    let p = try MemoryPlacement(target: t, arenaBytes: 16_000, stackBytes: 8192, weightsBytes: 0, codeBytes: 0)
    #expect(p.arena.span.name == "SRAM1" && p.stack.span.name == "DTCM")
  }

  @Test func placementIsReportedAsJSON() throws {
    let p = try place("mps2-an500", arena: 16_000, weights: 24_000, code: 9_000)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(p.json.rendered().utf8)) as? [String: [String: Any]])
    #expect(json.keys.sorted() == ["arena", "code", "stack", "weights"])
    #expect(json["arena"]?["region"] as? String == "SSRAM23" && json["arena"]?["base"] as? String == "0x20000000")
    #expect(json["arena"]?["region_bytes"] as? Int == 4_194_304 && json["arena"]?["bytes"] as? Int == 16_000)
    #expect(json["stack"]?["region"] as? String == "SSRAM23" && json["stack"]?["bytes"] as? Int == 8192)
    #expect(json["weights"]?["region"] as? String == "SSRAM1" && json["weights"]?["base"] as? String == "0x0")
    #expect(json["code"]?["bytes"] as? Int == 9_000)
  }
}
