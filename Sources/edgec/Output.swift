import EdgeCore
import Foundation

enum FileHandleOutput {
  static func writeToStandardError(_ string: String) {
    FileHandle.standardError.write(Data(string.utf8))
  }
}

/// Reads a whole file or throws an error naming it.
func readFile(_ path: String) throws -> [UInt8] {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw EdgeError(.invalidInput, "cannot read \(path)")
  }
  return [UInt8](data)
}

/// Writes a file in one step (temporary file + rename).
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
  do {
    try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
  } catch {
    throw EdgeError(.environment, "cannot write \(path): \(error.localizedDescription)")
  }
}

/// `12,345` style grouping for tables.
func grouped(_ n: Int) -> String {
  let digits = String(n.magnitude)
  var out = ""
  for (i, c) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
    out.append(c)
  }
  return (n < 0 ? "-" : "") + out
}
