/*
 * edgec runtime: the output stage of an int8 FULLY_CONNECTED element, in one
 * place — bias, then requantization in the params' rounding mode, output
 * offset, clamp. edgec_fully_connected_s8 (portable and the Cortex-M
 * kernel's plain path) and edgec_fully_connected_s8w4 share it, so the
 * rounding modes cannot drift apart.
 *
 * EDGEC_ROUND_SINGLE is LiteRT's static_cast<int32_t>(round(double(acc) *
 * scale)), round() being half away from zero. Products beyond +-2^24
 * saturate every int8 output alike, so they are clamped first; that keeps the
 * conversion defined and needs no libm. The fraction v - trunc(v) of a double
 * is exact.
 */
#ifndef EDGEC_FC_OUTPUT_H
#define EDGEC_FC_OUTPUT_H

#include <stdint.h>
#include <string.h>

#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

static inline int32_t edgec_fc_round_product(int32_t acc, const int32_t *words) {
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

/* Output channel oc's int8 value from its int32 accumulator. */
static inline int8_t edgec_fc_output(const edgec_fully_connected_s8_params *p, int32_t acc, int32_t oc,
                                     const int32_t *bias) {
  const int32_t channel = p->per_channel ? oc : 0;
  if (bias != NULL) acc = (int32_t)((uint32_t)acc + (uint32_t)bias[oc]);
  if (p->rounding == EDGEC_ROUND_SINGLE) {
    acc = edgec_fc_round_product(acc, p->real_scale + 2 * channel);
  } else {
    acc = edgec_multiply_by_quantized_multiplier(acc, p->multiplier[channel], p->shift[channel]);
  }
  return (int8_t)edgec_clamp(acc + p->output_offset, p->act_min, p->act_max);
}

#endif /* EDGEC_FC_OUTPUT_H */
