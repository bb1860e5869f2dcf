/*
 * edgec_fully_connected_s8w4: int8 FULLY_CONNECTED with packed int4 weights
 * (edgec_int4.h), bit-exact with edgec_fully_connected_s8 on the unpacked
 * weights in both rounding modes, hence with TFLM, which unpacks INT4
 * weights in Prepare and runs its int8 FullyConnected. The filter is the
 * packed [output_depth, accum_depth] tensor. Needs no scratch.
 */
#include <string.h>

#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_int4.h"

/* EDGEC_ROUND_SINGLE: edgec_fully_connected_s8's rounding of
 * double(acc) * scale, half away from zero, clamped to +-2^24 first. */
static int32_t edgec_fc_w4_round_product(int32_t acc, const int32_t *words) {
  const double limit = 16777216.0;
  uint64_t bits = ((uint64_t)(uint32_t)words[1] << 32) | (uint64_t)(uint32_t)words[0];
  double scale, v, fraction;
  int32_t t;
  memcpy(&scale, &bits, sizeof scale);
  v = (double)acc * scale;
  if (v > limit) v = limit;
  if (v < -limit) v = -limit;
  t = (int32_t)v;
  fraction = v - (double)t;
  if (fraction >= 0.5) t += 1;
  if (fraction <= -0.5) t -= 1;
  return t;
}

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
      const int32_t channel = p->per_channel ? oc : 0;
      int32_t acc = 0;
      for (d = 0; d < p->accum_depth; ++d) {
        acc += (edgec_int4_at(filter, row + d) + p->filter_offset) * ((int32_t)x[d] + p->input_offset);
      }
      if (bias != NULL) acc += bias[oc];
      if (p->rounding == EDGEC_ROUND_SINGLE) {
        acc = edgec_fc_w4_round_product(acc, p->real_scale + 2 * channel);
      } else {
        acc = edgec_multiply_by_quantized_multiplier(acc, p->multiplier[channel], p->shift[channel]);
      }
      acc += p->output_offset;
      *output++ = (int8_t)edgec_clamp(acc, p->act_min, p->act_max);
    }
  }
}
