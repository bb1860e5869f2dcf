/// Where in the input something went wrong. Every field is optional; an error
/// names as many as it knows so the user can find the spot in Netron or a hex dump.
public struct ErrorLocation: Hashable, Sendable, CustomStringConvertible {
  public var file: String?
  public var byteOffset: Int?
  public var opIndex: Int?
  public var opName: String?
  public var tensorIndex: Int?
  public var tensorName: String?

  public init(
    file: String? = nil, byteOffset: Int? = nil, opIndex: Int? = nil, opName: String? = nil,
    tensorIndex: Int? = nil, tensorName: String? = nil
  ) {
    self.file = file
    self.byteOffset = byteOffset
    self.opIndex = opIndex
    self.opName = opName
    self.tensorIndex = tensorIndex
    self.tensorName = tensorName
  }

  public var isEmpty: Bool { description.isEmpty }

  public var description: String { parts.joined(separator: ", ") }

  /// The parts of this location that `message` does not already state, so an
  /// error printed as `<location>: <message>` names each thing once.
  public func description(omittingWhatIsIn message: String) -> String {
    parts.filter { !mentions(message, $0) }.joined(separator: ", ")
  }

  /// Whether `text` contains `part` not followed by a digit ("byte 12" is not
  /// in "byte 123").
  private func mentions(_ text: String, _ part: String) -> Bool {
    var rest = text[...]
    while let range = rest.firstRange(of: part) {
      if range.upperBound == rest.endIndex || !rest[range.upperBound].isNumber { return true }
      rest = rest[range.upperBound...]
    }
    return false
  }

  private var parts: [String] {
    var parts: [String] = []
    if let file { parts.append(file) }
    if let byteOffset { parts.append("byte \(byteOffset)") }
    if let opIndex { parts.append("op \(opIndex)" + (opName.map { " (\($0))" } ?? "")) }
    if let tensorIndex {
      parts.append("tensor \(tensorIndex)" + (tensorName.map { " '\($0)'" } ?? ""))
    } else if let tensorName {
      parts.append("tensor '\(tensorName)'")
    }
    return parts
  }
}

/// The one error type of the compiler's libraries. The CLI prints
/// `error: <location>: <message>` and exits non-zero; nothing else is needed
/// to act on it, so the message says what is wrong and, where it can, what to do.
public struct EdgeError: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Kind: String, Hashable, Sendable {
    /// The bytes are not a well-formed TFLite flatbuffer.
    case malformedModel = "malformed model"
    /// Well-formed, but uses something edgec does not implement.
    case unsupported = "unsupported"
    /// The graph is inconsistent (shapes, types, references).
    case invalidGraph = "invalid graph"
    /// The model does not fit the target's memory.
    case doesNotFit = "does not fit"
    /// A user-supplied file (input .npy, target file) is wrong.
    case invalidInput = "invalid input"
    /// A compiler, emulator or file-system operation failed.
    case environment = "environment"
  }

  public var kind: Kind
  public var message: String
  public var location: ErrorLocation

  public init(_ kind: Kind, _ message: String, at location: ErrorLocation = ErrorLocation()) {
    self.kind = kind
    self.message = message
    self.location = location
  }

  public var description: String {
    let place = location.description(omittingWhatIsIn: message)
    return place.isEmpty ? "\(kind.rawValue): \(message)" : "\(kind.rawValue) at \(place): \(message)"
  }
}
