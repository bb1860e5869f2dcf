import EdgeCore
import EdgeReference
import EdgeTargets
import Foundation

/// The runtime C files a compiled model needs, copied next to it so the output
/// directory builds on its own. Kernels follow CMSIS-NN's one-function-per-file
/// rule, so `edgec_conv2d_s8` lives in `edgec_conv2d_s8.c` and the selection is
/// a lookup, not a table to keep in sync.
public struct RuntimeSources: Sendable {
  public let root: String

  public init(root: String? = nil) throws {
    self.root = try root ?? InstallLayout.locate(
      environment: "EDGEC_RUNTIME_DIR", relativePath: "Runtime-C", marker: "include/edgec/kernels.h")
  }

  /// Output-relative path → contents, for the kernels `functions` in `flavour`
  /// ("portable" or "cortex-m", falling back to portable), plus every header.
  /// All of it goes under `edgec/`, so `#include "edgec/kernels.h"` resolves
  /// with `-I <output directory>` alone.
  public func files(for functions: [String], flavour: String) throws -> [(String, String)] {
    var result: [(String, String)] = []
    for dir in ["include/edgec", "src/portable", "src/\(flavour)"] {
      for header in try list(dir).filter({ $0.hasSuffix(".h") }) where !result.contains(where: { $0.0 == "edgec/\(header)" }) {
        result.append(("edgec/\(header)", try read("\(dir)/\(header)")))
      }
    }
    for function in Set(functions).sorted() {
      let candidates = ["src/\(flavour)/\(function).c", "src/portable/\(function).c"]
      guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: "\(root)/\($0)") }) else {
        throw EdgeError(.environment, "the runtime has no source for kernel \(function) (looked in \(root)/src/portable)")
      }
      let portable = "src/portable/\(function).c"
      if path != portable, flavour == "cortex-m", FileManager.default.fileExists(atPath: "\(root)/\(portable)") {
        // The output must also build with a host compiler (simulation, CI's
        // strict gcc/clang checks), which has no DSP extension: carry the
        // portable kernel, bit-exact with the DSP one, as the fallback.
        result.append((
          "edgec/\(function).c",
          "#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP\n\(try read(path))\n#else\n\(try read(portable))\n#endif\n"))
      } else {
        result.append(("edgec/\(function).c", try read(path)))
      }
    }
    return result
  }

  private func list(_ dir: String) throws -> [String] {
    let path = "\(root)/\(dir)"
    guard FileManager.default.fileExists(atPath: path) else { return [] }
    return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
  }

  private func read(_ relative: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: "\(root)/\(relative)") else {
      throw EdgeError(.environment, "cannot read runtime file \(root)/\(relative)")
    }
    return String(decoding: data, as: UTF8.self)
  }
}
