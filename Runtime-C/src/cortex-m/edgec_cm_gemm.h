/*
 * edgec runtime (internal, Cortex-M): the matrix core shared by the cortex-m
 * CONV_2D (every output pixel is a column: its receptive field, widened) and
 * FULLY_CONNECTED (every batch row is a column). Four columns at a time go
 * through edgec_cm_dot4 against each filter row, then the four sums are
 * requantized and stored.
 */
#ifndef EDGEC_CM_GEMM_H
#define EDGEC_CM_GEMM_H

#include "edgec/fixedpoint.h"
#include "edgec_cm_dot.h"
#include "edgec_cm_dsp.h"

/* How the sums are requantized for a whole call (the fast forms are chosen
 * only when edgec_cm_requant_prepare accepts every channel). */
enum {
  EDGEC_CM_FAST_SHIFT1 = 0, /* fast form, every pre_shift is 1 (no left shift) */
  EDGEC_CM_FAST = 1,        /* fast form, per-channel pre_shift */
  EDGEC_CM_EXACT = 2        /* fixedpoint.h's scalar code */
};

typedef struct {
  const int8_t *filter; /* [channels][depth] */
  const int32_t *bias;  /* [channels] or NULL */
  const int32_t *multiplier, *shift;
  int32_t per_channel; /* 0: multiplier[0] and shift[0] serve every channel */
  int32_t depth, channels;
  uint32_t dot_groups; /* edgec_cm_dot4's last argument */
  int32_t output_offset, act_min, act_max;
  int32_t mode, full_range; /* full_range: the clamp is int8's own range */
} edgec_cm_gemm;

/* Chooses the requantization mode from a bound on |sum| over the depth. */
static inline void edgec_cm_gemm_prepare(edgec_cm_gemm *g) {
  const int64_t max_dot = (int64_t)g->depth * 128 * 255;
  const int32_t n = g->per_channel ? g->channels : 1;
  int32_t c, all_shift1 = 1;
  int64_t max_bias = 0;
  const int32_t tail = g->depth & 3;
  g->dot_groups = (uint32_t)(g->depth >> 2) | (tail != 0 ? (uint32_t)(8 * (4 - tail)) << 24 : 0u);
  g->full_range = g->act_min == -128 && g->act_max == 127;
  g->mode = EDGEC_CM_FAST;
  if (g->bias != NULL) {
    for (c = 0; c < g->channels; ++c) {
      const int64_t b = g->bias[c] < 0 ? -(int64_t)g->bias[c] : (int64_t)g->bias[c];
      if (b > max_bias) max_bias = b;
    }
  }
  for (c = 0; c < n; ++c) {
    edgec_cm_requant q;
    if (!edgec_cm_requant_prepare(g->multiplier[c], g->shift[c], g->output_offset,
                                  max_dot + max_bias, &q)) {
      g->mode = EDGEC_CM_EXACT;
      return;
    }
    if (q.pre_shift != 1) all_shift1 = 0;
  }
  if (all_shift1) g->mode = EDGEC_CM_FAST_SHIFT1;
}

static inline __attribute__((always_inline)) int32_t edgec_cm_gemm_clamp(const edgec_cm_gemm *g,
                                                                         int32_t y, int full_range) {
  if (full_range) return __ssat(y, 8);
  return edgec_clamp(y, g->act_min, g->act_max);
}

/* Every channel of four columns; `out` is column 0's channel 0, column p's
 * outputs start `channels` bytes later, only the first `count` are stored. */
static inline __attribute__((always_inline)) void edgec_cm_gemm_run(const edgec_cm_gemm *g,
                                                                    const uint32_t *columns,
                                                                    int8_t *out, int32_t count,
                                                                    int mode, int full_range) {
  const int8_t *w = g->filter;
  const int32_t channels = g->channels;
  int32_t c;
  for (c = 0; c < channels; ++c, w += g->depth) {
    const int32_t ci = g->per_channel ? c : 0;
    const int32_t m = g->multiplier[ci], s = g->shift[ci];
    const int32_t b = g->bias != NULL ? g->bias[c] : 0;
    int32_t acc[4], y[4], p;
    edgec_cm_dot4(w, columns, acc, g->dot_groups);
    if (mode == EDGEC_CM_FAST_SHIFT1) {
      const int32_t e = -s;
      const int32_t round =
          (int32_t)((1u << e) + ((uint32_t)g->output_offset << (e + 1)));
      const uint32_t b2 = (uint32_t)b << 1;
      for (p = 0; p < 4; ++p) {
        y[p] = edgec_cm_gemm_clamp(
            g, edgec_cm_requantize((int32_t)(b2 + ((uint32_t)acc[p] << 1)), m, round, e + 1),
            full_range);
      }
    } else if (mode == EDGEC_CM_FAST) {
      const int32_t ls = s > 0 ? s : 0, e = s > 0 ? 0 : -s;
      const int32_t round =
          (int32_t)((1u << e) + ((uint32_t)g->output_offset << (e + 1)));
      for (p = 0; p < 4; ++p) {
        const int32_t t = (int32_t)((uint32_t)(acc[p] + b) << (ls + 1));
        y[p] = edgec_cm_gemm_clamp(g, edgec_cm_requantize(t, m, round, e + 1), full_range);
      }
    } else {
      for (p = 0; p < 4; ++p) {
        y[p] = edgec_clamp(edgec_multiply_by_quantized_multiplier(acc[p] + b, m, s) +
                               g->output_offset,
                           g->act_min, g->act_max);
      }
    }
    if (count == 4) {
      out[c] = (int8_t)y[0];
      out[c + channels] = (int8_t)y[1];
      out[c + 2 * channels] = (int8_t)y[2];
      out[c + 3 * channels] = (int8_t)y[3];
    } else {
      for (p = 0; p < count; ++p) out[c + p * channels] = (int8_t)y[p];
    }
  }
}

/* Every channel of four columns, in the call's mode. */
static inline void edgec_cm_gemm_columns(const edgec_cm_gemm *g, const uint32_t *columns,
                                         int8_t *out, int32_t count) {
  if (g->mode == EDGEC_CM_FAST_SHIFT1 && g->full_range) {
    edgec_cm_gemm_run(g, columns, out, count, EDGEC_CM_FAST_SHIFT1, 1);
  } else if (g->mode == EDGEC_CM_FAST_SHIFT1) {
    edgec_cm_gemm_run(g, columns, out, count, EDGEC_CM_FAST_SHIFT1, 0);
  } else if (g->mode == EDGEC_CM_FAST) {
    edgec_cm_gemm_run(g, columns, out, count, EDGEC_CM_FAST, 0);
  } else {
    edgec_cm_gemm_run(g, columns, out, count, EDGEC_CM_EXACT, 0);
  }
}

/* Widens `bytes` (a multiple of four) int8 values at src, plus the offset, to
 * groups at dst, `stride` words apart; returns the next group's place. */
static inline uint32_t *edgec_cm_widen(const int8_t *src, int32_t bytes, uint32_t *dst,
                                       int32_t stride, uint32_t offset_pair) {
  for (; bytes > 0; bytes -= 4, src += 4, dst += stride) {
    const uint32_t v = edgec_cm_load32(src);
    dst[0] = __sxtab16(offset_pair, v);
    dst[1] = edgec_cm_sxtab16_ror8(offset_pair, v);
  }
  return dst;
}

/* The last 1..3 values of a column: a group padded with zeros. */
static inline void edgec_cm_widen_tail(const int8_t *src, int32_t bytes, uint32_t *dst,
                                       uint32_t offset_pair) {
  uint32_t v = (uint32_t)(uint8_t)src[0];
  if (bytes > 1) v |= (uint32_t)(uint8_t)src[1] << 8;
  if (bytes > 2) v |= (uint32_t)(uint8_t)src[2] << 16;
  dst[0] = __sxtab16(offset_pair, v);
  dst[1] = edgec_cm_sxtab16_ror8(offset_pair, v);
}

/* `groups` groups of zeros (taps in the padding: x + offset = 0). */
static inline uint32_t *edgec_cm_zero(uint32_t *dst, int32_t groups, int32_t stride) {
  for (; groups > 0; --groups, dst += stride) {
    dst[0] = 0u;
    dst[1] = 0u;
  }
  return dst;
}

#endif /* EDGEC_CM_GEMM_H */
