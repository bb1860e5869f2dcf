/*
 * edgec runtime: TFLM's int8 ADD of one element pair, in one place.
 *
 * edgec_add_s8 (every flavour) and edgec_conv2d_add_s8 (a residual ADD fused
 * into the convolution that produces one of its operands) both compute their
 * elements with edgec_residual_add_s8, so the fused kernel cannot drift from
 * the ADD it replaces. The arithmetic is reference_integer_ops::Add's: each
 * input is offset, shifted left by left_shift (20) and rescaled to twice the
 * larger input scale; the sum is rescaled to the output, offset and clamped.
 */
#ifndef EDGEC_RESIDUAL_H
#define EDGEC_RESIDUAL_H

#include <stdint.h>

#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ADD(conv, skip) for int8 values conv (input1) and skip (input2). */
static inline int8_t edgec_residual_add_s8(const edgec_residual_s8 *a, int32_t conv,
                                           int32_t skip) {
  const int32_t x = edgec_shift_left(a->conv_offset + conv, a->left_shift);
  const int32_t y = edgec_shift_left(a->skip_offset + skip, a->left_shift);
  const int32_t sum =
      edgec_multiply_by_quantized_multiplier_smaller_than_one(x, a->conv_multiplier,
                                                              a->conv_shift) +
      edgec_multiply_by_quantized_multiplier_smaller_than_one(y, a->skip_multiplier,
                                                              a->skip_shift);
  const int32_t raw = edgec_multiply_by_quantized_multiplier_smaller_than_one(
                          sum, a->output_multiplier, a->output_shift) +
                      a->output_offset;
  return (int8_t)edgec_clamp(raw, a->act_min, a->act_max);
}

/* An ADD's parameters as the element function takes them (input1 -> conv,
 * input2 -> skip; the broadcast is the caller's business). */
static inline edgec_residual_s8 edgec_residual_of_add(const edgec_add_s8_params *p) {
  edgec_residual_s8 a;
  a.conv_offset = p->input1_offset;
  a.skip_offset = p->input2_offset;
  a.output_offset = p->output_offset;
  a.left_shift = p->left_shift;
  a.conv_multiplier = p->input1_multiplier;
  a.conv_shift = p->input1_shift;
  a.skip_multiplier = p->input2_multiplier;
  a.skip_shift = p->input2_shift;
  a.output_multiplier = p->output_multiplier;
  a.output_shift = p->output_shift;
  a.act_min = p->act_min;
  a.act_max = p->act_max;
  return a;
}

#ifdef __cplusplus
}
#endif

#endif /* EDGEC_RESIDUAL_H */
