/*
 * edgec runtime (internal, Cortex-M): the scratch-free multiply-accumulate
 * loops of the cortex-m CONV_2D and FULLY_CONNECTED kernels, in Thumb-2
 * assembly. They read int8 activations and weights where they lie and widen
 * both on the fly, so they need no buffer: the kernels take them when the
 * compiler has no free arena bytes to give at that step.
 *
 * A receptive field is `runs` runs of bytes, each contiguous in the input
 * and in every filter row (a convolution's kernel row, the taps inside the
 * input; an FC row is one run). From one run to the next the input pointer
 * skips input_skip bytes and the filter pointers filter_skip.
 *
 * - edgec_cm_direct_quad: one pixel against four filter rows (at f, f + d,
 *   f2, f2 + d). Per four depth elements: the input word widened with the
 *   offset (two SXTAB16), then per row a load, two SXTB16 and two SMLAD —
 *   23 instructions per 16 MACs. Runs of any length; the last L % 4 bytes
 *   go one at a time (SMLABB).
 * - edgec_cm_direct_pair: two pixels `pixel_step` bytes apart against two
 *   filter rows: 20 instructions per 16 MACs, for pixels whose receptive
 *   field lies inside the input and runs that are whole groups of four. The
 *   input is widened without its offset (no register is left for it); the
 *   sums start at input_offset · (sum of the row's weights), the record's
 *   `weight_sum`, which the caller computes once per channel. It walks
 *   `pairs` pixel pairs, `pair_step` input bytes apart.
 *
 * Each channel's sum is then requantized with its record in edgec_cm_fused.h's
 * fast form and stored. For channels the fast form does not take, the call
 * does one group of rows for one pixel (pair) and leaves the raw sums to the
 * C requantization: edgec_cm_direct_quad with `sums` set,
 * edgec_cm_direct_pair_sums.
 *
 * The group loops run four groups per iteration, entered part-way at
 * `entry` (Duff's device, computed once per call): every instruction of a
 * group is a 32-bit encoding, so a group has a fixed size. The loops are in
 * edgec_cm_quad.h and edgec_cm_pair.h; this header has their arguments and
 * records.
 */
#ifndef EDGEC_CM_DIRECT_H
#define EDGEC_CM_DIRECT_H

#include <stdint.h>

#include "edgec_cm_dot.h"
#include "edgec_cm_fused.h"
#include "edgec_cm_gemm.h"

/* A channel's record, laid out for one LDM: the fast form's m, R, sh and
 * 2·bias (edgec_cm_fused.h), then input_offset · sum of the row's weights. */
typedef struct {
  int32_t multiplier, round, shift, bias2;
  int32_t weight_sum;
} edgec_cm_direct_record;

/* Word offsets are read by the assembly: keep the order. */
typedef struct {
  const int8_t *input;     /* 0: the first run */
  uint32_t offset_pair;    /* 4: the input offset in both halfwords */
  const int8_t *filter;    /* 8: row 0 at the first run */
  int32_t depth;           /* 12: d, bytes from row 0 to row 1 (and row 2 to row 3) */
  int32_t second;          /* 16: row 2 is this many bytes after row 0 */
  int32_t group_bytes;     /* 20: 4 · (L / 4), L the run's length */
  int32_t tail_bytes;      /* 24: L % 4 */
  int32_t runs;            /* 28: >= 1 */
  int32_t input_skip;      /* 32 */
  int32_t filter_skip;     /* 36 */
  const edgec_cm_direct_record *records; /* 40: one per row, four per quad */
  const edgec_cm_direct_record *records_end;
  int8_t *out;             /* 48: four bytes a quad, rows in order */
  int32_t *sums;           /* 52: NULL, or one quad's four raw sums go here */
} edgec_cm_quad_args;

typedef struct {
  const int8_t *input;     /* 0: pixel 0's first run */
  int32_t pixel_step;      /* 4: pixel 1's input is this many bytes later */
  const int8_t *filter;    /* 8: row 0 at the first run */
  int32_t depth;           /* 12: bytes from row 0 to row 1; rows are whole depth */
  int32_t run_bytes;       /* 16: L, a multiple of 4 */
  int32_t input_skip;      /* 20 */
  const edgec_cm_direct_record *records; /* 24: two per row pair */
  const edgec_cm_direct_record *records_end;
  int8_t *out;             /* 32: pixel 0's output for row 0 */
  int32_t out_step;        /* 36: pixel 1's outputs are this many bytes later */
  int32_t *sums;           /* 40: edgec_cm_direct_pair_sums: [p0 r0, p1 r0, p0 r1, p1 r1] */
  int32_t pairs;           /* 44: pixel pairs, >= 1 */
  int32_t pair_step;       /* 48: input bytes from one pixel pair to the next */
  int32_t pair_out_step;   /* 52: output bytes from one pixel pair to the next */
} edgec_cm_pair_args;

/* Four rows for n (1..4) channels: row k computes channel map[n][k], and
 * channel j's output is byte place[n][j] of the four. Rows repeat a
 * channel rather than read past the last one. */
static const int8_t edgec_cm_direct_map[5][4] = {
    {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 1, 0, 1}, {0, 1, 1, 2}, {0, 1, 2, 3}};
static const int8_t edgec_cm_direct_place[5][4] = {
    {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 1, 0, 0}, {0, 1, 3, 0}, {0, 1, 2, 3}};

/* edgec_cm_quad_args' depth and second for n channels. */
static inline void edgec_cm_direct_rows(int32_t n, int32_t depth, edgec_cm_quad_args *a) {
  a->depth = n >= 2 ? depth : 0;
  a->second = n == 4 ? 2 * depth : (n == 3 ? depth : 0);
}

/* The sum of a filter row's weights: biased to unsigned bytes (x ^ 0x80 is
 * x + 128) and summed four at a time by USADA8 (sum of |u - 0|). */
static inline int32_t edgec_cm_weight_sum(const int8_t *w, int32_t n) {
  uint32_t s = 0;
  int32_t i;
  for (i = 0; i + 4 <= n; i += 4) s = __usada8(edgec_cm_load32(w + i) ^ 0x80808080u, 0u, s);
  s -= (uint32_t)(128 * (n & ~3));
  for (; i < n; ++i) s += (uint32_t)(int32_t)w[i];
  return (int32_t)s;
}

/* The four rows' records for channels [first, first + n) (map above), with
 * input_offset · sum(w) when `weight_sums`. Returns 1 when the assembly may
 * requantize them all (fast records, no left shift, int8's own clamp). */
static __attribute__((noinline, unused)) int edgec_cm_direct_table(const edgec_cm_gemm *g, int32_t first, int32_t n,
                                        int32_t input_offset, int weight_sums,
                                        edgec_cm_direct_record *table) {
  int fast = g->shift1 && g->full_range;
  int32_t k;
  for (k = 0; k < 4; ++k) {
    const int32_t c = first + edgec_cm_direct_map[n][k];
    const int64_t b = g->bias != NULL ? (int64_t)g->bias[c] : 0;
    edgec_cm_channel r;
    edgec_cm_gemm_record(g, c, b < 0 ? -b : b, &r);
    if (r.kind != EDGEC_CM_KIND_FAST) fast = 0;
    table[k].multiplier = r.multiplier;
    table[k].round = r.round;
    table[k].shift = r.shift;
    table[k].bias2 = r.bias2;
    table[k].weight_sum =
        weight_sums ? input_offset * edgec_cm_weight_sum(g->filter + c * g->depth, g->depth) : 0;
  }
  return fast;
}

#endif /* EDGEC_CM_DIRECT_H */
