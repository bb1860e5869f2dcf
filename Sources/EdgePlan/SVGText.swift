/// Small, locale-free formatting for the SVG picture, so that the same plan
/// gives the same bytes on every machine.
enum SVGText {
  /// `value` with one decimal, trailing ".0" dropped: "12", "12.5", "-3.2".
  static func number(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    let sign = tenths < 0 ? "-" : ""
    let magnitude = abs(tenths)
    return magnitude % 10 == 0
      ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
  }

  /// An integer with thousands separators: 49152 -> "49,152".
  static func grouped(_ value: Int) -> String {
    let digits = String(abs(value))
    var result = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
      result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
  }

  /// Text safe inside an element or a double-quoted attribute.
  static func escaped(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      default:
        // Control characters are not allowed in XML 1.0 at all.
        if let ascii = character.asciiValue, ascii < 0x20 {
          result += " "
        } else {
          result.append(character)
        }
      }
    }
    return result
  }

  /// At most `limit` characters naming a tensor, or nil if nothing useful
  /// fits. TensorFlow names such as "model/activation_3/Relu;model/…" carry
  /// the layer in the middle: the first of the ";"-joined fused names is
  /// tried whole, then without its scope ("activation_3/Relu"), then the
  /// layer alone ("activation_3"), then the last of these cut at the front
  /// ("…ivation_3") if at least 8 characters fit.
  static func shortName(_ name: String, limit: Int) -> String? {
    let first =
      name.split(separator: ";", omittingEmptySubsequences: false).first.map(String.init)
      ?? name
    let parts = first.split(separator: "/").map(String.init)
    var candidates = [first]
    if parts.count >= 2 { candidates.append(parts.dropFirst().joined(separator: "/")) }
    if parts.count >= 3 { candidates.append(parts[parts.count - 2]) }
    if let fit = candidates.first(where: { !$0.isEmpty && $0.count <= limit }) { return fit }
    guard limit >= 8, let last = candidates.last else { return nil }
    return "…" + String(last.suffix(limit - 1))
  }

  /// A byte count in at most `limit` characters: "18,432 B", else "18.4k"
  /// (thousands of bytes), else nil.
  static func bytes(_ value: Int, limit: Int) -> String? {
    let full = grouped(value) + " B"
    if full.count <= limit { return full }
    let short = value < 1000 ? "\(value)" : number(Double(value) / 1000) + "k"
    return short.count <= limit ? short : nil
  }

  /// A tick spacing of 1, 2 or 5 times a power of ten that divides `range`
  /// into at most `count` intervals.
  static func tickStep(for range: Int, count: Int) -> Int {
    var power = 1
    while true {
      for factor in [1, 2, 5] where range <= power * factor * count {
        return power * factor
      }
      power *= 10
    }
  }
}
