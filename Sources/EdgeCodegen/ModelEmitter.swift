import EdgeCore
import EdgePlan
import EdgeReference

/// Prints the three model files: `<model>.h` (the API), `<model>.c` (kernel
/// parameters and the invoke sequence) and `<model>_weights.c` (constants).
/// It decides nothing: the program says what to call, the storage map where
/// every tensor is.
struct ModelEmitter {
  let map: StorageMap
  let banner: String
  /// Firmware builds: the linker section of the arena (see CompileOptions).
  var arenaSection: String? = nil
  /// Emit EDGEC_PROFILE hooks (see CompileOptions).
  var profileHooks = false
  /// Models compiled together: index into this shared arena instead of a
  /// static one of our own (see CompileOptions).
  var sharedArena: SharedArena? = nil

  var graph: Graph { map.graph }
  var name: String { graph.name }
  var macro: String { name.macroCase }

  /// `input`, `input_1`, … : the names of the I/O accessors.
  func ioName(_ base: String, _ index: Int) -> String { index == 0 ? base : "\(base)_\(index)" }

  // MARK: - <model>.h

  func header() -> String {
    var lines = [banner, "#ifndef \(macro)_H", "#define \(macro)_H", "", "#include <stdint.h>", ""]
    lines.append("#ifdef __cplusplus\nextern \"C\" {\n#endif\n")
    lines.append("/* Bytes of RAM the model needs: the arena holds every activation, the inputs and the outputs. */")
    lines.append("#define \(macro)_ARENA_BYTES \(map.plan.arenaBytes)")
    lines += stateDefines
    lines += sharedArenaNotice
    lines.append("#define \(macro)_INPUT_COUNT \(graph.inputs.count)")
    lines.append("#define \(macro)_OUTPUT_COUNT \(graph.outputs.count)\n")
    for (kind, ids) in [("input", graph.inputs), ("output", graph.outputs)] {
      for (index, id) in ids.enumerated() {
        let tensor = graph.tensors[id]
        let m = "\(macro)_\(ioName(kind, index).uppercased())"
        lines.append(CSyntax.comment("\(kind) \(index): '\(tensor.name)', \(tensor.type.rawValue) \(tensor.shape)"))
        lines.append("#define \(m)_ELEMENTS \(tensor.elementCount)")
        lines.append("#define \(m)_BYTES \(tensor.byteSize)")
        if let q = tensor.quantization, !q.isPerAxis {
          lines.append("#define \(m)_SCALE \(CSyntax.float(q.scale))")
          lines.append("#define \(m)_ZERO_POINT \(q.zeroPoint)")
        }
        lines.append("")
      }
    }
    lines.append("/* Where to write input k and read output k: pointers into the arena, valid")
    lines.append(" * before and after invoke. An input's bytes are reused once it is consumed. */")
    for (index, id) in graph.inputs.enumerated() {
      lines.append("\(graph.tensors[id].type.cType) *\(name)_\(ioName("input", index))(void);")
    }
    for (index, id) in graph.outputs.enumerated() {
      lines.append("const \(graph.tensors[id].type.cType) *\(name)_\(ioName("output", index))(void);")
    }
    lines.append("\n/* Runs the model on the inputs in the arena. Returns 0 on success. */")
    lines.append("int \(name)_invoke(void);\n")
    lines += resetDeclaration
    lines.append("/* Copies the inputs in, invokes, copies the outputs out. Returns 0 on success. */")
    lines.append("int \(name)_run(\(runParameters()));\n")
    lines.append("#ifdef __cplusplus\n}\n#endif\n")
    lines.append("#endif /* \(macro)_H */")
    return lines.joined(separator: "\n") + "\n"
  }

  func runParameters() -> String {
    let ins = graph.inputs.enumerated().map { i, id in
      "const \(graph.tensors[id].type.cType) *\(graph.inputs.count == 1 ? "input" : "input\(i)")"
    }
    let outs = graph.outputs.enumerated().map { i, id in
      "\(graph.tensors[id].type.cType) *\(graph.outputs.count == 1 ? "output" : "output\(i)")"
    }
    return (ins + outs).joined(separator: ", ")
  }

  // MARK: - <model>_weights.c

  func weightsSource() -> String {
    var lines = [banner, "#include <math.h>", "#include <stdint.h>", "#include \"edgec/platform.h\"", ""]
    lines.append("/* Constants the kernels read: \(map.weights.count) tensors, \(map.weightBytes) bytes, in flash. */\n")
    for id in map.weights {
      lines.append(weightDefinition(id))
      lines.append("")
    }
    lines += initialValueDefinitions
    if map.weights.isEmpty && !graph.isStateful { lines.append("extern const uint8_t \(name)_no_weights;") }
    return lines.joined(separator: "\n") + "\n"
  }

  func weightDeclaration(_ id: TensorID) -> String {
    let tensor = graph.tensors[id]
    return "extern const \(tensor.type.cType) \(name)_t\(id)[\(tensor.byteSize / tensor.type.byteSize)];"
  }

  func weightDefinition(_ id: TensorID) -> String {
    let tensor = graph.tensors[id]
    let values = CSyntax.elements(of: tensor, bytes: tensor.data ?? [])
    return CSyntax.comment("'\(tensor.name)' \(tensor.type.rawValue) \(tensor.shape)") + "\n"
      + "const \(tensor.type.cType) \(name)_t\(id)[\(tensor.byteSize / tensor.type.byteSize)] EDGEC_ALIGNED(16) = {\n"
      + CSyntax.list(values, perLine: tensor.type == .float32 ? 6 : 16) + "\n};"
  }

  // MARK: - <model>.c

  func source() throws -> String {
    var lines = [banner, "#include <math.h>", "#include <string.h>", "", "#include \"\(name).h\"", "#include \"edgec/kernels.h\"", "#include \"edgec/platform.h\"", ""]
    if !map.weights.isEmpty {
      lines.append("/* Weights: \(name)_weights.c. */")
      lines += map.weights.map(weightDeclaration)
      lines.append("")
    }
    lines += arenaDeclaration
    lines += stateDefinitions
    lines += profileMacro
    var calls: [String] = []
    // The program in the plan's execution order (the scheduler may have
    // moved ops; the plan's lifetimes hold for this order only).
    let byOp = Dictionary(map.program.map { ($0.opIndex, $0) }, uniquingKeysWith: { first, _ in first })
    for step in map.plan.order.compactMap({ byOp[$0] }) {
      let op = graph.operators[step.opIndex]
      let title = "op \(step.opIndex): \(op.kind.name) -> '\(op.outputs.first.map { graph.tensors[$0].name } ?? "")'"
      switch step {
      case .alias(_, let input, let output):
        calls.append("  " + CSyntax.comment("\(title): a view of \(graph.describe(tensor: input)), no code") )
        _ = output
      case .kernel(_, let kernel, let inputs, let outputs) where map.copiesNothing(kernel, inputs, outputs):
        calls.append("  " + CSyntax.comment("\(title): its data is already in place, no code"))
      case .kernel(let index, let kernel, let inputs, let outputs):
        lines.append(CSyntax.comment(title))
        lines += parameterDefinitions(kernel, prefix: "op\(index)")
        calls.append("  " + CSyntax.comment(title))
        calls += try call(kernel, prefix: "op\(index)", inputs: inputs, outputs: outputs, scratch: map.plan.scratch(for: index))
        if profileHooks { calls.append("  EDGEC_PROFILE(\(index));") }
      }
    }
    lines.append("")
    for (index, id) in graph.inputs.enumerated() {
      lines.append("\(graph.tensors[id].type.cType) *\(name)_\(ioName("input", index))(void) {")
      lines.append("  return (\(graph.tensors[id].type.cType) *)\(try pointerExpression(id, mutable: true, typed: false));\n}\n")
    }
    for (index, id) in graph.outputs.enumerated() {
      let t = graph.tensors[id].type.cType
      lines.append("const \(t) *\(name)_\(ioName("output", index))(void) {")
      lines.append("  return (const \(t) *)\(try pointerExpression(id, mutable: false, typed: false));\n}\n")
    }
    lines.append("int \(name)_invoke(void) {")
    lines += resetOnFirstInvoke
    if profileHooks { lines.append("  EDGEC_PROFILE(-1);") }
    lines += calls
    lines.append("  return 0;\n}\n")
    lines.append("int \(name)_run(\(runParameters())) {")
    for (index, id) in graph.inputs.enumerated() {
      let arg = graph.inputs.count == 1 ? "input" : "input\(index)"
      lines.append("  memcpy(\(name)_\(ioName("input", index))(), \(arg), \(graph.tensors[id].byteSize));")
    }
    lines.append("  if (\(name)_invoke() != 0) return -1;")
    for (index, id) in graph.outputs.enumerated() {
      let arg = graph.outputs.count == 1 ? "output" : "output\(index)"
      lines.append("  memcpy(\(arg), \(name)_\(ioName("output", index))(), \(graph.tensors[id].byteSize));")
    }
    lines.append("  return 0;\n}")
    return lines.joined(separator: "\n") + "\n"
  }

  // MARK: - The arena: this model's own, or one shared with models compiled with it

  var arenaSymbol: String { sharedArena?.symbol ?? "\(name)_arena" }

  /// A static arena of our own; with a shared arena, a declaration only (the
  /// array is defined once, in `<symbol>.c`, so that the models overlap).
  /// The declaration is spelt out rather than included so that this file
  /// does not depend on which models it was compiled with.
  var arenaDeclaration: [String] {
    let plan = sharedArena == nil ? "plan.json" : "plan_\(name).json"
    let layout = [
      "/* The arena, laid out by the memory plan (\(plan)): \(map.plan.arenaBytes) bytes,",
      " * lower bound for this order \(map.plan.lowerBoundBytes) bytes. */",
    ]
    guard let sharedArena else {
      return layout + ["static uint8_t \(name)_arena[\(macro)_ARENA_BYTES] EDGEC_ALIGNED(16)\(arenaAttribute);\n"]
    }
    return layout + [
      "/* Shared with the models compiled with this one (\(sharedArena.headerName));",
      " * this model uses its first \(macro)_ARENA_BYTES bytes. */",
      "extern uint8_t \(sharedArena.symbol)[];\n",
    ]
  }

  /// What sharing means for the application, where it reads the API.
  var sharedArenaNotice: [String] {
    guard let sharedArena else { return [] }
    return [
      "/* The arena is \(sharedArena.symbol) (\(sharedArena.headerName)), shared with the models",
      " * compiled together with this one: running any of them overwrites this model's",
      " * inputs and outputs (copy out what you need first), and no two may run at once. */",
    ]
  }

  // MARK: - Firmware options (only when asked; host builds stay plain C99)

  /// Places the arena in a named section for the firmware's linker script.
  var arenaAttribute: String {
    arenaSection.map { " __attribute__((section(\"\($0)\")))" } ?? ""
  }

  /// The profiling hook's empty default; a firmware build defines it.
  var profileMacro: [String] {
    guard profileHooks else { return [] }
    return [
      "/* Called on entering invoke (-1) and after each kernel with its op index;",
      " * empty unless the build defines it (edgec run --profile does). */",
      "#ifndef EDGEC_PROFILE", "#define EDGEC_PROFILE(op) ((void)0)", "#endif", "",
    ]
  }

  /// The static tables and the const parameter struct of one kernel call.
  func parameterDefinitions(_ kernel: any PreparedKernel, prefix: String) -> [String] {
    var tables: [String] = []
    func render(_ field: NamedKernelField, depth: Int) -> String {
      switch field.value {
      case .int(let v): return CSyntax.int(v)
      case .uint(let v): return "0x\(String(v, radix: 16, uppercase: true))u"
      case .float(let v): return CSyntax.float(v)
      case .inline(let values): return "{" + values.map { CSyntax.int($0) }.joined(separator: ", ") + "}"
      case .table(let values):
        let symbol = "\(prefix)_\(field.name)"
        tables.append("static const int32_t \(symbol)[\(max(values.count, 1))] = {\n"
          + CSyntax.list(values.isEmpty ? ["0"] : values.map { CSyntax.int($0) }) + "\n};")
        return symbol
      case .record(let fields):
        return "{" + fields.map { ".\($0.name) = \(render($0, depth: depth + 1))" }.joined(separator: ", ") + "}"
      }
    }
    let body = kernel.cFields.map { "  .\($0.name) = \(render($0, depth: 1))," }
    return tables + ["static const \(kernel.cParamsType) \(prefix)_params = {"] + body + ["};", ""]
  }

  /// `edgec_x(&opN_params, in..., out...);` with pointers into the arena or weights.
  func call(
    _ kernel: any PreparedKernel, prefix: String, inputs: [TensorID?], outputs: [TensorID], scratch: PlannedScratch?
  ) throws -> [String] {
    let ins = try inputs.map { id -> String in
      guard let id else { return "NULL" }
      return try pointerExpression(id, mutable: false, typed: !kernel.takesInputArray)
    }
    let outs = try outputs.map { try pointerExpression($0, mutable: true, typed: true) }
    // Working memory from the arena, free during this step (plan.json's scratch).
    let scratchArguments =
      !kernel.takesScratch ? [] : scratch.map { ["(\(arenaSymbol) + \($0.offset))", "\($0.bytes)"] } ?? ["NULL", "0"]
    if kernel.takesOutputArray {
      let addresses = try outputs.map { try pointerExpression($0, mutable: true, typed: false) }
      return [
        "  {",
        "    void *const outputs[\(max(addresses.count, 1))] = {\(addresses.joined(separator: ", "))};",
        "    \(kernel.cFunction)(&\(prefix)_params, \(ins.joined(separator: ", ")), outputs);",
        "  }",
      ]
    }
    if kernel.takesInputArray {
      return [
        "  {",
        "    const void *const inputs[\(max(ins.count, 1))] = {\(ins.joined(separator: ", "))};",
        "    \(kernel.cFunction)(&\(prefix)_params, inputs, \((outs).joined(separator: ", ")));",
        "  }",
      ]
    }
    return ["  \(kernel.cFunction)(&\(prefix)_params, \((ins + outs + scratchArguments).joined(separator: ", ")));"]
  }

  /// The C expression for tensor `id`'s data.
  func pointerExpression(_ id: TensorID, mutable: Bool, typed: Bool) throws -> String {
    guard let storage = map.storage(of: id) else {
      throw EdgeError(.invalidGraph, "\(graph.describe(tensor: id)) has no storage")
    }
    let type = graph.tensors[id].type.cType
    switch storage {
    case .weights(let symbol):
      return symbol
    case .state(let offset):
      let address = "(\(name)_state + \(offset))"
      if !typed { return address }
      return mutable ? "(\(type) *)\(address)" : "(const \(type) *)\(address)"
    case .arena(let offset):
      let address = "(\(arenaSymbol) + \(offset))"
      if !typed { return address }
      return mutable ? "(\(type) *)\(address)" : "(const \(type) *)\(address)"
    }
  }
}
