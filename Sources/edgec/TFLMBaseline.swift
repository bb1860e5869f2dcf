import EdgeCore
import Foundation

/// TFLite Micro's measured figures for a model, looked up by the model's
/// file name in a baseline file such as
/// ../shared/baselines/tflm-cmsis-nn-cortex-m7.json (one object per
/// "<name>.tflite" key, plus an "_about" note).
struct TFLMBaseline {
  /// The arena TFLM needed for the model, or nil with the reason.
  let arenaBytes: Int?
  let note: String

  init(modelPath: String, baselinePath: String) {
    let file = (modelPath as NSString).lastPathComponent
    guard let data = FileManager.default.contents(atPath: baselinePath) else {
      (arenaBytes, note) = (nil, "no baseline file at \(baselinePath)")
      return
    }
    guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      (arenaBytes, note) = (nil, "\(baselinePath) is not a JSON object")
      return
    }
    guard let entry = root[file] as? [String: Any], let arena = entry["arena_bytes"] as? Int else {
      (arenaBytes, note) = (nil, "\(file) is not in \(baselinePath)")
      return
    }
    (arenaBytes, note) = (arena, "arena_used_bytes() of \(file) in \(baselinePath)")
  }

  /// How much smaller `arena` is than TFLM's, in percent with one decimal
  /// (negative when larger).
  func saving(for arena: Int) -> Double? {
    guard let tflm = arenaBytes, tflm > 0 else { return nil }
    return (Double(tflm - arena) / Double(tflm) * 1000).rounded() / 10
  }
}
