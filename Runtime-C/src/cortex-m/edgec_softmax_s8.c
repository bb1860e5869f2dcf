/*
 * edgec_softmax_s8 (Cortex-M, DSP): int8 SOFTMAX over the last axis,
 * bit-exact with src/portable/edgec_softmax_s8.c (TFLM's gemmlowp path).
 *
 * The exponential is the costly part (a Taylor polynomial and up to seven
 * barrel-shifter multiplies in gemmlowp fixed point), and it depends only on
 * the difference d = x - max, an integer in [-255, 0], through call-constant
 * parameters. So a call with enough elements computes exp once per possible
 * difference into a 256-word table (stopping at diff_min: smaller
 * differences count as 0 and are never looked up) with the very same
 * edgec_gemmlowp.h functions, and every element, in both passes, is a table
 * read: the values are identical by construction. A small call computes each
 * exp directly, as the portable kernel does. The row maximum is taken four
 * bytes at a time with SSUB8/SEL; the sum, the reciprocal and the final
 * rounding are TFLM's operations unchanged.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_dsp_simd.h"
#include "edgec_gemmlowp.h"

enum { SOFTMAX_DIFF_BITS = 5, SOFTMAX_ACCUM_BITS = 12 };

/* exp(diff) in Q0.31 for diff >= diff_min (the caller checks). */
static int32_t softmax_exp(const edgec_softmax_s8_params *p, int32_t diff) {
  return edgec_gl_exp_on_negative_values(
      edgec_sat_rounding_doubling_high_mul(edgec_shift_left(diff, p->input_left_shift),
                                           p->input_multiplier),
      SOFTMAX_DIFF_BITS);
}

static int32_t row_max(const int8_t *x, int32_t depth) {
  uint32_t m = 0x80808080u;
  int32_t c, max, k;
  for (c = 0; c + 4 <= depth; c += 4) m = edgec_dsp_max4(m, edgec_dsp_load32(x + c));
  max = -128;
  for (k = 0; k < 32; k += 8) {
    const int32_t lane = (int8_t)((m >> k) & 0xFFu);
    if (lane > max) max = lane;
  }
  for (; c < depth; ++c) {
    if (x[c] > max) max = x[c];
  }
  return max;
}

void edgec_softmax_s8(const edgec_softmax_s8_params *p, const int8_t *input, int8_t *output) {
  /* exps[k] = exp(-k) for -k >= diff_min, k < table_size: the whole call's
   * exps when the table pays (two reads per element against table_size exps);
   * otherwise, per row, exps[c] = exp(x[c] - max) or -1 below diff_min, so
   * that the second pass reuses the first's (at most 128 elements then). */
  int32_t exps[256];
  const int32_t table_size =
      p->diff_min > 0 ? 0 : (p->diff_min < -255 ? 256 : 1 - p->diff_min);
  const int use_table = 2 * p->outer * p->depth > table_size;
  int32_t row, c, k;
  if (use_table) {
    for (k = 0; k < table_size; ++k) exps[k] = softmax_exp(p, -k);
  }
  for (row = 0; row < p->outer; ++row) {
    const int8_t *x = input + row * p->depth;
    int8_t *y = output + row * p->depth;
    const int32_t max_in_row = row_max(x, p->depth);
    int32_t sum_of_exps = 0, bits_over_unit, scale, exponent;
    for (c = 0; c < p->depth; ++c) {
      const int32_t diff = x[c] - max_in_row;
      int32_t e = -1;
      if (diff >= p->diff_min) {
        e = use_table ? exps[-diff] : softmax_exp(p, diff);
        sum_of_exps = edgec_gl_add(sum_of_exps, edgec_gl_rescale(e, 0, SOFTMAX_ACCUM_BITS));
      }
      if (!use_table) exps[c] = e;
    }
    scale = edgec_gl_reciprocal(sum_of_exps, SOFTMAX_ACCUM_BITS, &bits_over_unit);
    exponent = bits_over_unit + 31 - 8;
    for (c = 0; c < p->depth; ++c) {
      const int32_t diff = x[c] - max_in_row;
      const int32_t e = use_table ? (diff >= p->diff_min ? exps[-diff] : -1) : exps[c];
      if (e >= 0) {
        /* As the portable kernel: 0 where TFLM aborts (exps summing to 256 or more). */
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
