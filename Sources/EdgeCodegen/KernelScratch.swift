import EdgeCore

/// The scratch bytes a Cortex-M kernel call needs for its full-speed path —
/// what the compiler asks the memory plan for, out of the arena bytes free at
/// that step. The kernels take any amount (kernels.h): with less they chunk
/// their output channels, and with too little for that (none, at a model's
/// peak) they take their scratch-free path, so asking never grows the arena.
///
/// The formulas are the runtime's, documented in
/// Runtime-C/src/cortex-m/edgec_cm_dsp.h (`edgec_cm_conv_scratch_bytes`,
/// `edgec_cm_fc_scratch_bytes`); G is the filter depth in groups of four:
/// - CONV_2D and CONV_2D + ADD: 4·(8·G + (in_c % 4 ≠ 0 ? G : 0) + 9·out_c)
///   — four widened columns, the gathered receptive field when in_c is not a
///   multiple of four, and per output channel its requantization record,
///   exact-list entry and spare outputs; 0 for grouped convolutions;
/// - FULLY_CONNECTED: 4·((batches ≥ 3 ? 8 : 2)·G + 9·out);
/// - 0 for a depth below 4 and for every other kernel.
///
/// The int4-weight kernels' formulas are in
/// Runtime-C/src/cortex-m/edgec_cm_int4.h (`edgec_cm_int4_conv_scratch_bytes`,
/// `edgec_cm_int4_fc_scratch_bytes`), with G8 the depth in groups of eight:
/// - CONV_2D int4: 24·G8 + 16·out_c — the gathered receptive field (8 bytes
///   a group), its widened column (16), and per channel its sum (4) and
///   requantization record (12); 0 for grouped convolutions;
/// - FULLY_CONNECTED int4: 16·G8 + 4·out — one widened input row and every
///   output's sum.
func cortexMScratchBytes(kernel cFunction: String, filter: Shape, input: Shape) -> Int {
  switch cFunction {
  case "edgec_conv2d_s8", "edgec_conv2d_add_s8":
    guard filter.rank == 4, input.rank == 4 else { return 0 }
    let (outChannels, depth) = (filter[0], filter[1] * filter[2] * filter[3])
    guard filter[3] == input[3], depth >= 4 else { return 0 }
    let groups = (depth + 3) / 4
    return 4 * (8 * groups + (input[3] % 4 != 0 ? groups : 0) + 9 * outChannels)
  case "edgec_fully_connected_s8":
    guard filter.rank == 2, filter[1] >= 4 else { return 0 }
    let (outputs, depth) = (filter[0], filter[1])
    let groups = (depth + 3) / 4
    let batches = input.elementCount / depth
    return 4 * ((batches >= 3 ? 8 : 2) * groups + 9 * outputs)
  case "edgec_conv2d_s8w4":
    guard filter.rank == 4, input.rank == 4, filter[3] == input[3] else { return 0 }
    let (outChannels, depth) = (filter[0], filter[1] * filter[2] * filter[3])
    return 24 * ((depth + 7) / 8) + 16 * outChannels
  case "edgec_fully_connected_s8w4":
    guard filter.rank == 2 else { return 0 }
    let (outputs, depth) = (filter[0], filter[1])
    return 16 * ((depth + 7) / 8) + 4 * outputs
  default:
    return 0
  }
}
