/*
 * edgec_mul_s8 (Cortex-M, DSP): int8 MUL with broadcasting, bit-exact with
 * src/portable/edgec_mul_s8.c (TFLM's reference_integer_ops::Mul).
 *
 * Four elements at a time: SXTAB16 adds the input offsets while splitting a
 * word into the lanes (0, 2) and (1, 3), SMULBB/SMULTT form the four
 * products, and the SMMULR requantization of edgec_dsp_requant.h (the product
 * is at most 255 · 255, so the fast form applies to every realistic
 * multiplier) brings them back to int8; the four bytes are clamped with
 * SSUB8/SEL and stored as one word. A broadcast input enters the same loop
 * as a constant lane pair. Parameters outside the fast form's range take the
 * portable kernel's arithmetic.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_dsp_requant.h"
#include "edgec_dsp_simd.h"

typedef struct {
  uint32_t offset1, offset2; /* the input offsets in both int16 lanes */
  int32_t multiplier, round, shift, pre_shift;
  uint32_t act_lo, act_hi;
  int clamp;
} mul_plan;

static int8_t mul_one_exact(const edgec_mul_s8_params *p, int32_t a, int32_t b) {
  const int32_t product = (p->input1_offset + a) * (p->input2_offset + b);
  const int32_t raw = p->output_offset + edgec_multiply_by_quantized_multiplier(
                                             product, p->output_multiplier, p->output_shift);
  return (int8_t)edgec_clamp(raw, p->act_min, p->act_max);
}

#define MUL_OUT(product) \
  edgec_dsp_requantize((int32_t)((uint32_t)(product) << pre_shift), multiplier, round, shift)

/* Four outputs from the offset lane pairs (0, 2) and (1, 3) of each input. */
#define MUL_STORE4(a_even, a_odd, b_even, b_odd)                                           \
  do {                                                                                     \
    uint32_t v_ = edgec_dsp_pack4(MUL_OUT(edgec_dsp_smulbb(a_even, b_even)), \
                                  MUL_OUT(edgec_dsp_smulbb(a_odd, b_odd)),   \
                                  MUL_OUT(edgec_dsp_smultt(a_even, b_even)), \
                                  MUL_OUT(edgec_dsp_smultt(a_odd, b_odd)));  \
    if (clamp) v_ = edgec_dsp_clamp4(v_, act_lo, act_hi);                         \
    edgec_dsp_store32(y, v_);                                                              \
  } while (0)

__attribute__((noinline)) static void mul_row(const mul_plan *q, const int8_t *a, int32_t sa, const int8_t *b, int32_t sb,
                    int32_t n, int8_t *y) {
  /* Locals, not q->: a store through int8_t * may alias the plan. */
  const uint32_t offset1 = q->offset1, offset2 = q->offset2;
  const int32_t multiplier = q->multiplier, round = q->round, shift = q->shift;
  const int32_t pre_shift = q->pre_shift;
  const uint32_t act_lo = q->act_lo, act_hi = q->act_hi;
  const int clamp = q->clamp;
  int32_t i;
  if (sa == 1 && sb == 1) {
    for (; n >= 4; n -= 4, a += 4, b += 4, y += 4) {
      const uint32_t wa = edgec_dsp_load32(a), wb = edgec_dsp_load32(b);
      MUL_STORE4(edgec_dsp_sxtab16(offset1, wa), edgec_dsp_sxtab16_ror8(offset1, wa),
                 edgec_dsp_sxtab16(offset2, wb), edgec_dsp_sxtab16_ror8(offset2, wb));
    }
  } else if (sa == 1 && sb == 0) {
    const uint32_t cb = edgec_dsp_pair16((int32_t)b[0] + (int16_t)offset2);
    for (; n >= 4; n -= 4, a += 4, y += 4) {
      const uint32_t wa = edgec_dsp_load32(a);
      MUL_STORE4(edgec_dsp_sxtab16(offset1, wa), edgec_dsp_sxtab16_ror8(offset1, wa), cb, cb);
    }
  } else if (sa == 0 && sb == 1) {
    const uint32_t ca = edgec_dsp_pair16((int32_t)a[0] + (int16_t)offset1);
    for (; n >= 4; n -= 4, b += 4, y += 4) {
      const uint32_t wb = edgec_dsp_load32(b);
      MUL_STORE4(ca, ca, edgec_dsp_sxtab16(offset2, wb), edgec_dsp_sxtab16_ror8(offset2, wb));
    }
  }
  for (i = 0; i < n; ++i) {
    const int32_t raw = MUL_OUT(((int32_t)a[i * sa] + (int16_t)offset1) *
                                ((int32_t)b[i * sb] + (int16_t)offset2));
    y[i] = (int8_t)edgec_clamp(raw, (int8_t)act_lo, (int8_t)act_hi);
  }
}

void edgec_mul_s8(const edgec_mul_s8_params *p, const int8_t *input1, const int8_t *input2,
                  int8_t *output) {
  const edgec_broadcast *b = &p->broadcast;
  const int32_t last = b->rank - 1;
  const int32_t inner = b->dims[last], step1 = b->stride1[last], step2 = b->stride2[last];
  int32_t counter[EDGEC_MAX_DIMS] = {0};
  int32_t base1 = 0, base2 = 0, outer = 1, axis, row, i;
  edgec_dsp_requant out;
  mul_plan q;
  /* |(v1 + offset1) · (v2 + offset2)| <= 255 · 255 for int8 data and offsets. */
  const int fast = p->input1_offset >= -127 && p->input1_offset <= 128 &&
                   p->input2_offset >= -127 && p->input2_offset <= 128 &&
                   edgec_dsp_requant_prepare(p->output_multiplier, p->output_shift,
                                             p->output_offset, 255u * 255u, &out);

  memset(&q, 0, sizeof q);
  for (axis = 0; axis < last; ++axis) outer *= b->dims[axis];
  if (fast) {
    q.offset1 = edgec_dsp_pair16(p->input1_offset);
    q.offset2 = edgec_dsp_pair16(p->input2_offset);
    q.multiplier = out.multiplier;
    q.round = out.round;
    q.shift = out.shift;
    q.pre_shift = out.pre_shift;
    q.act_lo = edgec_dsp_quad8(p->act_min);
    q.act_hi = edgec_dsp_quad8(p->act_max);
    q.clamp = p->act_min > -128 || p->act_max < 127;
  }
  for (row = 0; row < outer; ++row) {
    if (fast) {
      mul_row(&q, input1 + base1, step1, input2 + base2, step2, inner, output);
    } else {
      for (i = 0; i < inner; ++i) {
        output[i] = mul_one_exact(p, input1[base1 + i * step1], input2[base2 + i * step2]);
      }
    }
    output += inner;
    for (axis = last - 1; axis >= 0; --axis) {
      base1 += b->stride1[axis];
      base2 += b->stride2[axis];
      if (++counter[axis] < b->dims[axis]) break;
      base1 -= b->stride1[axis] * b->dims[axis];
      base2 -= b->stride2[axis] * b->dims[axis];
      counter[axis] = 0;
    }
  }
}
