import EdgeCore
import EdgeTargets
import Foundation
import Testing

/// Every file in Targets/ loads, describes its memory consistently, and
/// carries what the firmware build needs.
@Suite struct TargetFileTests {
  static let names: [String] = (try? TargetCatalog().names()) ?? []
  static let cortexM = names.filter { $0 != "host" }

  func load(_ name: String) throws -> Target { try TargetCatalog().load(name) }

  @Test func theCatalogHoldsEveryChipOfTheIssue() {
    #expect(Self.names == [
      "host", "mps2-an386", "mps2-an500", "mps2-an505", "nrf52840", "rp2040", "stm32f746", "stm32h743", "stm32l4r5",
    ])
  }

  @Test(arguments: names) func regionsAreConsistent(_ name: String) throws {
    let target = try load(name)
    #expect(target.name == name)
    let vocabulary: Set<String> = ["arena", "stack", "weights", "code"]
    for region in target.memory {
      #expect(region.size > 0, "\(name): \(region.name) has no bytes")
      #expect(["ram", "flash"].contains(region.kind), "\(name): \(region.name) is '\(region.kind)'")
      #expect(Set(region.holds).isSubset(of: vocabulary), "\(name): \(region.name) holds \(region.holds)")
      #expect(region.name.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil, "\(name): '\(region.name)' is no linker-script name")
    }
    #expect(Set(target.memory.map(\.name)).count == target.memory.count, "\(name): region names repeat")
    #expect(target.memory.contains { $0.kind == "ram" && $0.holds.contains("arena") })
    #expect(target.memory.contains { $0.kind == "ram" && $0.holds.contains("stack") })
    #expect(target.memory.contains { $0.kind == "flash" && $0.holds.contains("weights") })
    #expect(target.memory.contains { $0.kind == "flash" && $0.holds.contains("code") })
    #expect(target.tensorAlignment > 0 && target.tensorAlignment & (target.tensorAlignment - 1) == 0)
    #expect(target.stackReserveBytes >= 0)
    guard target.core != "host" else { return }
    // A real address map: inside 32 bits, no two regions overlapping.
    for region in target.memory { #expect(region.base + UInt64(region.size) <= 1 << 32, "\(name): \(region.name)") }
    let sorted = target.memory.sorted { $0.base < $1.base }
    for (a, b) in zip(sorted, sorted.dropFirst()) {
      #expect(a.base + UInt64(a.size) <= b.base, "\(name): \(a.name) overlaps \(b.name)")
    }
  }

  @Test(arguments: cortexM) func flagsKernelsAndFirmwareFieldsMatchTheCore(_ name: String) throws {
    let target = try load(name)
    #expect(target.cc == "arm-none-eabi-gcc" && target.sizeTool == "arm-none-eabi-size")
    #expect(target.cflags.contains("-mcpu=\(target.core)"), "\(name): \(target.cflags)")
    #expect(target.cflags.contains("-mthumb") && target.cflags.contains("-O2") && target.cflags.contains("-std=c99"))
    #expect(target.cflags.contains("-mfloat-abi=hard") == target.fpu, "\(name)")
    #expect(target.cflags.contains { $0.hasPrefix("-mfpu=") } == target.fpu, "\(name)")
    #expect(target.kernels == (target.dsp ? "cortex-m" : "portable"), "\(name)")
    #expect(target.clockHz > 0)
    let template = try #require(target.linkerTemplate)
    let catalog = try TargetCatalog()
    #expect(FileManager.default.fileExists(atPath: "\(catalog.directory)/\(template)"), "\(name): \(template)")
    if let qemu = target.qemu {
      #expect(qemu.machine == name)
      let timer = try #require(target.timer, "\(name) runs under QEMU but names no timer")
      // Whole instructions per tick, so that the vernier's arithmetic is exact.
      #expect(timer.hz > 0 && 1_000_000_000 % timer.hz == 0)
    } else {
      #expect(target.timer == nil)
    }
  }

  @Test func boardsCountWithTheirTimers() throws {
    #expect(try load("mps2-an500").timer?.instructionsPerTick == 40)
    #expect(try load("mps2-an386").timer?.instructionsPerTick == 40)
    #expect(try load("mps2-an505").timer?.instructionsPerTick == 50)
    #expect(try load("mps2-an505").timer?.base == 0x5000_0000)
  }

  @Test func stm32f746IsTheDatasheetsMap() throws {
    let f746 = try load("stm32f746")
    #expect(f746.memory.map(\.name) == ["DTCM", "SRAM1", "SRAM2", "FLASH"])
    #expect(f746.memory.map(\.base) == [0x2000_0000, 0x2001_0000, 0x2004_C000, 0x0800_0000])
    #expect(f746.memory.map(\.size) == [65536, 245760, 16384, 1_048_576])
    #expect(f746.clockHz == 216_000_000 && f746.core == "cortex-m7" && f746.dsp && f746.fpu)
    #expect(f746.arenaCapacityBytes == 327_680)
  }

  @Test func rp2040HasNeitherDSPNorFPU() throws {
    let rp = try load("rp2040")
    #expect(rp.core == "cortex-m0plus" && !rp.dsp && !rp.fpu && rp.kernels == "portable")
    #expect(rp.arenaCapacityBytes == 270_336)
    #expect(rp.memory.first { $0.kind == "flash" }?.base == 0x1000_0000)
  }

  @Test func aTargetWithoutFirmwareFieldsStillLoads() throws {
    let host = try load("host")
    #expect(host.linkerTemplate == nil && host.qemu == nil && host.timer == nil && host.enableCaches == nil)
  }
}
