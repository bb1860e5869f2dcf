import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// The linker scripts made from Targets/cortex-m/firmware.ld, against
/// committed copies in Tests/Golden/linker (EDGEC_UPDATE_GOLDEN=1 rewrites them).
@Suite struct LinkerScriptTests {
  static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Golden/linker")

  func script(_ name: String, arena: Int) throws -> String {
    let catalog = try TargetCatalog()
    let target = try catalog.load(name)
    let placement = try MemoryPlacement(
      target: target, arenaBytes: arena, stackBytes: target.stackReserveBytes, weightsBytes: 24_000, codeBytes: 12_000)
    return try FirmwareBuild(target: target, catalog: catalog).linkerScript(placement: placement)
  }

  func expectGolden(_ text: String, _ file: String) throws {
    let url = Self.golden.appendingPathComponent(file)
    if ProcessInfo.processInfo.environment["EDGEC_UPDATE_GOLDEN"] == "1" {
      try Data(text.utf8).write(to: url)
    }
    let expected = try #require(FileManager.default.contents(atPath: url.path), "missing \(url.path)")
    #expect(text == String(decoding: expected, as: UTF8.self), "\(file) differs from the golden copy")
  }

  /// Arena in DTCM (60,000 of its 65,536 bytes), so the stack goes to SRAM1.
  @Test func stm32f746MatchesTheGoldenCopy() throws {
    let text = try script("stm32f746", arena: 60_000)
    try expectGolden(text, "stm32f746.ld")
    #expect(text.contains("  DTCM (rwx) : ORIGIN = 0x20000000, LENGTH = 0x10000 /* 64 KB */"))
    #expect(text.contains("} > DTCM\n") && text.contains("} > SRAM1 AT > FLASH"))
  }

  @Test func mps2an500MatchesTheGoldenCopy() throws {
    let text = try script("mps2-an500", arena: 16_000)
    try expectGolden(text, "mps2-an500.ld")
    #expect(text.contains("  SSRAM1 (rx) : ORIGIN = 0x0, LENGTH = 0x400000 /* 4 MB */"))
  }

  @Test func aMergedArenaIsOneMemoryRegion() throws {
    let text = try script("stm32f746", arena: 300_000)
    #expect(text.contains("  DTCM_SRAM1 (rwx) : ORIGIN = 0x20000000, LENGTH = 0x4C000 /* 304 KB */"))
    #expect(!text.contains("  DTCM (rwx)") && !text.contains("  SRAM1 (rwx)"))
    #expect(text.contains("  SRAM2 (rwx) : ORIGIN = 0x2004C000"))
  }

  @Test func everyFieldOfTheTemplateIsFilled() throws {
    for name in try TargetCatalog().names() where name != "host" {
      let text = try script(name, arena: 1_000)
      #expect(text.range(of: #"@[A-Z_]+@"#, options: .regularExpression) == nil, "\(name)")
    }
  }

  @Test func anUnknownFieldIsAnError() throws {
    let target = try TargetCatalog().load("mps2-an500")
    let placement = try MemoryPlacement(target: target, arenaBytes: 100, stackBytes: 100, weightsBytes: 0, codeBytes: 0)
    #expect(throws: EdgeError.self) {
      try LinkerScript.render(template: "MEMORY { @MEMORY@ } @HEAP@", templateName: "t.ld", target: target, placement: placement)
    }
  }
}
