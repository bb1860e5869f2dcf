import EdgeCore
import Testing

@testable import EdgeCodegen

/// The Swift mirror of the Cortex-M scratch formulas
/// (Runtime-C/src/cortex-m/edgec_cm_dsp.h) on the MLPerf Tiny layers; the
/// C formulas themselves are checked by the kernel tests under QEMU, which
/// run every case with exactly that scratch.
@Suite struct KernelScratchTests {
  @Test func convolutionsAskForColumnsAndChannelRecords() {
    // ResNet-8 3x3x16 -> 16: G = 36, 4 · (8 · 36 + 9 · 16).
    #expect(cortexMScratchBytes(kernel: "edgec_conv2d_s8", filter: Shape([16, 3, 3, 16]), input: Shape([1, 32, 32, 16])) == 1728)
    #expect(cortexMScratchBytes(kernel: "edgec_conv2d_add_s8", filter: Shape([16, 3, 3, 16]), input: Shape([1, 32, 32, 16])) == 1728)
    // VWW's first layer: 27 deep, G = 7, the gathered field for in_c = 3.
    #expect(cortexMScratchBytes(kernel: "edgec_conv2d_s8", filter: Shape([8, 3, 3, 3]), input: Shape([1, 96, 96, 3])) == 4 * (56 + 7 + 72))
    // VWW pointwise 256 -> 256.
    #expect(cortexMScratchBytes(kernel: "edgec_conv2d_s8", filter: Shape([256, 1, 1, 256]), input: Shape([1, 3, 3, 256])) == 11264)
  }

  @Test func layersThatTakeNoScratchAskForNone() {
    // Grouped (filter shallower than the input) and depth below four.
    #expect(cortexMScratchBytes(kernel: "edgec_conv2d_s8", filter: Shape([8, 3, 3, 2]), input: Shape([1, 8, 8, 4])) == 0)
    #expect(cortexMScratchBytes(kernel: "edgec_conv2d_s8", filter: Shape([8, 1, 1, 3]), input: Shape([1, 8, 8, 3])) == 0)
    #expect(cortexMScratchBytes(kernel: "edgec_fully_connected_s8", filter: Shape([10, 3]), input: Shape([1, 3])) == 0)
    #expect(cortexMScratchBytes(kernel: "edgec_depthwise_conv2d_s8", filter: Shape([1, 3, 3, 8]), input: Shape([1, 8, 8, 8])) == 0)
  }

  @Test func fullyConnectedWidensFourRowsFromThreeBatches() {
    // AD01 640 -> 128, one row: 4 · (2 · 160 + 9 · 128).
    #expect(cortexMScratchBytes(kernel: "edgec_fully_connected_s8", filter: Shape([128, 640]), input: Shape([1, 640])) == 5888)
    // 16 rows of 128 -> 64: 4 · (8 · 32 + 9 · 64).
    #expect(cortexMScratchBytes(kernel: "edgec_fully_connected_s8", filter: Shape([64, 128]), input: Shape([16, 128])) == 3328)
  }

  @Test func int4KernelsAskForTheirWidenedRunAndSums() {
    // ResNet-8 3x3x16 -> 16 with int4 weights: G8 = 18, 24 · 18 + 16 · 16.
    #expect(cortexMScratchBytes(kernel: "edgec_conv2d_s8w4", filter: Shape([16, 3, 3, 16]), input: Shape([1, 32, 32, 16])) == 688)
    // VWW's first layer, 27 deep: G8 = 4, 24 · 4 + 16 · 8.
    #expect(cortexMScratchBytes(kernel: "edgec_conv2d_s8w4", filter: Shape([8, 3, 3, 3]), input: Shape([1, 96, 96, 3])) == 224)
    // Grouped: none.
    #expect(cortexMScratchBytes(kernel: "edgec_conv2d_s8w4", filter: Shape([8, 3, 3, 2]), input: Shape([1, 8, 8, 4])) == 0)
    // AD01 640 -> 128: 16 · 80 + 4 · 128; a depth of 3 still takes one group.
    #expect(cortexMScratchBytes(kernel: "edgec_fully_connected_s8w4", filter: Shape([128, 640]), input: Shape([1, 640])) == 1792)
    #expect(cortexMScratchBytes(kernel: "edgec_fully_connected_s8w4", filter: Shape([10, 3]), input: Shape([1, 3])) == 56)
    // The depthwise kernel takes no scratch.
    #expect(cortexMScratchBytes(kernel: "edgec_depthwise_conv2d_s8w4", filter: Shape([1, 3, 3, 8]), input: Shape([1, 8, 8, 8])) == 0)
  }
}
