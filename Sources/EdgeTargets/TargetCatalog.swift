import EdgeCore
import Foundation

/// Finds and loads target files. The directory is found the same way as the
/// runtime sources (see `InstallLayout`): `$EDGEC_TARGETS_DIR`, then a
/// `Targets/` beside or above the executable, then the source checkout.
public struct TargetCatalog: Sendable {
  public let directory: String

  public init(directory: String? = nil) throws {
    if let directory {
      self.directory = directory
    } else {
      self.directory = try InstallLayout.locate(
        environment: "EDGEC_TARGETS_DIR", relativePath: "Targets", marker: "host.json")
    }
  }

  /// Names of every target file, sorted.
  public func names() throws -> [String] {
    let files = try FileManager.default.contentsOfDirectory(atPath: directory)
    return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
  }

  public func load(_ name: String) throws -> Target {
    let path = (directory as NSString).appendingPathComponent(name + ".json")
    guard FileManager.default.fileExists(atPath: path) else {
      let known = (try? names().joined(separator: ", ")) ?? ""
      throw EdgeError(.invalidInput, "unknown target '\(name)'; known targets: \(known)")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EdgeError(.environment, "cannot read target file \(path)")
    }
    do {
      let target = try JSONDecoder().decode(Target.self, from: data)
      guard target.name == name else {
        throw EdgeError(.invalidInput, "target file \(path) names itself '\(target.name)'")
      }
      return target
    } catch let error as EdgeError {
      throw error
    } catch {
      throw EdgeError(.invalidInput, "target file \(path) is not valid: \(error)")
    }
  }
}
