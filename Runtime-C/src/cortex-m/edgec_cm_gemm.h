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
#include "edgec_cm_rows.h"

typedef struct {
  const int8_t *filter; /* [channels][depth] */
  const int32_t *bias;  /* [channels] or NULL */
  const int32_t *multiplier, *shift;
  int32_t per_channel; /* 0: multiplier[0] and shift[0] serve every channel */
  int32_t depth, channels;
  int32_t output_offset, act_min, act_max;
  /* Set by edgec_cm_gemm_prepare: */
  uint32_t dot_groups; /* edgec_cm_dot4's last argument */
  int32_t shift1;      /* every shift <= 0: records hold 2·bias, else the pre-shift */
  int32_t full_range;  /* the clamp is int8's own range */
} edgec_cm_gemm;

static inline void edgec_cm_gemm_prepare(edgec_cm_gemm *g) {
  const int32_t n = g->per_channel ? g->channels : 1, tail = g->depth & 3;
  int32_t c;
  g->dot_groups = (uint32_t)(g->depth >> 2) | (tail != 0 ? (uint32_t)(8 * (4 - tail)) << 24 : 0u);
  g->full_range = g->act_min == -128 && g->act_max == 127;
  g->shift1 = 1;
  for (c = 0; c < n; ++c) {
    if (g->shift[c] > 0) g->shift1 = 0;
  }
}

/* Record kinds: edgec_cm_fused.h's fast and wide forms, or exact in C. */
enum { EDGEC_CM_KIND_FAST = 0, EDGEC_CM_KIND_WIDE = 1, EDGEC_CM_KIND_EXACT = 2 };

/* The wide form's record if it is exact for |sum + bias| <= bound: e >= 1,
 * no left shift, and |h| + 2^(e-1) + 1 within int32 for h = SRDHM(x, m). */
static inline int edgec_cm_gemm_wide(int32_t m, int32_t s, int32_t b, int32_t output_offset,
                                     int64_t bound, edgec_cm_channel *r) {
  const int64_t limit = ((int64_t)1 << 31) - 1;
  const int32_t e = -s;
  int64_t h, k;
  if (s > 0 || e < 1 || e > 31 || m < 0 || bound > limit) return 0;
  h = ((bound * (int64_t)m + ((int64_t)1 << 30)) >> 31) + 1;
  if (h + ((int64_t)1 << (e - 1)) + 1 > limit) return 0;
  k = (int64_t)b * (int64_t)m + ((int64_t)1 << 30);
  r->kind = EDGEC_CM_KIND_WIDE;
  r->multiplier = m;
  r->round = (int32_t)((uint32_t)1 << (e - 1));
  r->shift = e;
  r->bias2 = output_offset;
  r->k_hi = (int32_t)(k >> 32);
  r->k_lo = (int32_t)(uint32_t)k;
  return 1;
}

/* The record of channel c for a bound on |bias| (the sum itself is bounded
 * by |w| <= 128, |x + offset| <= 255): fast, wide, or exact. */
static inline void edgec_cm_gemm_record(const edgec_cm_gemm *g, int32_t c, int64_t max_abs_bias,
                                        edgec_cm_channel *r) {
  const int32_t ci = g->per_channel ? c : 0;
  const int32_t b = g->bias != NULL ? g->bias[c] : 0, s = g->shift[ci];
  const int64_t bound = (int64_t)g->depth * 128 * 255 + max_abs_bias;
  edgec_cm_requant q = {0, 0, 0, 1};
  r->kind = EDGEC_CM_KIND_FAST;
  r->k_hi = r->k_lo = 0;
  /* The common case in 32-bit arithmetic (edgec_cm_requant_prepare's checks
   * with |round| < 2^31 - 2^29 known for e <= 22): this runs per channel on
   * every call. */
  if (s <= 0 && s >= -22 && bound < (1 << 29)) {
    const int32_t round = (int32_t)((uint32_t)(2 * g->output_offset + 1) << -s);
    if ((round < 0 ? -round : round) <= (1 << 30) - 4) {
      r->multiplier = g->multiplier[ci];
      r->round = round;
      r->shift = 1 - s;
      r->bias2 = g->shift1 ? (int32_t)((uint32_t)b << 1) : 1;
      return;
    }
  }
  if (edgec_cm_requant_prepare(g->multiplier[ci], s, g->output_offset, bound, &q)) {
    r->multiplier = q.multiplier;
    r->round = q.round;
    r->shift = q.shift;
    r->bias2 = g->shift1 ? (int32_t)((uint32_t)b << 1) : q.pre_shift;
    return;
  }
  if (edgec_cm_gemm_wide(g->multiplier[ci], s, b, g->output_offset, bound, r)) return;
  r->kind = EDGEC_CM_KIND_EXACT;
}

/* Records for channels [first, first + count); the channels needing the
 * exact form are listed in `exact`. Returns how many there are; *mixed says
 * whether any record is not fast. */
static inline int32_t edgec_cm_gemm_table(const edgec_cm_gemm *g, int32_t first, int32_t count,
                                          edgec_cm_channel *table, int32_t *exact, int *mixed) {
  int32_t c, n = 0;
  *mixed = 0;
  for (c = first; c < first + count; ++c, ++table) {
    const int64_t b = g->bias != NULL ? (int64_t)g->bias[c] : 0;
    edgec_cm_gemm_record(g, c, b < 0 ? -b : b, table);
    if (table->kind != EDGEC_CM_KIND_FAST) *mixed = 1;
    if (table->kind == EDGEC_CM_KIND_EXACT) exact[n++] = c;
  }
  return n;
}

static inline __attribute__((always_inline)) int32_t edgec_cm_gemm_clamp(const edgec_cm_gemm *g,
                                                                         int32_t y, int full_range) {
  if (full_range) return __ssat(y, 8);
  return edgec_clamp(y, g->act_min, g->act_max);
}

/* fixedpoint.h's exact requantization of channel c. */
static inline int32_t edgec_cm_gemm_exact(const edgec_cm_gemm *g, int32_t c, int32_t acc) {
  const int32_t ci = g->per_channel ? c : 0;
  const int32_t b = g->bias != NULL ? g->bias[c] : 0;
  const int32_t y = edgec_multiply_by_quantized_multiplier((int32_t)((uint32_t)acc + (uint32_t)b),
                                                           g->multiplier[ci], g->shift[ci]);
  return edgec_clamp(y + g->output_offset, g->act_min, g->act_max);
}

/* One requantized output of channel c from its record r. */
static inline __attribute__((always_inline)) int32_t edgec_cm_gemm_output(
    const edgec_cm_gemm *g, const edgec_cm_channel *r, int32_t c, int32_t acc, int shift1,
    int full_range) {
  int32_t t;
  if (r->kind != EDGEC_CM_KIND_FAST) return edgec_cm_gemm_exact(g, c, acc);
  if (shift1) {
    t = (int32_t)((uint32_t)r->bias2 + ((uint32_t)acc << 1));
  } else {
    const int32_t b = g->bias != NULL ? g->bias[c] : 0;
    t = (int32_t)((uint32_t)(acc + b) << r->bias2);
  }
  return edgec_cm_gemm_clamp(g, edgec_cm_requantize(t, r->multiplier, r->round, r->shift),
                             full_range);
}

/* Channels [first, first + count) of four columns in C; `out` is column 0's
 * channel `first`, column p's is `stride` bytes later; `pixels` stored. */
static inline __attribute__((always_inline)) void edgec_cm_gemm_run(
    const edgec_cm_gemm *g, const uint32_t *columns, const edgec_cm_channel *table, int32_t first,
    int32_t count, int8_t *out, int32_t stride, int32_t pixels, int shift1, int full_range) {
  const int8_t *w = g->filter + first * g->depth;
  int32_t c, p;
  for (c = first; c < first + count; ++c, ++table, ++out, w += g->depth) {
    int32_t acc[4];
    edgec_cm_dot4(w, columns, acc, g->dot_groups);
    for (p = 0; p < pixels; ++p) {
      out[p * stride] = (int8_t)edgec_cm_gemm_output(g, table, c, acc[p], shift1, full_range);
    }
  }
}

/* Channels [first, first + count) of four columns (`pixels` of them real),
 * with their records in `table` and the exact ones listed in `exact`; `out`
 * is column 0's channel `first`, column p's `stride` bytes later. A block
 * with fewer than four real columns goes through the assembly too, into
 * `spare` (4 · count bytes), and only the real columns are copied out. */
static __attribute__((noinline, unused)) void edgec_cm_gemm_block(const edgec_cm_gemm *g, const uint32_t *columns,
                                       const edgec_cm_channel *table, int32_t first, int32_t count,
                                       int mixed, const int32_t *exact, int32_t exact_count,
                                       int8_t *spare, int8_t *out, int32_t stride, int32_t pixels) {
  if (g->shift1 && g->full_range) {
    edgec_cm_block_args a;
    int32_t i, p;
    a.filter = g->filter + first * g->depth;
    a.columns = columns;
    a.channels = table;
    a.channels_end = table + count;
    a.out = pixels == 4 ? out : spare;
    a.stride = pixels == 4 ? stride : count;
    a.group_bytes = (g->depth >> 2) << 2;
    a.tail_shift = (int32_t)(g->dot_groups >> 24);
    if (a.tail_shift == 0) {
      if (mixed) {
        edgec_cm_block4_mixed(&a);
      } else {
        edgec_cm_block4(&a);
      }
    } else if (mixed) {
      edgec_cm_block4_mixed_tail(&a);
    } else {
      edgec_cm_block4_tail(&a);
    }
    /* The assembly wrote garbage for the exact channels: redo them. */
    for (i = 0; i < exact_count; ++i) {
      const int32_t c = exact[i];
      int32_t acc[4];
      edgec_cm_dot4(g->filter + c * g->depth, columns, acc, g->dot_groups);
      for (p = 0; p < 4; ++p) a.out[c - first + p * a.stride] = (int8_t)edgec_cm_gemm_exact(g, c, acc[p]);
    }
    if (pixels < 4) {
      for (p = 0; p < pixels; ++p) (void)edgec_cm_copy(out + p * stride, spare + p * count, count);
    }
  } else if (g->shift1) {
    edgec_cm_gemm_run(g, columns, table, first, count, out, stride, pixels, 1, 0);
  } else {
    edgec_cm_gemm_run(g, columns, table, first, count, out, stride, pixels, 0, 0);
  }
}

/* Whether edgec_cm_gemm_rows can take this call. */
static inline int edgec_cm_gemm_rows_fit(const edgec_cm_gemm *g) {
  return g->shift1 && g->full_range && (g->depth & 31) == 0 && ((uintptr_t)g->filter & 3u) == 0;
}

/* One widened column x (two words a group, edgec_cm_widen_row's layout)
 * against channels [first, first + count) in edgec_cm_rows*_records, then
 * the exact channels again in C; `out` is the column's channel `first`. */
static __attribute__((noinline, unused)) void edgec_cm_gemm_rows(const edgec_cm_gemm *g, const uint32_t *x,
                                      const edgec_cm_channel *table, int32_t first, int32_t count,
                                      const int32_t *exact, int32_t exact_count, int8_t *out) {
  edgec_cm_rows_args a;
  int32_t i;
  a.multiplier = a.round = a.shift = 0;
  a.filter = g->filter + first * g->depth;
  a.x = x;
  a.x_end = x + g->depth / 2;
  a.per_row = table;
  a.per_row_end = table + count;
  a.out = out;
  if ((g->depth & 63) == 0) {
    edgec_cm_rows64_records(&a);
  } else {
    edgec_cm_rows32_records(&a);
  }
  for (i = 0; i < exact_count; ++i) {
    const int32_t c = exact[i];
    out[c - first] = (int8_t)edgec_cm_gemm_exact(
        g, c, edgec_cm_dot1(g->filter + c * g->depth, x, (uint32_t)g->depth >> 2, 0u));
  }
}

/* Channels per chunk whose records (7 words), exact-list entries (1 word)
 * and spare outputs (4 bytes) fit beside `used` of the scratch's `words`. */
static inline int32_t edgec_cm_gemm_chunk(const edgec_cm_gemm *g, int32_t words, int32_t used) {
  const int32_t fit = (words - used) / 9;
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
