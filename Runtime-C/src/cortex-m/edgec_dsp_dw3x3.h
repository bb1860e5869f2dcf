/*
 * edgec runtime (internal, Cortex-M): the 3x3 path of
 * edgec_depthwise_conv2d_s8.c (depth multiplier 1, no dilation, stride 1 or
 * 2 along the sliding axis). Included by that file only.
 *
 * One output channel at a time, one output line at a time, sliding along the
 * longer output axis. The three input lines under an output line are read
 * one "column" (the three taps across the line) at a time: two of its values
 * go into the int16 lanes of one word, so SMLAD applies two taps at once and
 * SMLABB/SMLABT the third. With stride 1 every column serves three
 * consecutive outputs (slide taps 2, 1 and 0), whose accumulators rotate
 * through registers; with stride 2 an output needs two new columns and the
 * last one of its predecessor. A column costs three loads and a PKHBT, an
 * output six multiply-accumulates and a store of the raw sum; a second loop
 * then requantizes the line (edgec_dsp_requant.h). Splitting the two keeps
 * each loop within the core's registers.
 *
 * The input offset is folded into the accumulator's start, (bias + offset ·
 * Σ w) · 2^pre_shift, so the loaded int8 values are used raw. Padding then
 * needs no test inside the loop: a line outside the input gets zero weights
 * (and leaves the sum), and a column outside the input is replaced by the
 * zero point, whose raw value times w cancels its share of offset · Σ w,
 * exactly like TFLM's skipped tap. Columns at the ends go through a checked
 * path; the loop between them loads unchecked.
 */
#ifndef EDGEC_DSP_DW3X3_H
#define EDGEC_DSP_DW3X3_H

#include <stddef.h>
#include <stdint.h>

#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_dsp_requant.h"
#include "edgec_dsp_simd.h"

enum { DW3_MAX_LINE = 256 /* outputs per line the path accepts (its stack buffer) */ };

/* The two axes of the output, as the sliding pass sees them. */
typedef struct {
  int32_t out_len, in_len, stride, pad; /* along the sliding axis */
  int32_t in_step, out_step;            /* bytes between neighbours along it */
  int32_t lines, cross_in, cross_stride, cross_pad; /* across it */
  int32_t cross_in_step, cross_out_step;
  int32_t tap_slide, tap_cross; /* filter elements between slide taps k and cross taps t */
} dw3_geometry;

/* The weights of one output line, w(k, t) (slide tap k, cross tap t) times
 * 2^pre_shift, zero on lines outside the input: lane pairs of the lines in
 * the column word, the third line's taps apart. */
typedef struct {
  uint32_t k0, k1, k2; /* (w(k, first), w(k, second)) */
  uint32_t q;          /* (w(0, third), w(1, third)) */
  uint32_t r;          /* w(2, third) */
} dw3_weights;

/* acc plus a column (lanes x01 of lines 0 and 1, x2 of line 2) times slide
 * tap 0, 1 or 2; the _2 forms have no third line. */
#define DW3_K0(x01, x2, acc) edgec_dsp_smlabb(x2, w.q, edgec_dsp_smlad(x01, w.k0, acc))
#define DW3_K1(x01, x2, acc) edgec_dsp_smlabt(x2, w.q, edgec_dsp_smlad(x01, w.k1, acc))
#define DW3_K2(x01, x2, acc) edgec_dsp_smlabb(x2, w.r, edgec_dsp_smlad(x01, w.k2, acc))
#define DW3_S0(x01, x2) edgec_dsp_smlabb(x2, w.q, edgec_dsp_smuad(x01, w.k0))
#define DW3_K0_2(x01, x2, acc) edgec_dsp_smlad(x01, w.k0, acc)
#define DW3_K1_2(x01, x2, acc) edgec_dsp_smlad(x01, w.k1, acc)
#define DW3_K2_2(x01, x2, acc) edgec_dsp_smlad(x01, w.k2, acc)
#define DW3_S0_2(x01, x2) edgec_dsp_smuad(x01, w.k0)
#define DW3_LOAD3(p) edgec_dsp_load_column3(p, d, &x01, &x2)
#define DW3_LOAD2(p) x01 = edgec_dsp_pack16((p)[0], (p)[d])

/* Stride 1: `count` steps from column p, each finishing the output in
 * ab[0] (to out[i]), adding to ab[1] and starting the next. Kept out of line
 * so that its loop has the registers to itself. */
#define DW3_STRIDE1(name, LOAD, K0, K1, K2, S0)                                               \
  __attribute__((noinline)) static void name(const int8_t *p, int32_t d, int32_t step,       \
                                             dw3_weights w, int32_t *ab, int32_t count,      \
                                             int32_t *out) {                                 \
    uint32_t x01, x2 = 0;                                                                     \
    int32_t a = ab[0], b = ab[1], n;                                                          \
    (void)x2;                                                                                 \
    for (; count >= 3; count -= 3, out += 3) {                                                \
      LOAD(p);                                                                                \
      p += step;                                                                              \
      out[0] = K2(x01, x2, a);                                                                \
      b = K1(x01, x2, b);                                                                     \
      n = S0(x01, x2);                                                                        \
      LOAD(p);                                                                                \
      p += step;                                                                              \
      out[1] = K2(x01, x2, b);                                                                \
      n = K1(x01, x2, n);                                                                     \
      a = S0(x01, x2);                                                                        \
      LOAD(p);                                                                                \
      p += step;                                                                              \
      out[2] = K2(x01, x2, n);                                                                \
      a = K1(x01, x2, a);                                                                     \
      b = S0(x01, x2);                                                                        \
    }                                                                                         \
    for (; count > 0; --count, ++out) {                                                       \
      LOAD(p);                                                                                \
      p += step;                                                                              \
      *out = K2(x01, x2, a);                                                                  \
      a = K1(x01, x2, b);                                                                     \
      b = S0(x01, x2);                                                                        \
    }                                                                                         \
    ab[0] = a;                                                                                \
    ab[1] = b;                                                                                \
  }

/* Stride 2: `count` outputs from column p, the second of the first output;
 * its first is (c01, c2). */
#define DW3_STRIDE2(name, LOAD, K0, K1, K2, S0)                                               \
  __attribute__((noinline)) static void name(const int8_t *p, int32_t d, int32_t step,       \
                                             dw3_weights w, uint32_t c01, uint32_t c2,       \
                                             int32_t count, int32_t *out) {                  \
    uint32_t x01, x2 = c2;                                                                    \
    (void)x2;                                                                                 \
    for (; count > 0; --count, ++out) {                                                       \
      int32_t acc = S0(c01, x2);                                                              \
      LOAD(p);                                                                                \
      p += step;                                                                              \
      acc = K1(x01, x2, acc);                                                                 \
      LOAD(p);                                                                                \
      p += step;                                                                              \
      c01 = x01;                                                                              \
      *out = K2(x01, x2, acc);                                                                \
    }                                                                                         \
  }

DW3_STRIDE1(dw3_stride1_lines3, DW3_LOAD3, DW3_K0, DW3_K1, DW3_K2, DW3_S0)
DW3_STRIDE1(dw3_stride1_lines2, DW3_LOAD2, DW3_K0_2, DW3_K1_2, DW3_K2_2, DW3_S0_2)
DW3_STRIDE2(dw3_stride2_lines3, DW3_LOAD3, DW3_K0, DW3_K1, DW3_K2, DW3_S0)
DW3_STRIDE2(dw3_stride2_lines2, DW3_LOAD2, DW3_K0_2, DW3_K1_2, DW3_K2_2, DW3_S0_2)

/* One output line: its lines at p0, p0 + d (and p0 + 2d with three). */
typedef struct {
  const dw3_geometry *g;
  const int8_t *p0;
  int32_t d;
  int three;
  dw3_weights w;
  uint32_t zero01; /* the input zero point in both lanes: a column outside the input */
  uint32_t zero;
} dw3_line;

/* Column `col`, or the zero-point column outside the input. */
static void dw3_column(const dw3_line *L, int32_t col, uint32_t *x01, uint32_t *x2) {
  const int32_t d = L->d;
  if (col >= 0 && col < L->g->in_len) {
    const int8_t *p = L->p0 + col * L->g->in_step;
    *x01 = edgec_dsp_pack16(p[0], p[d]);
    *x2 = L->three ? (uint32_t)(int32_t)p[2 * d] : 0u;
  } else {
    *x01 = L->zero01;
    *x2 = L->three ? L->zero : 0u;
  }
}

/* The line's sums (without the start value) into sums[0 .. out_len). */
static void dw3_line_sums(const dw3_line *L, int32_t *sums) {
  const dw3_geometry *g = L->g;
  const dw3_weights w = L->w;
  const int32_t pad = g->pad, n = g->out_len, step = g->in_step;
  uint32_t x01, x2;
  int32_t s, o;
  if (g->stride == 1) {
    /* Step s reads column s - pad, finishes output s - 2 (ab[0]), adds to
     * output s - 1 (ab[1]) and starts output s. Steps from 2 whose column
     * is inside run in the loop; the others here. */
    const int32_t inside_end = g->in_len + pad < n + 2 ? g->in_len + pad : n + 2;
    int32_t ab[2] = {0, 0};
    for (s = 0; s < n + 2;) {
      if (s >= 2 && s >= pad && s < inside_end) {
        (L->three ? dw3_stride1_lines3 : dw3_stride1_lines2)(L->p0 + (s - pad) * step, L->d, step, w,
                                                             ab, inside_end - s, sums + s - 2);
        s = inside_end;
        continue;
      }
      dw3_column(L, s - pad, &x01, &x2);
      if (s >= 2) sums[s - 2] = DW3_K2(x01, x2, ab[0]);
      ab[0] = DW3_K1(x01, x2, ab[1]);
      ab[1] = DW3_K0(x01, x2, 0);
      ++s;
    }
  } else {
    /* Output o reads columns 2o - pad .. 2o - pad + 2; from `first`, the
     * second and third are inside up to `last`. */
    const int32_t reach = g->in_len - 3 + pad;
    const int32_t first = pad / 2;
    int32_t last = reach < 0 ? -1 : reach / 2;
    if (last > n - 1) last = n - 1;
    for (o = 0; o < n; ++o) {
      int32_t acc;
      if (o == first && first <= last) {
        dw3_column(L, 2 * o - pad, &x01, &x2);
        (L->three ? dw3_stride2_lines3 : dw3_stride2_lines2)(L->p0 + (2 * o - pad + 1) * step, L->d,
                                                             step, w, x01, x2, last - o + 1, sums + o);
        o = last;
        continue;
      }
      dw3_column(L, 2 * o - pad, &x01, &x2);
      acc = DW3_K0(x01, x2, 0);
      dw3_column(L, 2 * o - pad + 1, &x01, &x2);
      acc = DW3_K1(x01, x2, acc);
      dw3_column(L, 2 * o - pad + 2, &x01, &x2);
      sums[o] = DW3_K2(x01, x2, acc);
    }
  }
}

/* Requantizes a line's sums (plus the start value) into y, out_step apart. */
__attribute__((noinline)) static void dw3_requantize(const int32_t *sums, int32_t n,
                                                     int32_t init, const edgec_dsp_requant *rq,
                                                     int32_t act_min, int32_t act_max,
                                                     int32_t out_step, int8_t *y) {
  const int32_t multiplier = rq->multiplier, round = rq->round, shift = rq->shift;
  const int32_t *end = sums + n;
  if (act_min > -128 || act_max < 127) {
    for (; sums < end; ++sums, y += out_step) {
      const int32_t v = edgec_dsp_requantize(*sums + init, multiplier, round, shift);
      *y = (int8_t)edgec_clamp(v, act_min, act_max);
    }
    return;
  }
  for (; sums + 2 <= end; sums += 2) {
    const int32_t v0 = edgec_dsp_requantize(sums[0] + init, multiplier, round, shift);
    const int32_t v1 = edgec_dsp_requantize(sums[1] + init, multiplier, round, shift);
    y[0] = (int8_t)v0;
    y[out_step] = (int8_t)v1;
    y += 2 * out_step;
  }
  if (sums < end) *y = (int8_t)edgec_dsp_requantize(*sums + init, multiplier, round, shift);
}

/* The weights of a line whose input lines [t0, t1) exist (v: the channel's
 * w(k, t) times 2^pre_shift); returns their sum. */
static int32_t dw3_line_weights(dw3_line *L, const int32_t v[3][3], int32_t t0, int32_t t1) {
  int32_t k, t, sum = 0, z[3][3];
  for (k = 0; k < 3; ++k) {
    for (t = 0; t < 3; ++t) {
      z[k][t] = t >= t0 && t < t1 ? v[k][t] : 0;
      sum += z[k][t];
    }
  }
  L->three = t0 == 0 && t1 == 3;
  if (L->three) {
    L->w.k0 = edgec_dsp_pack16(z[0][0], z[0][1]);
    L->w.k1 = edgec_dsp_pack16(z[1][0], z[1][1]);
    L->w.k2 = edgec_dsp_pack16(z[2][0], z[2][1]);
    L->w.q = edgec_dsp_pack16(z[0][2], z[1][2]);
    L->w.r = (uint32_t)z[2][2];
  } else {
    /* Lines t0 and t0 + 1, or t0 alone (the second weighted 0), or none. */
    t = t1 > t0 ? t0 : 0;
    L->w.k0 = edgec_dsp_pack16(z[0][t], t < 2 ? z[0][t + 1] : 0);
    L->w.k1 = edgec_dsp_pack16(z[1][t], t < 2 ? z[1][t + 1] : 0);
    L->w.k2 = edgec_dsp_pack16(z[2][t], t < 2 ? z[2][t + 1] : 0);
    L->w.q = L->w.r = 0;
  }
  return sum;
}

/* Channel c of every image and output line. v[k][t] are the channel's
 * weights times 2^pre_shift, rq its requantization, scaled_bias its bias
 * times 2^pre_shift. */
static void dw3_channel(const edgec_depthwise_conv2d_s8_params *p, const dw3_geometry *g,
                        const int8_t *input, int8_t *output, int32_t c, const int32_t v[3][3],
                        int32_t scaled_bias, const edgec_dsp_requant *rq) {
  const int32_t image_in = p->input.h * p->input.w * p->input.c;
  const int32_t image_out = p->output.h * p->output.w * p->output.c;
  int32_t sums[DW3_MAX_LINE];
  dw3_line L, full;
  int32_t b, j, full_sum;
  L.g = g;
  L.zero = (uint32_t)-p->input_offset;
  L.zero01 = edgec_dsp_pair16(-p->input_offset);
  full = L;
  full_sum = dw3_line_weights(&full, v, 0, 3);
  for (b = 0; b < p->input.n; ++b) {
    const int8_t *image = input + b * image_in + c;
    for (j = 0; j < g->lines; ++j) {
      /* The input lines under output line j that exist: [t0, t1). */
      const int32_t u0 = j * g->cross_stride - g->cross_pad;
      const int32_t t0 = u0 < 0 ? (-u0 < 3 ? -u0 : 3) : 0;
      const int32_t room = g->cross_in - u0;
      const int32_t t1 = room < 3 ? (room > t0 ? room : t0) : 3;
      int32_t sum;
      if (t0 == 0 && t1 == 3) {
        L = full;
        sum = full_sum;
        L.p0 = image + u0 * g->cross_in_step;
        L.d = g->cross_in_step;
      } else {
        sum = dw3_line_weights(&L, v, t0, t1);
        /* No line at all: every weight is 0 and the reads stay in the image. */
        L.p0 = image + (t1 > t0 ? u0 + t0 : 0) * g->cross_in_step;
        L.d = t1 - t0 >= 2 ? g->cross_in_step : 0;
      }
      dw3_line_sums(&L, sums);
      dw3_requantize(sums, g->out_len,
                     (int32_t)((uint32_t)scaled_bias + (uint32_t)(p->input_offset * sum)), rq,
                     p->act_min, p->act_max, g->out_step,
                     output + b * image_out + j * g->cross_out_step + c);
    }
  }
}

#endif /* EDGEC_DSP_DW3X3_H */
