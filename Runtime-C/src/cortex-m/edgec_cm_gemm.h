/*
 * edgec runtime (internal, Cortex-M): the matrix core shared by the cortex-m
 * CONV_2D (every output pixel is a column: its receptive field, widened) and
 * FULLY_CONNECTED (every batch row is a column). Four columns at a time go
 * against every filter row, then the four sums are requantized and stored:
 * in edgec_cm_block4 (assembly) in the common case, in C otherwise.
 */
#ifndef EDGEC_CM_GEMM_H
#define EDGEC_CM_GEMM_H

#include "edgec/fixedpoint.h"
#include "edgec_cm_dot.h"
#include "edgec_cm_dsp.h"
#include "edgec_cm_fused.h"

/* How a call requantizes (fast forms only when every channel allows). */
enum {
  EDGEC_CM_FAST_SHIFT1 = 0, /* fast form, no left shift: records hold 2·bias */
  EDGEC_CM_FAST = 1,        /* fast form: records hold the pre-shift */
  EDGEC_CM_EXACT = 2        /* fixedpoint.h's scalar code */
};

typedef struct {
  const int8_t *filter; /* [channels][depth] */
  const int32_t *bias;  /* [channels] or NULL */
  const int32_t *multiplier, *shift;
  int32_t per_channel; /* 0: multiplier[0] and shift[0] serve every channel */
  int32_t depth, channels;
  int32_t output_offset, act_min, act_max;
  /* Set by edgec_cm_gemm_prepare: */
  uint32_t dot_groups; /* edgec_cm_dot4's last argument */
  int64_t max_abs_acc; /* bound on |sum + bias| */
  int32_t mode, full_range, fused;
} edgec_cm_gemm;

static inline void edgec_cm_gemm_prepare(edgec_cm_gemm *g) {
  const int32_t n = g->per_channel ? g->channels : 1, tail = g->depth & 3;
  int64_t max_bias = 0;
  int32_t c, shift1 = 1;
  g->dot_groups = (uint32_t)(g->depth >> 2) | (tail != 0 ? (uint32_t)(8 * (4 - tail)) << 24 : 0u);
  g->full_range = g->act_min == -128 && g->act_max == 127;
  if (g->bias != NULL) {
    for (c = 0; c < g->channels; ++c) {
      const int64_t b = g->bias[c] < 0 ? -(int64_t)g->bias[c] : (int64_t)g->bias[c];
      if (b > max_bias) max_bias = b;
    }
  }
  g->max_abs_acc = (int64_t)g->depth * 128 * 255 + max_bias;
  g->mode = EDGEC_CM_FAST;
  for (c = 0; c < n; ++c) {
    edgec_cm_requant q;
    if (!edgec_cm_requant_prepare(g->multiplier[c], g->shift[c], g->output_offset, g->max_abs_acc,
                                  &q)) {
      g->mode = EDGEC_CM_EXACT;
      break;
    }
    if (q.pre_shift != 1) shift1 = 0;
  }
  if (g->mode == EDGEC_CM_FAST && shift1) g->mode = EDGEC_CM_FAST_SHIFT1;
  g->fused = g->mode == EDGEC_CM_FAST_SHIFT1 && g->full_range;
}

/* Records for channels [first, first + count) (fast modes only). */
static inline void edgec_cm_gemm_table(const edgec_cm_gemm *g, int32_t first, int32_t count,
                                       edgec_cm_channel *table) {
  int32_t c;
  for (c = first; c < first + count; ++c, ++table) {
    const int32_t ci = g->per_channel ? c : 0;
    const int32_t b = g->bias != NULL ? g->bias[c] : 0;
    edgec_cm_requant q = {0, 0, 1, 1};
    (void)edgec_cm_requant_prepare(g->multiplier[ci], g->shift[ci], g->output_offset,
                                   g->max_abs_acc, &q);
    table->multiplier = q.multiplier;
    table->round = q.round;
    table->shift = q.shift;
    table->bias2 = g->mode == EDGEC_CM_FAST_SHIFT1 ? (int32_t)((uint32_t)b << 1) : q.pre_shift;
  }
}

static inline __attribute__((always_inline)) int32_t edgec_cm_gemm_clamp(const edgec_cm_gemm *g,
                                                                         int32_t y, int full_range) {
  if (full_range) return __ssat(y, 8);
  return edgec_clamp(y, g->act_min, g->act_max);
}

/* One requantized output of channel c in the call's mode; r is the channel's
 * record, or channel 0's for per-tensor quantization (so the bias is read
 * here, not from r). */
static inline __attribute__((always_inline)) int32_t edgec_cm_gemm_output(
    const edgec_cm_gemm *g, const edgec_cm_channel *r, int32_t c, int32_t acc, int mode,
    int full_range) {
  const int32_t b = g->bias != NULL ? g->bias[c] : 0;
  if (mode == EDGEC_CM_FAST_SHIFT1) {
    const int32_t t = (int32_t)(((uint32_t)b << 1) + ((uint32_t)acc << 1));
    return edgec_cm_gemm_clamp(g, edgec_cm_requantize(t, r->multiplier, r->round, r->shift),
                               full_range);
  }
  if (mode == EDGEC_CM_FAST) {
    const int32_t t = (int32_t)((uint32_t)(acc + b) << r->bias2);
    return edgec_cm_gemm_clamp(g, edgec_cm_requantize(t, r->multiplier, r->round, r->shift),
                               full_range);
  }
  {
    const int32_t ci = g->per_channel ? c : 0;
    const int32_t y = edgec_multiply_by_quantized_multiplier((int32_t)((uint32_t)acc + (uint32_t)b),
                                                             g->multiplier[ci], g->shift[ci]);
    return edgec_clamp(y + g->output_offset, g->act_min, g->act_max);
  }
}

/* Channels [first, first + count) of four columns in C; `out` is column 0's
 * channel `first`, column p's is `channels` bytes later; `pixels` stored. */
static inline __attribute__((always_inline)) void edgec_cm_gemm_run(
    const edgec_cm_gemm *g, const uint32_t *columns, const edgec_cm_channel *table, int32_t first,
    int32_t count, int8_t *out, int32_t pixels, int mode, int full_range) {
  const int8_t *w = g->filter + first * g->depth;
  int32_t c, p;
  for (c = first; c < first + count; ++c, ++table, ++out, w += g->depth) {
    int32_t acc[4];
    edgec_cm_dot4(w, columns, acc, g->dot_groups);
    for (p = 0; p < pixels; ++p) {
      out[p * g->channels] = (int8_t)edgec_cm_gemm_output(g, table, c, acc[p], mode, full_range);
    }
  }
}

/* Channels [first, first + count) of four columns (`pixels` of them real),
 * with their records in `table`. */
static inline void edgec_cm_gemm_block(const edgec_cm_gemm *g, const uint32_t *columns,
                                       const edgec_cm_channel *table, int32_t first, int32_t count,
                                       int8_t *out, int32_t pixels) {
  if (g->fused && pixels == 4) {
    edgec_cm_block_args a;
    a.filter = g->filter + first * g->depth;
    a.columns = columns;
    a.channels = table;
    a.channels_end = table + count;
    a.out = out;
    a.stride = g->channels;
    a.group_bytes = (g->depth >> 2) << 2;
    a.tail_shift = (int32_t)(g->dot_groups >> 24);
    if (a.tail_shift == 0) {
      edgec_cm_block4(&a);
    } else {
      edgec_cm_block4_tail(&a);
    }
  } else if (g->mode == EDGEC_CM_FAST_SHIFT1) {
    if (g->full_range) {
      edgec_cm_gemm_run(g, columns, table, first, count, out, pixels, EDGEC_CM_FAST_SHIFT1, 1);
    } else {
      edgec_cm_gemm_run(g, columns, table, first, count, out, pixels, EDGEC_CM_FAST_SHIFT1, 0);
    }
  } else if (g->mode == EDGEC_CM_FAST) {
    edgec_cm_gemm_run(g, columns, table, first, count, out, pixels, EDGEC_CM_FAST, 0);
  } else {
    edgec_cm_gemm_run(g, columns, table, first, count, out, pixels, EDGEC_CM_EXACT, 0);
  }
}

/* Channels per chunk whose records fit beside `used` words of scratch. */
static inline int32_t edgec_cm_gemm_chunk(const edgec_cm_gemm *g, int32_t used) {
  const int32_t fit = (EDGEC_CM_SCRATCH_WORDS - used) / 4;
  return fit < g->channels ? fit : g->channels;
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
