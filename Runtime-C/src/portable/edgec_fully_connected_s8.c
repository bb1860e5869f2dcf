/*
 * edgec_fully_connected_s8: int8 FULLY_CONNECTED, bit-exact with TFLM's
 * reference FullyConnected / FullyConnectedPerChannel
 * (tensorflow/lite/kernels/internal/reference/integer_ops/fully_connected.h)
 * with EDGEC_ROUND_DOUBLE, with LiteRT 2.x's reference kernel (which
 * requantizes in double precision) with EDGEC_ROUND_SINGLE, and with
 * EdgeReference's FullyConnectedS8Kernel in both modes. Needs no scratch.
 */
#include "edgec/fixedpoint.h"
#include "edgec/fc_output.h"
#include "edgec/kernels.h"

void edgec_fully_connected_s8(const edgec_fully_connected_s8_params *p, const int8_t *input,
                              const int8_t *filter, const int32_t *bias, int8_t *output,
                              void *scratch, int32_t scratch_bytes) {
  int32_t b, oc, d;
  (void)scratch; /* needs none */
  (void)scratch_bytes;
  for (b = 0; b < p->batches; ++b) {
    const int8_t *x = input + b * p->accum_depth;
    for (oc = 0; oc < p->output_depth; ++oc) {
      const int8_t *w = filter + oc * p->accum_depth;
      int32_t acc = 0;
      for (d = 0; d < p->accum_depth; ++d) {
        acc += ((int32_t)w[d] + p->filter_offset) * ((int32_t)x[d] + p->input_offset);
      }
      *output++ = edgec_fc_output(p, acc, oc, bias);
    }
  }
}
