/*
 * edgec_fully_connected_s8: int8 FULLY_CONNECTED, bit-exact with TFLM's
 * reference FullyConnected / FullyConnectedPerChannel
 * (tensorflow/lite/kernels/internal/reference/integer_ops/fully_connected.h)
 * with EDGEC_ROUND_DOUBLE, with LiteRT 2.x's reference kernel (which
 * requantizes in double precision) with EDGEC_ROUND_SINGLE, and with
 * EdgeReference's FullyConnectedS8Kernel in both modes. Needs no scratch.
 */
#include <string.h>

#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

/* LiteRT's static_cast<int32_t>(round(double(acc) * scale)), round() being
 * half away from zero. Products beyond +-2^24 saturate every int8 output
 * alike, so they are clamped first; that keeps the conversion defined and
 * needs no libm. The fraction v - trunc(v) of a double is exact. */
static int32_t edgec_fc_round_product(int32_t acc, const int32_t *words) {
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
      const int32_t channel = p->per_channel ? oc : 0;
      int32_t acc = 0;
      for (d = 0; d < p->accum_depth; ++d) {
        acc += ((int32_t)w[d] + p->filter_offset) * ((int32_t)x[d] + p->input_offset);
      }
      if (bias != NULL) acc += bias[oc];
      if (p->rounding == EDGEC_ROUND_SINGLE) {
        acc = edgec_fc_round_product(acc, p->real_scale + 2 * channel);
      } else {
        acc = edgec_multiply_by_quantized_multiplier(acc, p->multiplier[channel], p->shift[channel]);
      }
      acc += p->output_offset;
      *output++ = (int8_t)edgec_clamp(acc, p->act_min, p->act_max);
    }
  }
}
