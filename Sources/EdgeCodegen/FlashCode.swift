import EdgeCore
import EdgeTargets

/// The kernels with an int4-weight twin, and the twin's symbol.
let int4Twins = [
  "edgec_conv2d_s8": "edgec_conv2d_s8w4", "edgec_depthwise_conv2d_s8": "edgec_depthwise_conv2d_s8w4",
  "edgec_fully_connected_s8": "edgec_fully_connected_s8w4",
]

/// The flash a quantized `graph` leaves for weights on `target`: its flash
/// minus the code `compile` would measure (kernels and glue), minus the
/// int4-weight twins of its weight kernels, which a flash-budget search
/// may bring in — the default `--flash-budget`. Returns the code bytes too.
public func weightFlashAvailable(for graph: Graph, target: Target, options: CompileOptions) throws
  -> (budget: Int, code: Int)
{
  var unchecked = options
  unchecked.checkFit = false
  let report = try compile(graph, for: target, options: unchecked).report
  let twins = report.kernels.compactMap { int4Twins[$0] }.filter { !report.kernels.contains($0) }
  var twinBytes = 0
  if !twins.isEmpty {
    let files = try RuntimeSources().files(for: twins, flavour: target.kernels)
    let sources = files.filter { $0.0.hasSuffix(".c") }
    let measured =
      options.measureCode
      ? try measureCodeSize(sources, headers: files.filter { $0.0.hasSuffix(".h") }, target: target) : nil
    twinBytes = measured?.bytes ?? estimatedCodeBytes(functions: twins)
  }
  let code = report.code.bytes + twinBytes
  return (target.flashBytes - code, code)
}
