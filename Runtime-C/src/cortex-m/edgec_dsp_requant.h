/*
 * edgec runtime (internal, Cortex-M): TFLM's requantization in three to five
 * DSP instructions, for the cortex-m kernels.
 *
 * TFLM's MultiplyByQuantizedMultiplier(acc, m, shift) is
 *   h = SaturatingRoundingDoublingHighMul(acc << ls, m)   (ls = max(shift, 0))
 *   y = RoundingDivideByPOT(h, e)                          (e = max(-shift, 0))
 * With x = acc << (ls + 1) not overflowing, h = SMMULR(x, m) exactly:
 * TFLM's nudge-and-truncate is floor((acc·2^ls·m + 2^30) / 2^31) for either
 * sign, which is SMMULR's floor((x·m + 2^31) / 2^32). And
 *   RoundingDivideByPOT(h, e) + offset = (2h + 2^e + offset·2^(e+1) - [h < 0]) >> (e + 1)
 * for every e >= 0 (the doubled form also covers e = 0, where h - [h < 0]
 * would be wrong; adding a multiple of 2^(e+1) before the shift adds the
 * offset exactly). edgec_dsp_requant_prepare checks, from a bound on |acc|,
 * that nothing in this chain overflows; the kernels fall back to the exact
 * scalar code of fixedpoint.h when it says no, which no real model's
 * parameters reach.
 */
#ifndef EDGEC_DSP_REQUANT_H
#define EDGEC_DSP_REQUANT_H

#include <stdint.h>

#include "edgec_dsp_simd.h"

/* One output channel's requantization: y = ssat8((2h + round - [h < 0]) >> shift),
 * h = SMMULR(acc · 2^pre_shift, multiplier). */
typedef struct {
  int32_t multiplier;
  int32_t round;     /* 2^e + output_offset · 2^(e+1) */
  int32_t shift;     /* e + 1, in 1..31 */
  int32_t pre_shift; /* ls + 1: the caller scales acc (or its terms) by 2^pre_shift */
} edgec_dsp_requant;

/* Fills *q for TFLM's (multiplier, shift) and output_offset, given that
 * |acc| <= max_abs_acc. Returns 0 when the fast form could overflow (the
 * caller must then use edgec_multiply_by_quantized_multiplier). 32-bit
 * arithmetic only: a variable 64-bit shift is a library call on Cortex-M. */
static inline int edgec_dsp_requant_prepare(int32_t multiplier, int32_t shift, int32_t output_offset,
                                            uint32_t max_abs_acc, edgec_dsp_requant *q) {
  const int32_t ls = shift > 0 ? shift : 0;
  const int32_t e = shift > 0 ? 0 : -shift;
  uint32_t x, round_abs;
  int32_t round;
  if (ls > 29 || e > 22 || output_offset < -128 || output_offset > 127) return 0;
  if (max_abs_acc > (0x7FFFFFFFu >> (ls + 1))) return 0;
  x = max_abs_acc << (ls + 1);
  round = (1 + 2 * output_offset) * (int32_t)(1u << e); /* |round| < 2^30 */
  round_abs = round < 0 ? 0u - (uint32_t)round : (uint32_t)round;
  /* |h| <= x / 2 + 1, so |2h + round - 1| <= x + 3 + |round|. */
  if (x + 3u + round_abs > 0x7FFFFFFFu) return 0;
  q->multiplier = multiplier;
  q->round = round;
  q->shift = e + 1;
  q->pre_shift = ls + 1;
  return 1;
}

/* The rescaled value of a pre-scaled accumulator, before saturation. */
EDGEC_DSP_INLINE int32_t edgec_dsp_rescale(int32_t scaled_acc, int32_t multiplier, int32_t round,
                                        int32_t shift) {
  const int32_t h = edgec_dsp_smmulr(scaled_acc, multiplier);
  const int32_t s = (int32_t)(((uint32_t)h << 1) + (uint32_t)round) + (h >> 31);
  return s >> shift;
}

/* The requantized int8 value (sign-extended) of a pre-scaled accumulator. */
EDGEC_DSP_INLINE int32_t edgec_dsp_requantize(int32_t scaled_acc, int32_t multiplier, int32_t round,
                                           int32_t shift) {
  return edgec_dsp_ssat8(edgec_dsp_rescale(scaled_acc, multiplier, round, shift));
}

#endif /* EDGEC_DSP_REQUANT_H */
