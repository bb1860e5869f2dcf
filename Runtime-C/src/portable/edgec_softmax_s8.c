/*
 * edgec_softmax_s8: int8 SOFTMAX over the last axis, bit-exact with TFLM's
 * reference_ops::Softmax (int8 in, int8 out, zero point -128) and
 * EdgeReference's SoftmaxS8Kernel. Per row: differences to the maximum are
 * scaled to Q5.26, exponentiated in fixed point and summed in Q12.19; each
 * exp is multiplied by the reciprocal of the sum and rounded to 1/256 steps.
 * Differences below diff_min contribute nothing and give -128.
 */
#include "edgec/kernels.h"
#include "edgec_gemmlowp.h"

enum { EDGEC_SOFTMAX_DIFF_BITS = 5, EDGEC_SOFTMAX_ACCUM_BITS = 12 };

/* exp(input[c] - max) in Q0.31; returns 0 when the difference is below diff_min. */
static int edgec_softmax_exp(const edgec_softmax_s8_params *p, int32_t diff, int32_t *e) {
  if (diff < p->diff_min) return 0;
  *e = edgec_gl_exp_on_negative_values(
      edgec_sat_rounding_doubling_high_mul(edgec_shift_left(diff, p->input_left_shift),
                                           p->input_multiplier),
      EDGEC_SOFTMAX_DIFF_BITS);
  return 1;
}

void edgec_softmax_s8(const edgec_softmax_s8_params *p, const int8_t *input, int8_t *output) {
  int32_t row, c;
  for (row = 0; row < p->outer; ++row) {
    const int8_t *x = input + row * p->depth;
    int8_t *y = output + row * p->depth;
    int32_t max_in_row = -128, sum_of_exps = 0, bits_over_unit, scale, exponent, e;
    for (c = 0; c < p->depth; ++c) {
      if (x[c] > max_in_row) max_in_row = x[c];
    }
    for (c = 0; c < p->depth; ++c) {
      if (edgec_softmax_exp(p, x[c] - max_in_row, &e)) {
        sum_of_exps = edgec_gl_add(sum_of_exps, edgec_gl_rescale(e, 0, EDGEC_SOFTMAX_ACCUM_BITS));
      }
    }
    scale = edgec_gl_reciprocal(sum_of_exps, EDGEC_SOFTMAX_ACCUM_BITS, &bits_over_unit);
    exponent = bits_over_unit + 31 - 8;
    for (c = 0; c < p->depth; ++c) {
      if (edgec_softmax_exp(p, x[c] - max_in_row, &e)) {
        /* TFLM aborts when exponent > 31 (exps summing to 256 or more); the
         * quotient is then below half a step, so edgec writes 0. */
        const int32_t unsaturated =
            exponent > 31
                ? 0
                : edgec_rounding_divide_by_pot(edgec_sat_rounding_doubling_high_mul(scale, e),
                                               exponent);
        y[c] = (int8_t)edgec_clamp(unsaturated + p->output_offset, -128, 127);
      } else {
        y[c] = -128;
      }
    }
  }
}
