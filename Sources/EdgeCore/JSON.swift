/// A minimal JSON value with a deterministic printer: keys keep the order they
/// were written in, numbers print the same way on every run. report.json,
/// plan.json and `--json` outputs are diffed by CI, so byte stability matters
/// more than generality here.
public indirect enum JSON: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSON])
  case object([(String, JSON)])

  public static func == (a: JSON, b: JSON) -> Bool { a.rendered() == b.rendered() }
  public func hash(into hasher: inout Hasher) { hasher.combine(rendered()) }

  /// Pretty-printed with two-space indentation and a trailing newline at top level.
  public func rendered(indent: Int = 0) -> String {
    let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .double(let d):
      guard d.isFinite else { return "null" }
      if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
      return "\(d)"
    case .string(let s): return JSON.quote(s)
    case .array(let items):
      if items.isEmpty { return "[]" }
      if items.allSatisfy({ $0.isScalar }) {
        return "[" + items.map { $0.rendered() }.joined(separator: ", ") + "]"
      }
      return "[\n" + items.map { pad + $0.rendered(indent: indent + 1) }.joined(separator: ",\n") + "\n" + end + "]"
    case .object(let fields):
      if fields.isEmpty { return "{}" }
      return "{\n" + fields.map { pad + JSON.quote($0.0) + ": " + $0.1.rendered(indent: indent + 1) }
        .joined(separator: ",\n") + "\n" + end + "}"
    }
  }

  var isScalar: Bool {
    switch self {
    case .array, .object: return false
    default: return true
    }
  }

  static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
