/*
 * edgec runtime (internal, Cortex-M): the residual ADD in the epilogue of
 * the fused CONV_2D + ADD (edgec_conv2d_add_s8). The convolution's int8
 * values come from a small buffer (never the output: it may be the skip
 * tensor), and each output element is written right after its skip element
 * is read, so the sum may overwrite the skip tensor in place.
 *
 * The arithmetic is edgec/residual.h's, TFLM's ADD. Both input terms are
 * rescalings of an int8 value, ((v + offset) << left_shift) · m / 2^(31 - shift),
 * which edgec_dsp_requant.h computes exactly in four instructions
 * (the Cortex-M edgec_add_s8 tabulates the same values); the sum then
 * takes the output's requantization. edgec_cm_residual_prepare checks from
 * the terms' extremes that no step overflows, as edgec_add_s8 does; when it
 * cannot, every element takes edgec_residual_add_s8.
 */
#ifndef EDGEC_CM_RESIDUAL_H
#define EDGEC_CM_RESIDUAL_H

#include <stdint.h>

#include "edgec/kernels.h"
#include "edgec/residual.h"
#include "edgec_dsp_requant.h"

typedef struct {
  const edgec_residual_s8 *exact;
  int fast;
  int32_t conv_pre, skip_pre; /* (v + offset) << pre: the scaled input */
  edgec_dsp_requant conv, skip, out;
  int32_t out_pre;            /* the terms' sum is shifted left by this */
  int32_t act_min, act_max;
} edgec_cm_residual;

/* One input's fast form: 0 if it does not apply. *max_abs bounds the term. */
static inline int edgec_cm_residual_term(const edgec_residual_s8 *a, int32_t offset,
                                         int32_t multiplier, int32_t shift, edgec_dsp_requant *q,
                                         int32_t *max_abs) {
  int32_t lo, hi;
  if (shift > 0 || a->left_shift < 0 || a->left_shift > 22 || offset < -127 || offset > 128 ||
      !edgec_dsp_requant_prepare(multiplier, shift, 0, 255u << a->left_shift, q)) {
    return 0;
  }
  /* The rescaling is monotone in v: its extremes are at v = -128 and 127. */
  lo = edgec_dsp_rescale((int32_t)((uint32_t)(offset - 128) << (a->left_shift + 1)), q->multiplier,
                         q->round, q->shift);
  hi = edgec_dsp_rescale((int32_t)((uint32_t)(offset + 127) << (a->left_shift + 1)), q->multiplier,
                         q->round, q->shift);
  lo = lo < 0 ? -lo : lo;
  hi = hi < 0 ? -hi : hi;
  *max_abs = lo > hi ? lo : hi;
  return 1;
}

static inline void edgec_cm_residual_prepare(const edgec_residual_s8 *a, edgec_cm_residual *r) {
  int32_t max_conv = 0, max_skip = 0;
  r->exact = a;
  r->act_min = a->act_min;
  r->act_max = a->act_max;
  r->conv_pre = r->skip_pre = a->left_shift + 1;
  r->fast = a->output_shift <= 0 &&
            edgec_cm_residual_term(a, a->conv_offset, a->conv_multiplier, a->conv_shift, &r->conv,
                                   &max_conv) &&
            edgec_cm_residual_term(a, a->skip_offset, a->skip_multiplier, a->skip_shift, &r->skip,
                                   &max_skip) &&
            max_conv <= 0x3FFFFFFF - max_skip &&
            edgec_dsp_requant_prepare(a->output_multiplier, a->output_shift, a->output_offset,
                                      (uint32_t)(max_conv + max_skip), &r->out);
  r->out_pre = r->fast ? r->out.pre_shift : 0;
}

/* out[i] = ADD(conv[i], skip[i]) for i < n; skip[i] is read before out[i]
 * is written, and out may be skip. */
static inline void edgec_cm_residual_apply(const edgec_cm_residual *r, const int8_t *conv,
                                           const int8_t *skip, int8_t *out, int32_t n) {
  int32_t i;
  if (!r->fast) {
    for (i = 0; i < n; ++i) {
      const int32_t s = skip[i];
      out[i] = edgec_residual_add_s8(r->exact, conv[i], s);
    }
    return;
  }
  {
    /* Locals: a store through int8_t * may alias the plan. */
    const int32_t conv_base = (int32_t)((uint32_t)r->exact->conv_offset << r->conv_pre);
    const int32_t skip_base = (int32_t)((uint32_t)r->exact->skip_offset << r->skip_pre);
    const int32_t pre = r->conv_pre, out_pre = r->out_pre;
    const int32_t cm = r->conv.multiplier, cr = r->conv.round, cs = r->conv.shift;
    const int32_t sm = r->skip.multiplier, sr = r->skip.round, ss = r->skip.shift;
    const int32_t om = r->out.multiplier, orr = r->out.round, os = r->out.shift;
    const int32_t lo = r->act_min, hi = r->act_max;
    for (i = 0; i < n; ++i) {
      const int32_t s = skip[i];
      const int32_t x = edgec_dsp_rescale(conv_base + (int32_t)((uint32_t)conv[i] << pre), cm, cr, cs);
      const int32_t y = edgec_dsp_rescale(skip_base + (int32_t)((uint32_t)s << pre), sm, sr, ss);
      const int32_t v = edgec_dsp_rescale((int32_t)((uint32_t)(x + y) << out_pre), om, orr, os);
      out[i] = (int8_t)(v < lo ? lo : (v > hi ? hi : v));
    }
  }
}

#endif /* EDGEC_CM_RESIDUAL_H */
