/*
 * edgec runtime (internal, Cortex-M): CONV_2D without scratch, for the calls
 * the compiler could give no arena bytes (typically a model's peak step).
 *
 * Output channels go four at a time (their records on the stack); for each
 * group, every output row is walked once:
 * - pixels whose receptive field lies inside the input, two at a time, in
 *   edgec_cm_direct_pair (one call per row: 20 instructions per 16 MACs);
 * - the others (the border, an odd pixel out, layers whose kernel rows are
 *   not whole groups of four bytes) one at a time in edgec_cm_direct_quad,
 *   over the taps inside the input only — the padding's taps are skipped,
 *   not multiplied by zeros.
 * A last group of fewer than four channels repeats rows (edgec_cm_direct_map)
 * and keeps only its own outputs. Groups with a channel the fast
 * requantization cannot take get raw sums back and requantize in C.
 *
 * With a residual (edgec_conv2d_add_s8) the values go through a small stack
 * buffer and edgec_cm_residual_apply writes the sums, each over its skip
 * element. Needs dilation_w 1 and a filter as deep as the input.
 */
#ifndef EDGEC_CM_DIRECT_CONV_H
#define EDGEC_CM_DIRECT_CONV_H

#include "edgec/kernels.h"
#include "edgec_cm_direct.h"
#include "edgec_cm_pair.h"
#include "edgec_cm_quad.h"
#include "edgec_cm_gemm.h"
#include "edgec_cm_residual.h"

/* Pixel pairs per call when the values go through the stack first. */
enum { EDGEC_CM_DIRECT_PAIRS = 2 };

/* The walk's state: one frame for every step, so the stack stays small. */
typedef struct {
  const edgec_conv2d_s8_params *p;
  const edgec_cm_gemm *g;
  const edgec_cm_residual *residual; /* NULL: plain CONV_2D */
  const int8_t *skip;
  int8_t *output;
  int32_t first, n; /* the channel group */
  int fast;         /* the assembly requantizes */
  edgec_cm_direct_record table[4];
  union {
    edgec_cm_quad_args quad;
    edgec_cm_pair_args pair;
  } args;
  int32_t sums[4];
  int8_t values[8 * EDGEC_CM_DIRECT_PAIRS];
} edgec_cm_direct;

/* Channel group values of one pixel (n bytes at `values`, place-mapped when
 * `placed`) into the output, through the residual if there is one. */
static inline void edgec_cm_direct_store(const edgec_cm_direct *d, int32_t pixel,
                                         const int8_t *values, int placed) {
  const int32_t at = pixel * d->g->channels + d->first;
  int8_t v[4];
  int32_t j;
  for (j = 0; j < d->n; ++j) v[j] = values[placed ? edgec_cm_direct_place[d->n][j] : j];
  if (d->residual != NULL) {
    edgec_cm_residual_apply(d->residual, v, d->skip + at, d->output + at, d->n, 1, 0);
  } else {
    for (j = 0; j < d->n; ++j) d->output[at + j] = v[j];
  }
}

/* Raw sums of four rows (map order) requantized in C. */
static inline void edgec_cm_direct_exact(const edgec_cm_direct *d, const int32_t *sums,
                                         int8_t *values) {
  int32_t k;
  for (k = 0; k < 4; ++k) {
    values[k] =
        (int8_t)edgec_cm_gemm_exact(d->g, d->first + edgec_cm_direct_map[d->n][k], sums[k]);
  }
}

/* One pixel, the taps [kx0, kx1) x [ky0, ky1) inside the input; `field` is
 * the input at tap (ky0, kx0). */
static void edgec_cm_direct_one(edgec_cm_direct *d, int32_t pixel, const int8_t *field,
                                int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1) {
  const edgec_conv2d_s8_params *p = d->p;
  const int32_t c = p->input.c, run = (kx1 - kx0) * c;
  edgec_cm_quad_args *a = &d->args.quad;
  if (ky1 <= ky0 || kx1 <= kx0) { /* every tap in the padding: the bias alone */
    d->sums[0] = d->sums[1] = d->sums[2] = d->sums[3] = 0;
    edgec_cm_direct_exact(d, d->sums, d->values);
    edgec_cm_direct_store(d, pixel, d->values, 1);
    return;
  }
  a->input = field;
  a->offset_pair = edgec_cm_pair16(p->input_offset);
  a->filter = d->g->filter + d->first * d->g->depth + (ky0 * p->filter.w + kx0) * c;
  edgec_cm_direct_rows(d->n, d->g->depth, a);
  a->group_bytes = run & ~3;
  a->tail_bytes = run & 3;
  a->runs = ky1 - ky0;
  a->input_skip = p->dilation_h * p->input.w * c - run;
  a->filter_skip = (p->filter.w - (kx1 - kx0)) * c;
  a->records = d->table;
  a->records_end = d->table + 4;
  if (d->fast && d->n == 4 && d->residual == NULL) {
    a->out = d->output + pixel * d->g->channels + d->first;
    a->sums = NULL;
    edgec_cm_direct_quad(a);
    return;
  }
  a->out = d->values;
  a->sums = d->fast ? NULL : d->sums;
  edgec_cm_direct_quad(a);
  if (!d->fast) edgec_cm_direct_exact(d, d->sums, d->values);
  edgec_cm_direct_store(d, pixel, d->values, 1);
}

/* `pairs` pixel pairs from `pixel` on, all inside: the first's field at `field`. */
static void edgec_cm_direct_pairs(edgec_cm_direct *d, int32_t pixel, const int8_t *field,
                                  int32_t pairs, int32_t pixel_step) {
  const edgec_conv2d_s8_params *p = d->p;
  const int32_t channels = d->g->channels, depth = d->g->depth;
  edgec_cm_pair_args *a = &d->args.pair;
  int8_t *const values = d->values;
  int32_t i, j;
  a->pixel_step = pixel_step;
  a->depth = depth;
  a->run_bytes = p->filter.w * p->input.c;
  a->input_skip = p->dilation_h * p->input.w * p->input.c - a->run_bytes;
  a->pair_step = 2 * pixel_step;
  if (d->fast && d->residual == NULL) {
    a->input = field;
    a->filter = d->g->filter + d->first * depth;
    a->records = d->table;
    a->records_end = d->table + 4;
    a->out = d->output + pixel * channels + d->first;
    a->out_step = channels;
    a->sums = NULL;
    a->pairs = pairs;
    a->pair_out_step = 2 * channels;
    edgec_cm_direct_pair(a);
    return;
  }
  a->out_step = 4;
  a->pair_out_step = 8;
  for (; pairs > 0; field += a->pair_step * EDGEC_CM_DIRECT_PAIRS) {
    const int32_t now = pairs < EDGEC_CM_DIRECT_PAIRS ? pairs : EDGEC_CM_DIRECT_PAIRS;
    if (d->fast) {
      a->input = field;
      a->filter = d->g->filter + d->first * depth;
      a->records = d->table;
      a->records_end = d->table + 4;
      a->out = values;
      a->sums = NULL;
      a->pairs = now;
      edgec_cm_direct_pair(a);
    } else { /* one pair of rows for one pixel pair at a time, in C after */
      for (i = 0; i < now; ++i) {
        for (j = 0; j < 4; j += 2) {
          int8_t *v = values + 8 * i + j;
          a->input = field + i * a->pair_step;
          a->filter = d->g->filter + (d->first + j) * depth;
          a->records = d->table + j;
          a->records_end = d->table + j + 2;
          a->sums = d->sums;
          a->pairs = 1;
          edgec_cm_direct_pair_sums(a);
          v[0] = (int8_t)edgec_cm_gemm_exact(d->g, d->first + j, d->sums[0]);
          v[4] = (int8_t)edgec_cm_gemm_exact(d->g, d->first + j, d->sums[1]);
          v[1] = (int8_t)edgec_cm_gemm_exact(d->g, d->first + j + 1, d->sums[2]);
          v[5] = (int8_t)edgec_cm_gemm_exact(d->g, d->first + j + 1, d->sums[3]);
        }
      }
    }
    if (d->residual != NULL) {
      const int32_t at = pixel * channels + d->first;
      edgec_cm_residual_apply(d->residual, values, d->skip + at, d->output + at, 4, 2 * now,
                              channels);
    } else {
      for (i = 0; i < 2 * now; ++i) edgec_cm_direct_store(d, pixel + i, values + 4 * i, 0);
    }
    pixel += 2 * now;
    pairs -= now;
  }
}

/* The interior columns [*lo, *hi) of an output row: ix0 >= 0, ix0 + span <= in.w. */
static inline void edgec_cm_direct_interior(const edgec_conv2d_s8_params *p, int32_t *lo,
                                            int32_t *hi) {
  const int32_t span = (p->filter.w - 1) * p->dilation_w + 1;
  int32_t ox;
  *lo = p->output.w;
  *hi = p->output.w;
  for (ox = 0; ox < p->output.w; ++ox) {
    const int32_t ix0 = ox * p->stride_w - p->pad_w;
    if (ix0 >= 0 && ix0 + span <= p->input.w) {
      if (*lo == p->output.w) *lo = ox;
      *hi = ox + 1;
    }
  }
}

static __attribute__((noinline)) void edgec_cm_conv_direct(
    const edgec_conv2d_s8_params *p, const edgec_cm_gemm *g, const int8_t *input,
    const edgec_cm_residual *residual, const int8_t *skip, int8_t *output) {
  const edgec_dims in = p->input, f = p->filter, out = p->output;
  const int32_t c = in.c, pixel_step = p->stride_w * c;
  /* Pairs need whole groups in each kernel row (the pair loop has no tail). */
  const int pairable = ((f.w * c) & 3) == 0;
  /* A 1x1, stride-1 convolution without padding reads its pixels in order:
   * the whole tensor is one row. */
  const int flat = f.h == 1 && f.w == 1 && p->stride_h == 1 && p->stride_w == 1 &&
                   p->pad_h == 0 && p->pad_w == 0 && in.h == out.h && in.w == out.w;
  const int32_t rows = flat ? 1 : out.n * out.h, width = flat ? out.n * out.h * out.w : out.w;
  int32_t lo, hi, row;
  edgec_cm_direct d;
  d.p = p;
  d.g = g;
  d.residual = residual;
  d.skip = skip;
  d.output = output;
  if (flat) {
    lo = 0;
    hi = width;
  } else {
    edgec_cm_direct_interior(p, &lo, &hi);
  }
  for (d.first = 0; d.first < g->channels; d.first += 4) {
    const int pairs_here = pairable && g->channels - d.first >= 4;
    d.n = g->channels - d.first < 4 ? g->channels - d.first : 4;
    d.fast = edgec_cm_direct_table(g, d.first, d.n, p->input_offset, pairs_here, d.table);
    for (row = 0; row < rows; ++row) {
      const int32_t b = flat ? 0 : row / out.h, oy = flat ? 0 : row % out.h;
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      /* Kernel rows inside the input: iy0 + ky · dilation_h in [0, in.h). */
      const int32_t ky0 = iy0 < 0 ? (-iy0 + p->dilation_h - 1) / p->dilation_h : 0;
      const int32_t ky_end = (in.h - iy0 + p->dilation_h - 1) / p->dilation_h;
      const int32_t ky1 = ky_end < f.h ? ky_end : f.h;
      const int8_t *base = input + (b * in.h + iy0 + ky0 * p->dilation_h) * in.w * c;
      const int whole_rows = ky0 == 0 && ky1 == f.h;
      int32_t ox = 0;
      while (ox < width) {
        const int32_t pixel = row * width + ox;
        if (whole_rows && pairs_here && ox >= lo && hi - ox >= 2) {
          const int32_t pairs = (hi - ox) / 2;
          edgec_cm_direct_pairs(&d, pixel, base + (ox * p->stride_w - p->pad_w) * c, pairs,
                                pixel_step);
          ox += 2 * pairs;
        } else {
          const int32_t ix0 = ox * p->stride_w - p->pad_w;
          const int32_t kx0 = ix0 < 0 ? -ix0 : 0;
          const int32_t kx1 = flat || in.w - ix0 >= f.w ? f.w : in.w - ix0;
          edgec_cm_direct_one(&d, pixel, base + (ix0 + kx0) * c, ky0, ky1, kx0, kx1);
          ++ox;
        }
      }
    }
  }
}

#endif /* EDGEC_CM_DIRECT_CONV_H */
