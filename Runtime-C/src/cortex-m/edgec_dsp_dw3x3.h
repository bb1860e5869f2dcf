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

/* A whole output line at stride 1. Step s = 0 .. n + 1 reads column s - pad
 * (the zero-point column (z01, z2) outside the input), finishes output s - 2
 * into sums[s] (sums[0] and sums[1] are scratch), adds to output s - 1 and
 * starts output s: `lead` zero-point steps, `body` steps over columns
 * 0 .. body - 1 from p, `tail` zero-point steps. Out of line, so that its
 * loop has the registers to itself. */
#define DW3_STRIDE1(name, LOAD, K0, K1, K2, S0)                                               \
  __attribute__((noinline)) static void name(const int8_t *p, int32_t d, int32_t step,       \
                                             dw3_weights w, uint32_t z01, uint32_t z2,       \
                                             int32_t lead, int32_t body, int32_t tail,       \
                                             int32_t *out) {                                 \
    uint32_t x01, x2 = z2;                                                                    \
    int32_t a = 0, b = 0, n;                                                                  \
    (void)x2;                                                                                 \
    for (; lead > 0; --lead, ++out) {                                                         \
      *out = K2(z01, z2, a);                                                                  \
      a = K1(z01, z2, b);                                                                     \
      b = S0(z01, z2);                                                                        \
    }                                                                                         \
    for (; body >= 3; body -= 3, out += 3) {                                                  \
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
    for (; body > 0; --body, ++out) {                                                         \
      LOAD(p);                                                                                \
      p += step;                                                                              \
      *out = K2(x01, x2, a);                                                                  \
      a = K1(x01, x2, b);                                                                     \
      b = S0(x01, x2);                                                                        \
    }                                                                                         \
    for (; tail > 0; --tail, ++out) {                                                         \
      *out = K2(z01, z2, a);                                                                  \
      a = K1(z01, z2, b);                                                                     \
      b = S0(z01, z2);                                                                        \
    }                                                                                         \
  }

/* A whole output line at stride 2: output o reads columns 2o - pad ..
 * 2o - pad + 2 (the zero-point column outside the input). Outputs
 * [first, last] read their second and third columns unchecked from p (the
 * second column of output `first`); the others check every column. sums[o]
 * receives output o. */
#define DW3_STRIDE2(name, LOAD, K0, K1, K2, S0)                                               \
  __attribute__((noinline)) static void name(const int8_t *p0, int32_t d, int32_t step,      \
                                             dw3_weights w, uint32_t z01, uint32_t z2,       \
                                             int32_t pad, int32_t in_len, int32_t n,         \
                                             int32_t first, int32_t last, int32_t *out) {    \
    uint32_t x01, x2 = z2, c01;                                                               \
    int32_t o, k, acc = 0;                                                                    \
    const int8_t *p;                                                                          \
    (void)x2;                                                                                 \
    for (o = 0; o < n; ++o) {                                                                 \
      if (o == first) {                                                                       \
        /* The first column, then the unchecked run. */                                       \
        const int32_t col = 2 * o - pad; /* -1 or 0 */                                        \
        if (col >= 0) {                                                                       \
          LOAD(p0);                                                                           \
        } else {                                                                              \
          x01 = z01;                                                                          \
          x2 = z2;                                                                            \
        }                                                                                     \
        c01 = x01;                                                                            \
        p = p0 + (col + 1) * step;                                                            \
        for (; o <= last; ++o) {                                                              \
          acc = S0(c01, x2);                                                                  \
          LOAD(p);                                                                            \
          p += step;                                                                          \
          acc = K1(x01, x2, acc);                                                             \
          LOAD(p);                                                                            \
          p += step;                                                                          \
          c01 = x01;                                                                          \
          out[o] = K2(x01, x2, acc);                                                          \
        }                                                                                     \
        if (o >= n) break;                                                                    \
      }                                                                                       \
      for (k = 0; k < 3; ++k) {                                                               \
        const int32_t col = 2 * o - pad + k;                                                  \
        if (col >= 0 && col < in_len) {                                                       \
          p = p0 + col * step;                                                                \
          LOAD(p);                                                                            \
        } else {                                                                              \
          x01 = z01;                                                                          \
          x2 = z2;                                                                            \
        }                                                                                     \
        acc = k == 0 ? S0(x01, x2) : (k == 1 ? K1(x01, x2, acc) : K2(x01, x2, acc));           \
      }                                                                                       \
      out[o] = acc;                                                                           \
    }                                                                                         \
  }

DW3_STRIDE1(dw3_stride1_lines3, DW3_LOAD3, DW3_K0, DW3_K1, DW3_K2, DW3_S0)
DW3_STRIDE1(dw3_stride1_lines2, DW3_LOAD2, DW3_K0_2, DW3_K1_2, DW3_K2_2, DW3_S0_2)
DW3_STRIDE2(dw3_stride2_lines3, DW3_LOAD3, DW3_K0, DW3_K1, DW3_K2, DW3_S0)
DW3_STRIDE2(dw3_stride2_lines2, DW3_LOAD2, DW3_K0_2, DW3_K1_2, DW3_K2_2, DW3_S0_2)

/* One output line: its input lines at p0, p0 + d (and p0 + 2d with three). */
typedef struct {
  const int8_t *p0;
  int32_t d;
  int three;
  dw3_weights w;
  int32_t sum; /* Σ w over the lines that exist */
} dw3_line;

/* The line's sums (without the start value): output o into sums[o + 2]. */
static void dw3_line_sums(const dw3_line *L, const dw3_geometry *g, uint32_t z01, uint32_t z2,
                          int32_t *sums) {
  const int32_t pad = g->pad, n = g->out_len, in_len = g->in_len;
  if (g->stride == 1) {
    const int32_t steps = n + 2;
    const int32_t lead = pad < steps ? pad : steps;
    const int32_t body = in_len < steps - lead ? in_len : steps - lead;
    (L->three ? dw3_stride1_lines3 : dw3_stride1_lines2)(
        L->p0, L->d, g->in_step, L->w, z01, L->three ? z2 : 0u, lead, body, steps - lead - body,
        sums);
  } else {
    /* Outputs [first, last] have their second and third columns inside. */
    const int32_t reach = in_len - 3 + pad;
    const int32_t first = pad / 2;
    int32_t last = reach < 0 ? -1 : reach / 2;
    if (last > n - 1) last = n - 1;
    (L->three ? dw3_stride2_lines3 : dw3_stride2_lines2)(
        L->p0, L->d, g->in_step, L->w, z01, L->three ? z2 : 0u, pad, in_len, n,
        first <= last ? first : n, last, sums + 2);
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

/* The weights of a line whose input lines [t0, t1) exist, from the
 * channel's w(k, t) times 2^pre_shift. */
static void dw3_line_weights(dw3_line *L, const int32_t v[3][3], int32_t t0, int32_t t1) {
  int32_t k, t, z[3][3];
  L->sum = 0;
  for (k = 0; k < 3; ++k) {
    for (t = 0; t < 3; ++t) {
      z[k][t] = t >= t0 && t < t1 ? v[k][t] : 0;
      L->sum += z[k][t];
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
}

/* Channel c of every image and output line. v[k][t] are the channel's
 * weights times 2^pre_shift, rq its requantization, scaled_bias its bias
 * times 2^pre_shift. */
static void dw3_channel(const edgec_depthwise_conv2d_s8_params *p, const dw3_geometry *g,
                        const int8_t *input, int8_t *output, int32_t c, const int32_t v[3][3],
                        int32_t scaled_bias, const edgec_dsp_requant *rq) {
  const int32_t image_in = p->input.h * p->input.w * p->input.c;
  const int32_t image_out = p->output.h * p->output.w * p->output.c;
  const uint32_t z01 = edgec_dsp_pair16(-p->input_offset), z2 = (uint32_t)-p->input_offset;
  int32_t sums[DW3_MAX_LINE + 2];
  dw3_line L, full;
  int32_t b, j;
  dw3_line_weights(&full, v, 0, 3);
  for (b = 0; b < p->input.n; ++b) {
    const int8_t *image = input + b * image_in + c;
    for (j = 0; j < g->lines; ++j) {
      /* The input lines under output line j that exist: [t0, t1). */
      const int32_t u0 = j * g->cross_stride - g->cross_pad;
      const int32_t t0 = u0 < 0 ? (-u0 < 3 ? -u0 : 3) : 0;
      const int32_t room = g->cross_in - u0;
      const int32_t t1 = room < 3 ? (room > t0 ? room : t0) : 3;
      if (t0 == 0 && t1 == 3) {
        L = full;
        L.p0 = image + u0 * g->cross_in_step;
        L.d = g->cross_in_step;
      } else {
        dw3_line_weights(&L, v, t0, t1);
        /* No line at all: every weight is 0 and the reads stay in the image. */
        L.p0 = image + (t1 > t0 ? u0 + t0 : 0) * g->cross_in_step;
        L.d = t1 - t0 >= 2 ? g->cross_in_step : 0;
      }
      dw3_line_sums(&L, g, z01, z2, sums);
      dw3_requantize(sums + 2, g->out_len,
                     (int32_t)((uint32_t)scaled_bias + (uint32_t)(p->input_offset * L.sum)), rq,
                     p->act_min, p->act_max, g->out_step,
                     output + b * image_out + j * g->cross_out_step + c);
    }
  }
}

#endif /* EDGEC_DSP_DW3X3_H */
