import EdgeCodegen
import EdgeCore
import EdgeTargets

/// One output of the firmware next to the host simulator's: bit for bit.
struct HostComparison {
  var output: Int
  var name: String
  var values: Int
  var mismatches: Int

  init(output: Int, name: String, got: TensorValue, expected: TensorValue) {
    self.output = output
    self.name = name
    values = expected.elementCount
    let width = expected.type.byteSize
    if got.bytes.count != expected.bytes.count {
      mismatches = values
    } else {
      mismatches = (0..<values).filter {
        got.bytes[($0 * width)..<(($0 + 1) * width)] != expected.bytes[($0 * width)..<(($0 + 1) * width)]
      }.count
    }
  }
}

/// What `edgec run` prints: a few lines for people, or JSON for machines.
struct RunReport {
  var model: String
  var target: Target
  var result: TargetRun
  var records: Int
  var comparison: [HostComparison]?

  var matched: Bool? { comparison.map { $0.allSatisfy { $0.mismatches == 0 } } }

  var json: JSON {
    var fields: [(String, JSON)] = [
      ("model", .string(model)),
      ("target", .string(target.name)),
      ("machine", .string(target.qemu?.machine ?? "")),
      ("instructions_per_inference", .int(Int(result.instructionsPerInference))),
      ("instructions", .array(result.instructions.map { .int(Int($0)) })),
      ("exact", .bool(result.exact)),
      ("counting", .string("qemu -icount shift=0; the board timer read as a vernier, exact to the instruction")),
      ("flash_bytes", .int(result.image.flashBytes)),
      ("ram_bytes", .int(result.image.ramBytes)),
      ("text_bytes", .int(result.image.text)),
      ("data_bytes", .int(result.image.data)),
      ("bss_bytes", .int(result.image.bss)),
      ("arena_bytes", .int(result.compilation.report.arenaBytes)),
      ("state_bytes", .int(result.compilation.report.stateBytes)),
      ("macs", .int(result.compilation.report.macs)),
      ("inputs", .int(records)),
    ]
    if let placement = result.compilation.report.placement { fields.append(("placement", placement.json)) }
    if let matched, let comparison {
      fields.append(("matched", .bool(matched)))
      fields.append(("mismatches", .array(comparison.map { .int($0.mismatches) })))
    }
    if !result.profile.isEmpty {
      let graph = result.compilation.graph
      fields.append(("per_layer", .array(result.profile.map { entry in
        .object([
          ("op", .int(entry.op)),
          ("operator", .string(graph.operators.indices.contains(entry.op) ? graph.operators[entry.op].label : "?")),
          ("instructions", .int(Int(entry.instructions))),
        ])
      })))
    }
    return .object(fields)
  }

  func printText() {
    let n = result.instructionsPerInference
    let macs = result.compilation.report.macs
    print("ran \(model) on \(target.name) (QEMU \(target.qemu?.machine ?? "?"), -icount shift=0): \(records) input\(records == 1 ? "" : "s")")
    print("  instructions per inference \(grouped(Int(n)))\(result.exact ? " (exact)" : " (to a timer tick: the clock was not exact)")"
      + (macs > 0 ? String(format: ", %.2f per MAC", Double(n) / Double(macs)) : ""))
    if Set(result.instructions).count > 1 {
      print("  per input: \(result.instructions.map { grouped(Int($0)) }.joined(separator: ", "))")
    }
    let state = result.compilation.report.stateBytes
    print("  flash \(grouped(result.image.flashBytes)) bytes, RAM \(grouped(result.image.ramBytes)) bytes (arena \(grouped(result.compilation.report.arenaBytes))\(state > 0 ? ", state \(grouped(state))" : ""))")
    if let p = result.compilation.report.placement {
      print("  arena in \(p.arena.span.name), stack in \(p.stack.span.name), weights in \(p.weights.span.name)")
    }
    if !result.profile.isEmpty {
      let graph = result.compilation.graph
      print("\n  op  operator              instructions   share")
      for entry in result.profile {
        let name = graph.operators.indices.contains(entry.op) ? graph.operators[entry.op].label : "?"
        let share = n > 0 ? String(format: "%6.1f%%", 100 * Double(entry.instructions) / Double(n)) : ""
        print("  " + String(entry.op).padding(4) + name.padding(22) + grouped(Int(entry.instructions)).padding(15) + share)
      }
    }
    if let comparison {
      for c in comparison {
        print("output \(c.output) '\(c.name)': \(c.values) values, \(c.mismatches) differ from the host simulator")
      }
    }
  }
}
