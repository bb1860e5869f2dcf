import EdgeCore

/// Interim (until the runtime documents the new layout): the words the
/// Cortex-M block path used per call, as bytes.
func cortexMScratchBytes(kernel cFunction: String, filter: Shape, input: Shape) -> Int {
  switch cFunction {
  case "edgec_conv2d_s8", "edgec_conv2d_add_s8":
    guard filter.rank == 4, input.rank == 4 else { return 0 }
    let depth = filter[1] * filter[2] * filter[3]
    let groups = (depth + 3) / 4
    return 4 * (8 * groups + (input[3] % 4 != 0 ? groups : 0) + 9 * filter[0])
  case "edgec_fully_connected_s8" where filter.rank == 2 && filter[1] > 0:
    let groups = (filter[1] + 3) / 4
    let batches = input.elementCount / filter[1]
    return 4 * ((batches >= 3 ? 8 : 2) * groups + 9 * min(filter[0], 32))
  default:
    return 0
  }
}
