import EdgeCore

/// What differs between two graphs, one line per difference (empty: equal).
/// Compares what a .tflite file can carry: tensors (name, type, shape,
/// quantization, constant bytes, is_variable), operators (kind, inputs,
/// outputs, options) and the graph's inputs and outputs. The graph name comes
/// from the file name and `origin` is edgec bookkeeping; neither is compared.
func differences(_ a: Graph, _ b: Graph, limit: Int = 20) -> [String] {
  var found: [String] = []
  func note(_ line: @autoclosure () -> String) { if found.count < limit { found.append(line()) } }

  if a.tensors.count != b.tensors.count { note("tensor count \(a.tensors.count) vs \(b.tensors.count)") }
  for (id, (x, y)) in zip(a.tensors, b.tensors).enumerated() {
    let label = "tensor \(id) '\(x.name)'"
    if x.name != y.name { note("\(label): name vs '\(y.name)'") }
    if x.type != y.type { note("\(label): type \(x.type) vs \(y.type)") }
    if x.shape != y.shape { note("\(label): shape \(x.shape) vs \(y.shape)") }
    if x.quantization != y.quantization {
      note("\(label): quantization \(String(describing: x.quantization)) vs \(String(describing: y.quantization))")
    }
    if x.isVariable != y.isVariable { note("\(label): is_variable \(x.isVariable) vs \(y.isVariable)") }
    switch (x.data, y.data) {
    case (nil, nil): break
    case (let p?, let q?) where p == q: break
    case (let p?, let q?):
      let first = zip(p, q).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(p.count, q.count)
      note("\(label): data differs (\(p.count) vs \(q.count) bytes, first difference at byte \(first))")
    case (let p, let q):
      note("\(label): data \(p.map { "\($0.count) bytes" } ?? "absent") vs \(q.map { "\($0.count) bytes" } ?? "absent")")
    }
  }
  if a.operators.count != b.operators.count { note("operator count \(a.operators.count) vs \(b.operators.count)") }
  for (index, (x, y)) in zip(a.operators, b.operators).enumerated() {
    let label = "op \(index) (\(x.kind.name))"
    if x.kind != y.kind { note("\(label): kind vs \(y.kind.name)") }
    if x.inputs != y.inputs { note("\(label): inputs \(x.inputs) vs \(y.inputs)") }
    if x.outputs != y.outputs { note("\(label): outputs \(x.outputs) vs \(y.outputs)") }
    if !sameOptions(x.options, y.options) { note("\(label): options \(x.options) vs \(y.options)") }
  }
  if a.inputs != b.inputs { note("graph inputs \(a.inputs) vs \(b.inputs)") }
  if a.outputs != b.outputs { note("graph outputs \(a.outputs) vs \(b.outputs)") }
  return found
}

/// Options equality in which a NaN softmax beta equals itself: the file
/// carries the bits, and the bits must survive.
private func sameOptions(_ a: OperatorOptions, _ b: OperatorOptions) -> Bool {
  if case .softmax(let x) = a, case .softmax(let y) = b { return x.bitPattern == y.bitPattern }
  return a == b
}
