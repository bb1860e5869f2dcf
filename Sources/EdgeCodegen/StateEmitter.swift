import EdgeCore

/// The C of a stateful model's variables (StateVariable.swift): the static
/// `<model>_state` buffer beside the arena, each variable's initial value
/// in flash, and `<model>_reset`, which copies those in — what TFLite's
/// CALL_ONCE initialiser does on the first invoke. Invoke resets once by
/// itself if the application never did, so the first call sees the initial
/// state either way. Every piece is empty for a stateless model, whose files
/// stay as they were.
extension ModelEmitter {
  var stateBytes: Int { map.state.bytes }

  func initialValueSymbol(_ index: Int) -> String { "\(name)_state\(index)_initial" }

  /// `<model>.h`: the state's size, next to the arena's.
  var stateDefines: [String] {
    guard graph.isStateful else { return [] }
    return [
      "/* Bytes of RAM the model's variables keep between invokes (\(name)_state), beside the arena. */",
      "#define \(macro)_STATE_BYTES \(stateBytes)",
    ]
  }

  /// `<model>.h`: the reset function.
  var resetDeclaration: [String] {
    guard graph.isStateful else { return [] }
    return [
      "/* Restores the variables' initial values: the model then starts afresh, as a new",
      " * interpreter would. Invokes carry state from one to the next; the first invoke",
      " * resets by itself if reset was never called. */",
      "void \(name)_reset(void);\n",
    ]
  }

  /// `<model>_weights.c`: each variable's initial value.
  var initialValueDefinitions: [String] {
    graph.variables.enumerated().flatMap { k, variable -> [String] in
      let tensor = graph.tensors[variable.tensor]
      let count = tensor.byteSize / tensor.type.byteSize
      return [
        CSyntax.comment("initial value of variable '\(variable.name)' \(tensor.type.rawValue) \(tensor.shape)"),
        "const \(tensor.type.cType) \(initialValueSymbol(k))[\(count)] EDGEC_ALIGNED(16) = {\n"
          + CSyntax.list(CSyntax.elements(of: tensor, bytes: variable.initialValue),
                         perLine: tensor.type == .float32 ? 6 : 16) + "\n};",
        "",
      ]
    }
  }

  /// `<model>.c`: the buffer, the initial values' declarations and reset.
  var stateDefinitions: [String] {
    guard graph.isStateful else { return [] }
    var lines = [
      "/* The variables, kept between invokes (never part of the arena): \(stateBytes) bytes. */",
      "static uint8_t \(name)_state[\(macro)_STATE_BYTES] EDGEC_ALIGNED(16);",
      "static int \(name)_state_ready;",
    ]
    for (k, variable) in graph.variables.enumerated() {
      let tensor = graph.tensors[variable.tensor]
      lines.append("extern const \(tensor.type.cType) \(initialValueSymbol(k))[\(tensor.byteSize / tensor.type.byteSize)];")
    }
    lines.append("\nvoid \(name)_reset(void) {")
    for (k, variable) in graph.variables.enumerated() {
      let offset = map.state.offsets[variable.tensor] ?? 0
      lines.append("  memcpy(\(name)_state + \(offset), \(initialValueSymbol(k)), \(graph.tensors[variable.tensor].byteSize));"
        + " " + CSyntax.comment("'\(variable.name)'"))
    }
    lines.append("  \(name)_state_ready = 1;\n}\n")
    return lines
  }

  /// The first statement of invoke: the CALL_ONCE semantics.
  var resetOnFirstInvoke: [String] {
    guard graph.isStateful else { return [] }
    return ["  if (!\(name)_state_ready) \(name)_reset();"]
  }
}
