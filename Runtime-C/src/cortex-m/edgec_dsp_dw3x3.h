/*
 * edgec runtime (internal, Cortex-M): the 3x3 path of
 * edgec_depthwise_conv2d_s8.c (depth multiplier 1, no dilation, stride 1
 * along the sliding axis). Included by that file only.
 *
 * One output channel at a time, one output line at a time, sliding along the
 * longer output axis. The three input lines under an output line are read
 * one "column" (the three taps across the line) at a time: two of its values
 * go into the int16 lanes of one word, so SMLAD applies two taps at once and
 * SMLABB/SMLABT the third. Every column serves three consecutive outputs
 * (slide taps 2, 1 and 0): one finished, one continued, one started. A
 * column costs three loads and a PKHBT, an output six multiply-accumulates
 * and a store of the raw sum; a second loop then requantizes the line
 * (edgec_dsp_requant.h). Splitting the two keeps each loop within the core's
 * registers; both are assembly on DSP hardware (edgec_dsp_dw3_asm.h).
 *
 * The input offset is folded into the accumulator's start, (bias + offset ·
 * Σ w) · 2^pre_shift, so the loaded int8 values are used raw. Padding then
 * needs no test inside the loop: a line outside the input gets zero weights
 * (and leaves the sum), and a column outside the input is replaced by the
 * zero point, whose raw value times w cancels its share of offset · Σ w,
 * exactly like TFLM's skipped tap. The steps past either end of the line
 * use that column; the loop between them loads unchecked.
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
#define DW3_K1(x01, x2, acc) edgec_dsp_smlabt(x2, w.q, edgec_dsp_smlad(x01, w.k1, acc))
#define DW3_K2(x01, x2, acc) edgec_dsp_smlabb(x2, w.r, edgec_dsp_smlad(x01, w.k2, acc))
#define DW3_S0(x01, x2) edgec_dsp_smlabb(x2, w.q, edgec_dsp_smuad(x01, w.k0))
#define DW3_K1_2(x01, x2, acc) edgec_dsp_smlad(x01, w.k1, acc)
#define DW3_K2_2(x01, x2, acc) edgec_dsp_smlad(x01, w.k2, acc)
#define DW3_S0_2(x01, x2) edgec_dsp_smuad(x01, w.k0)
#define DW3_LOAD3(p) edgec_dsp_load_column3(p, d, &x01, &x2)
#define DW3_LOAD2(p) x01 = edgec_dsp_pack16((p)[0], (p)[d])

/* A whole output line at stride 1. Step s = 0 .. n + 1 reads column s - pad
 * (the zero-point column (z01, z2) outside the input), finishes output s - 2
 * into out[s] (out[0] and out[1] are scratch), adds to output s - 1 and
 * starts output s: `lead` zero-point steps, `body` steps over columns
 * 0 .. body - 1 from p, `tail` zero-point steps. The assembly in
 * edgec_dsp_dw3_asm.h reads this struct by offset: keep the order. */
typedef struct {
  const int8_t *p;
  int32_t d, step;
  dw3_weights w;
  uint32_t z01, z2;
  int32_t lead, body, tail;
  int32_t *out;
} dw3_run;

/* A line's requantization: y[i · out_step] = the int8 of sums[i] + init.
 * Read by offset in edgec_dsp_dw3_asm.h too. */
typedef struct {
  const int32_t *sums;
  int32_t n, init, multiplier, round, shift, out_step;
  int8_t *y;
} dw3_out;

/* The stride-1 line in C (off-target, or as the reference of the assembly):
 * one step finishes a (into *out), moves b plus slide tap 1 into a and
 * starts b. */
#define DW3_STEP(x01, x2, K1, K2, S0)    \
  do {                                   \
    *out++ = K2(x01, x2, a);             \
    a = K1(x01, x2, b);                  \
    b = S0(x01, x2);                     \
  } while (0)

#define DW3_STRIDE1(name, LOAD, K1, K2, S0)                                                   \
  static void name(const dw3_run *run) {                                                      \
    const dw3_weights w = run->w;                                                             \
    const int32_t d = run->d, step = run->step;                                               \
    const uint32_t z01 = run->z01, z2 = run->z2;                                              \
    const int8_t *p = run->p;                                                                 \
    int32_t *out = run->out, a = 0, b = 0, i;                                                 \
    uint32_t x01, x2 = z2;                                                                    \
    (void)x2;                                                                                 \
    (void)d;                                                                                  \
    for (i = 0; i < run->lead; ++i) DW3_STEP(z01, z2, K1, K2, S0);                            \
    for (i = 0; i < run->body; ++i, p += step) {                                              \
      LOAD(p);                                                                                \
      DW3_STEP(x01, x2, K1, K2, S0);                                                          \
    }                                                                                         \
    for (i = 0; i < run->tail; ++i) DW3_STEP(z01, z2, K1, K2, S0);                            \
  }

#if EDGEC_DSP_HARDWARE
#include "edgec_dsp_dw3_asm.h"
#else
DW3_STRIDE1(dw3_stride1_lines3, DW3_LOAD3, DW3_K1, DW3_K2, DW3_S0)
DW3_STRIDE1(dw3_stride1_lines2, DW3_LOAD2, DW3_K1_2, DW3_K2_2, DW3_S0_2)
static void dw3_requantize(const dw3_out *o, int32_t act_min, int32_t act_max);
static void dw3_requantize_full(const dw3_out *o) { dw3_requantize(o, -128, 127); }
#endif

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
  const int32_t steps = g->out_len + 2;
  dw3_run run;
  run.p = L->p0;
  run.d = L->d;
  run.step = g->in_step;
  run.w = L->w;
  run.z01 = z01;
  run.z2 = L->three ? z2 : 0u;
  run.lead = g->pad < steps ? g->pad : steps;
  run.body = g->in_len < steps - run.lead ? g->in_len : steps - run.lead;
  run.tail = steps - run.lead - run.body;
  run.out = sums;
  (L->three ? dw3_stride1_lines3 : dw3_stride1_lines2)(&run);
}

/* Requantizes a line's sums (plus the start value) into y, out_step apart,
 * clamped to [act_min, act_max]. (dw3_requantize_full in
 * edgec_dsp_dw3_asm.h does the same without the clamp.) */
static void dw3_requantize(const dw3_out *o, int32_t act_min, int32_t act_max) {
  const int32_t *sums = o->sums;
  int8_t *y = o->y;
  int32_t i;
  for (i = 0; i < o->n; ++i, y += o->out_step) {
    const int32_t v = edgec_dsp_requantize(sums[i] + o->init, o->multiplier, o->round, o->shift);
    *y = (int8_t)edgec_clamp(v, act_min, act_max);
  }
}

/* The weights of a line whose input lines [t0, t1) exist, from the
 * channel's w(k, t) times 2^pre_shift (v[k][t]). */
static void dw3_line_weights(dw3_line *L, const int32_t v[3][3], int32_t t0, int32_t t1) {
  /* m[t]: all ones where cross line t exists. */
  const int32_t m0 = t0 <= 0 && t1 > 0 ? -1 : 0, m1 = t0 <= 1 && t1 > 1 ? -1 : 0;
  const int32_t m2 = t0 <= 2 && t1 > 2 ? -1 : 0;
  L->sum = ((v[0][0] + v[1][0] + v[2][0]) & m0) + ((v[0][1] + v[1][1] + v[2][1]) & m1) +
           ((v[0][2] + v[1][2] + v[2][2]) & m2);
  L->three = t0 == 0 && t1 == 3;
  if (L->three) {
    L->w.k0 = edgec_dsp_pack16(v[0][0], v[0][1]);
    L->w.k1 = edgec_dsp_pack16(v[1][0], v[1][1]);
    L->w.k2 = edgec_dsp_pack16(v[2][0], v[2][1]);
    L->w.q = edgec_dsp_pack16(v[0][2], v[1][2]);
    L->w.r = (uint32_t)v[2][2];
  } else if (t1 - t0 >= 2) {
    /* Lines t0 and t0 + 1. */
    L->w.k0 = edgec_dsp_pack16(v[0][t0], v[0][t0 + 1]);
    L->w.k1 = edgec_dsp_pack16(v[1][t0], v[1][t0 + 1]);
    L->w.k2 = edgec_dsp_pack16(v[2][t0], v[2][t0 + 1]);
    L->w.q = L->w.r = 0;
  } else {
    /* Line t0 alone (read twice, the second weighted 0), or none at all. */
    const int32_t m = t1 > t0 ? -1 : 0, t = t1 > t0 ? t0 : 0;
    L->w.k0 = (uint32_t)(v[0][t] & m) & 0xFFFFu;
    L->w.k1 = (uint32_t)(v[1][t] & m) & 0xFFFFu;
    L->w.k2 = (uint32_t)(v[2][t] & m) & 0xFFFFu;
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
  const int clamp = p->act_min > -128 || p->act_max < 127;
  int32_t sums[DW3_MAX_LINE + 2];
  dw3_line L, full, edge[2];
  int32_t edge_key[2] = {-1, -1};
  dw3_out out;
  int32_t b, j;
  dw3_line_weights(&full, v, 0, 3);
  out.sums = sums + 2;
  out.n = g->out_len;
  out.multiplier = rq->multiplier;
  out.round = rq->round;
  out.shift = rq->shift;
  out.out_step = g->out_step;
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
        /* The same few edge lines recur in every image: keep the last two. */
        const int32_t key = 4 * t0 + t1;
        if (key != edge_key[0]) {
          if (key == edge_key[1]) {
            const dw3_line swap = edge[0];
            edge[0] = edge[1];
            edge[1] = swap;
            edge_key[1] = edge_key[0];
          } else {
            edge[1] = edge[0];
            edge_key[1] = edge_key[0];
            dw3_line_weights(&edge[0], v, t0, t1);
          }
          edge_key[0] = key;
        }
        L = edge[0];
        /* No line at all: every weight is 0 and the reads stay in the image. */
        L.p0 = image + (t1 > t0 ? u0 + t0 : 0) * g->cross_in_step;
        L.d = t1 - t0 >= 2 ? g->cross_in_step : 0;
      }
      dw3_line_sums(&L, g, z01, z2, sums);
      out.init = (int32_t)((uint32_t)scaled_bias + (uint32_t)(p->input_offset * L.sum));
      out.y = output + b * image_out + j * g->cross_out_step + c;
      if (clamp) {
        dw3_requantize(&out, p->act_min, p->act_max);
      } else {
        dw3_requantize_full(&out);
      }
    }
  }
}

#endif /* EDGEC_DSP_DW3X3_H */
