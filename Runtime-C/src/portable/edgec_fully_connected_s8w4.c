/*
 * edgec_fully_connected_s8w4: int8 FULLY_CONNECTED with packed int4 weights
 * (edgec_int4.h), bit-exact with edgec_fully_connected_s8 on the unpacked
 * weights in both rounding modes, hence with TFLM, which unpacks INT4
 * weights in Prepare and runs its int8 FullyConnected. The filter is the
 * packed [output_depth, accum_depth] tensor. Needs no scratch.
 */
#include "edgec/fixedpoint.h"
#include "edgec/fc_output.h"
#include "edgec/kernels.h"
#include "edgec_int4.h"

void edgec_fully_connected_s8w4(const edgec_fully_connected_s8_params *p, const int8_t *input,
                                const int8_t *filter, const int32_t *bias, int8_t *output,
                                void *scratch, int32_t scratch_bytes) {
  int32_t b, oc, d;
  (void)scratch; /* needs none */
  (void)scratch_bytes;
  for (b = 0; b < p->batches; ++b) {
    const int8_t *x = input + b * p->accum_depth;
    for (oc = 0; oc < p->output_depth; ++oc) {
      const int32_t row = oc * p->accum_depth; /* element index into the packed filter */
      int32_t acc = 0;
      for (d = 0; d < p->accum_depth; ++d) {
        acc += (edgec_int4_at(filter, row + d) + p->filter_offset) * ((int32_t)x[d] + p->input_offset);
      }
      *output++ = edgec_fc_output(p, acc, oc, bias);
    }
  }
}
