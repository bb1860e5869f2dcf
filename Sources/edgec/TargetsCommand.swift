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
        print(t.name.padding(14) + t.core.padding(15) + "\(t.arenaCapacityBytes / 1024) KB".padding(10)
          + "\(t.flashBytes / 1024) KB".padding(10) + t.description)
      }
    }
  }
}

extension String {
  func padding(_ width: Int) -> String {
    count >= width ? self + " " : self + String(repeating: " ", count: width - count)
  }
}
