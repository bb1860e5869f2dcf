import EdgeCore

/// Where each variable of a stateful model lives in `<model>_state`, the
/// static buffer beside the arena that keeps state between invokes. The
/// arena planner never sees variables (EdgePlan's lifetimes skip them), so
/// nothing else ever reuses these bytes; peak SRAM is arena plus state.
struct StateLayout: Hashable {
  /// Byte offset of each variable's tensor, in `Graph.variables` order.
  let offsets: [TensorID: Int]
  /// Bytes of the buffer (0 for a stateless model).
  let bytes: Int

  /// Variables one after another, each at a 16-byte boundary like the
  /// arena's tensors (kernels may load words).
  init(_ graph: Graph, alignment: Int = 16) {
    var offsets: [TensorID: Int] = [:]
    var end = 0
    for variable in graph.variables {
      let start = (end + alignment - 1) / alignment * alignment
      offsets[variable.tensor] = start
      end = start + graph.tensors[variable.tensor].byteSize
    }
    self.offsets = offsets
    self.bytes = (end + alignment - 1) / alignment * alignment
  }
}
