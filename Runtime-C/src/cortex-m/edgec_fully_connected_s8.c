/*
 * edgec_fully_connected_s8 (Cortex-M, DSP extension): int8 FULLY_CONNECTED,
 * bit-exact with the portable kernel in both rounding modes.
 *
 * The input row is widened once to int16 with the input offset added; each
 * weight row then runs through edgec_cm_dot1 (LDM, SXTB16, SMLAD: 21
 * instructions per 16 MACs). Four or more batch rows at a time share each
 * weight load instead, through the convolution's four-column core.
 *
 * LiteRT's single-rounding mode, asymmetric weights (filter_offset != 0) and
 * depths outside [4, EDGEC_CM_FC_MAX_DEPTH] take the portable kernel's loop.
 */
#include <string.h>

#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_cm_gemm.h"

/* The widened input row lives on the stack: 2 bytes per depth element. */
#ifndef EDGEC_CM_FC_MAX_DEPTH
#define EDGEC_CM_FC_MAX_DEPTH 2048
#endif

/* LiteRT's static_cast<int32_t>(round(double(acc) * scale)), as the portable
 * kernel computes it (see there). */
static int32_t edgec_cm_fc_round_product(int32_t acc, const int32_t *words) {
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

static void edgec_cm_fc_plain(const edgec_fully_connected_s8_params *p, const int8_t *input,
                              const int8_t *filter, const int32_t *bias, int8_t *output) {
  int32_t b, oc, d;
  for (b = 0; b < p->batches; ++b) {
    const int8_t *x = input + b * p->accum_depth;
    for (oc = 0; oc < p->output_depth; ++oc) {
      const int8_t *w = filter + oc * p->accum_depth;
      const int32_t channel = p->per_channel ? oc : 0;
      int32_t acc = 0;
      for (d = 0; d < p->accum_depth; ++d) {
        acc += ((int32_t)w[d] + p->filter_offset) * ((int32_t)x[d] + p->input_offset);
      }
      if (bias != NULL) acc = (int32_t)((uint32_t)acc + (uint32_t)bias[oc]);
      if (p->rounding == EDGEC_ROUND_SINGLE) {
        acc = edgec_cm_fc_round_product(acc, p->real_scale + 2 * channel);
      } else {
        acc = edgec_multiply_by_quantized_multiplier(acc, p->multiplier[channel], p->shift[channel]);
      }
      *output++ = (int8_t)edgec_clamp(acc + p->output_offset, p->act_min, p->act_max);
    }
  }
}

/* One batch row against every weight row, in the call's mode. */
static inline __attribute__((always_inline)) void edgec_cm_fc_row(const edgec_cm_gemm *g,
                                                                   const uint32_t *x, int8_t *out,
                                                                   int mode, int full_range) {
  const int8_t *w = g->filter;
  const uint32_t groups = g->dot_groups & 0xFFFFFFu, tail_shift = g->dot_groups >> 24;
  int32_t c;
  for (c = 0; c < g->channels; ++c, w += g->depth) {
    const int32_t ci = g->per_channel ? c : 0;
    const int32_t m = g->multiplier[ci], s = g->shift[ci];
    const int32_t b = g->bias != NULL ? g->bias[c] : 0;
    const int32_t acc = edgec_cm_dot1(w, x, groups, tail_shift);
    int32_t y;
    if (mode == EDGEC_CM_FAST_SHIFT1) {
      const int32_t round = (int32_t)((1u << -s) + ((uint32_t)g->output_offset << (1 - s)));
      y = edgec_cm_requantize((int32_t)(((uint32_t)b << 1) + ((uint32_t)acc << 1)), m, round, 1 - s);
      y = edgec_cm_gemm_clamp(g, y, full_range);
    } else if (mode == EDGEC_CM_FAST) {
      const int32_t ls = s > 0 ? s : 0, e = s > 0 ? 0 : -s;
      const int32_t round = (int32_t)((1u << e) + ((uint32_t)g->output_offset << (e + 1)));
      y = edgec_cm_requantize((int32_t)((uint32_t)(acc + b) << (ls + 1)), m, round, e + 1);
      y = edgec_cm_gemm_clamp(g, y, full_range);
    } else {
      y = edgec_multiply_by_quantized_multiplier((int32_t)((uint32_t)acc + (uint32_t)b), m, s);
      y = edgec_clamp(y + g->output_offset, g->act_min, g->act_max);
    }
    out[c] = (int8_t)y;
  }
}

void edgec_fully_connected_s8(const edgec_fully_connected_s8_params *p, const int8_t *input,
                              const int8_t *filter, const int32_t *bias, int8_t *output) {
  const int32_t depth = p->accum_depth;
  const uint32_t offset_pair = edgec_cm_pair16(p->input_offset);
  uint32_t x[2 * ((EDGEC_CM_FC_MAX_DEPTH + 3) / 4) * 4];
  edgec_cm_gemm g;
  int32_t b = 0, slot;
  if (p->rounding != EDGEC_ROUND_DOUBLE || p->filter_offset != 0 || depth < 4 ||
      depth > EDGEC_CM_FC_MAX_DEPTH || p->input_offset < -127 || p->input_offset > 128) {
    edgec_cm_fc_plain(p, input, filter, bias, output);
    return;
  }
  g.filter = filter;
  g.bias = bias;
  g.multiplier = p->multiplier;
  g.shift = p->shift;
  g.per_channel = p->per_channel;
  g.depth = depth;
  g.channels = p->output_depth;
  g.output_offset = p->output_offset;
  g.act_min = p->act_min;
  g.act_max = p->act_max;
  edgec_cm_gemm_prepare(&g);
  /* Blocks of four batch rows while three or more are left (the four-column
   * core costs four rows' work however many it stores). */
  if (depth <= EDGEC_CM_MAX_DEPTH) {
    for (; p->batches - b >= 3; b += 4) {
      const int32_t count = p->batches - b < 4 ? p->batches - b : 4;
      for (slot = 0; slot < 4; ++slot) {
        const int8_t *row = input + (b + (slot < count ? slot : 0)) * depth;
        uint32_t *dst = edgec_cm_widen(row, depth & ~3, x + 2 * slot, 8, offset_pair);
        if ((depth & 3) != 0) edgec_cm_widen_tail(row + (depth & ~3), depth & 3, dst, offset_pair);
      }
      edgec_cm_gemm_columns(&g, x, output + b * g.channels, count);
    }
  }
  for (; b < p->batches; ++b) {
    const int8_t *row = input + b * depth;
    uint32_t *dst = edgec_cm_widen(row, depth & ~3, x, 2, offset_pair);
    int8_t *out = output + b * g.channels;
    if ((depth & 3) != 0) edgec_cm_widen_tail(row + (depth & ~3), depth & 3, dst, offset_pair);
    if (g.mode == EDGEC_CM_FAST_SHIFT1 && g.full_range) {
      edgec_cm_fc_row(&g, x, out, EDGEC_CM_FAST_SHIFT1, 1);
    } else if (g.mode == EDGEC_CM_FAST_SHIFT1) {
      edgec_cm_fc_row(&g, x, out, EDGEC_CM_FAST_SHIFT1, 0);
    } else if (g.mode == EDGEC_CM_FAST) {
      edgec_cm_fc_row(&g, x, out, EDGEC_CM_FAST, 0);
    } else {
      edgec_cm_fc_row(&g, x, out, EDGEC_CM_EXACT, 0);
    }
  }
}
