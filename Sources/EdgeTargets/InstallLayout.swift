import EdgeCore
import Foundation

/// Where edgec's data lives (Targets/, Runtime-C/). edgec runs from a source
/// checkout (`swift build`, `make`) or from an installed prefix
/// (`bin/edgec` with `share/edgec/`), so the data is looked up in order:
/// an environment variable, then beside or above the executable, then the
/// checkout this binary was built from.
public enum InstallLayout {
  public static func locate(environment: String, relativePath: String, marker: String) throws
    -> String
  {
    let fm = FileManager.default
    func valid(_ dir: String) -> Bool {
      fm.fileExists(atPath: (dir as NSString).appendingPathComponent(marker))
    }
    if let dir = ProcessInfo.processInfo.environment[environment], !dir.isEmpty {
      guard valid(dir) else {
        throw EdgeError(.environment, "$\(environment)=\(dir) does not contain \(marker)")
      }
      return dir
    }
    var candidates: [String] = []
    let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
    var dir = executable.deletingLastPathComponent()
    for _ in 0..<6 {
      candidates.append(dir.appendingPathComponent(relativePath).path)
      candidates.append(dir.appendingPathComponent("share/edgec").appendingPathComponent(relativePath).path)
      dir = dir.deletingLastPathComponent()
    }
    // Sources/EdgeTargets/InstallLayout.swift → the checkout's root.
    let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(checkout.appendingPathComponent(relativePath).path)
    if let found = candidates.first(where: valid) { return found }
    throw EdgeError(
      .environment,
      "cannot find edgec's \(relativePath)/ directory; set $\(environment) to it")
  }
}
