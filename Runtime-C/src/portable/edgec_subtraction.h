/*
 * edgec runtime (internal): the element arithmetic of int8 SUB and
 * SQUARED_DIFFERENCE (edgec_sub_s8.c, edgec_squared_difference_s8.c).
 *
 * TFLM's ADD-style rescaling, with gemmlowp's rounding doubling high multiply
 * written without a 64-bit division: (ab + nudge) / 2^31 truncates toward
 * zero, which for a negative dividend is the negated shift of its magnitude.
 * fixedpoint.h's version divides, which on Cortex-M is a call to
 * __aeabi_ldivmod per multiply; without it the ViT's [1,17,64] int8
 * SQUARED_DIFFERENCE takes 344 instead of 420 instructions an element on
 * QEMU mps2-an500. The results are identical (checked against fixedpoint.h's
 * on 5e7 random and all edge operand pairs).
 */
#ifndef EDGEC_SUBTRACTION_H
#define EDGEC_SUBTRACTION_H

#include <stdint.h>

#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

static inline int32_t edgec_sub_srdhm(int32_t a, int32_t b) {
  int64_t t;
  if (a == b && a == INT32_MIN) return INT32_MAX;
  t = (int64_t)a * (int64_t)b;
  t += t >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
  return t >= 0 ? (int32_t)(t >> 31) : -(int32_t)((-t) >> 31);
}

/* MultiplyByQuantizedMultiplierSmallerThanOneExp (shift <= 0). */
static inline int32_t edgec_sub_rescale(int32_t x, int32_t multiplier, int32_t shift) {
  return edgec_rounding_divide_by_pot(edgec_sub_srdhm(x, multiplier), -shift);
}

/* MultiplyByQuantizedMultiplier (either sign of shift). */
static inline int32_t edgec_sub_requantize(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  return edgec_rounding_divide_by_pot(edgec_sub_srdhm(edgec_shift_left(x, left), multiplier), right);
}

/* The difference of two int8 values on the common scale. */
static inline int32_t edgec_sub_difference(const edgec_add_s8_params *p, int32_t a, int32_t b) {
  const int32_t x = edgec_shift_left(p->input1_offset + a, p->left_shift);
  const int32_t y = edgec_shift_left(p->input2_offset + b, p->left_shift);
  return edgec_sub_rescale(x, p->input1_multiplier, p->input1_shift) -
         edgec_sub_rescale(y, p->input2_multiplier, p->input2_shift);
}

#endif /* EDGEC_SUBTRACTION_H */
