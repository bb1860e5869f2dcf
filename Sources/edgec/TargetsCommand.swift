import ArgumentParser
import EdgeTargets

struct TargetsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "targets",
    abstract: "List the chips edgec can compile for (one data file each in Targets/).")

  func run() throws {
    try reportingErrors {
      let catalog = try TargetCatalog()
      print("target".padding(14) + "core".padding(15) + "SRAM".padding(10) + "flash".padding(10) + "description")
      for name in try catalog.names() {
        let t = try catalog.load(name)
        print(t.name.padding(14) + t.core.padding(15) + humanBytes(t.arenaCapacityBytes).padding(10)
          + humanBytes(t.flashBytes).padding(10) + t.description)
      }
    }
  }
}

extension String {
  func padding(_ width: Int) -> String {
    count >= width ? self + " " : self + String(repeating: " ", count: width - count)
  }
}

/// 320 KB, 1 MB, 1 GB: sizes as datasheets print them.
func humanBytes(_ n: Int) -> String {
  if n >= 1 << 30, n % (1 << 30) == 0 { return "\(n >> 30) GB" }
  if n >= 1 << 20, n % (1 << 20) == 0 { return "\(n >> 20) MB" }
  if n >= 1 << 10, n % (1 << 10) == 0 { return "\(n >> 10) KB" }
  return "\(n) B"
}
