/*
 * edgec runtime (internal, Cortex-M): the four-channel path of
 * edgec_depthwise_conv2d_s8.c (depth multiplier 1, any kernel up to 64
 * taps). Included by that file only.
 *
 * Channels are innermost (NHWC), so one word load brings x[c..c+3] of a tap;
 * SXTAB16 splits it into the int16 lanes (c, c+2) and (c+1, c+3) with the
 * input offset added, and SMLABB/SMLATT accumulate each lane into its own
 * channel (SMLAD would add two channels together). A pixel's taps are reached
 * through a table of pointers, so padding costs no test per tap: a tap outside
 * the input points at a row of the input zero point, where x + input_offset
 * is 0 (TFLM skips such taps, which adds the same 0).
 *
 * For each block of channels the call first prepares, on the stack, one
 * record per group of four channels, in the order the loop consumes it (so
 * that LDM fetches each part): the bias (4 words), per tap the weights as
 * lane pairs (w[c], w[c+2]) and (w[c+1], w[c+3]) (2 words), and per channel
 * the SMMULR requantization of edgec_dsp_requant.h (multiplier, round,
 * shift). Bias and weights are pre-multiplied by 2^pre_shift, so the
 * accumulator needs no shift before SMMULR.
 *
 * On DSP hardware the 3x3 loop is Thumb-2 assembly: nine taps of nine
 * instructions, six per channel to requantize, three BFIs and one store per
 * group of four outputs; GCC spills the loop's fourteen live values.
 */
#ifndef EDGEC_DSP_DW4_H
#define EDGEC_DSP_DW4_H

#include <stdint.h>

#include "edgec/kernels.h"
#include "edgec_dsp_requant.h"
#include "edgec_dsp_simd.h"

enum {
  DW4_MAX_TAPS = 64,     /* kh * kw handled by this path */
  DW4_FIXED = 16,        /* words of a record besides its weights */
  DW4_WORDS = 576,       /* a block's records: 16 groups of a 3x3 kernel */
  DW4_MAX_CHANNELS = 128 /* the widest block, for the zero-point row */
};

/* Channel c's requantization, and its bias times 2^pre_shift. 0 when the
 * fast form could overflow, unless every weight of the channel is 0 (as in
 * channels a model never uses, whose biases can be huge): then acc is the
 * bias whatever the input, and the record yields that constant output. */
EDGEC_DSP_INLINE int dw4_channel(const edgec_depthwise_conv2d_s8_params *p, const int8_t *filter,
                       const int32_t *bias, int32_t c, edgec_dsp_requant *q,
                       int32_t *scaled_bias) {
  const int32_t taps = p->filter.h * p->filter.w;
  const uint32_t products = (uint32_t)taps * 128u * 255u;
  const int32_t b = bias != NULL ? bias[c] : 0;
  const uint32_t b_abs = b < 0 ? 0u - (uint32_t)b : (uint32_t)b;
  int64_t constant;
  int32_t t;
  if (b_abs <= 0x7FFFFFFFu - products &&
      edgec_dsp_requant_prepare(p->multiplier[c], p->shift[c], p->output_offset,
                                products + b_abs, q) &&
      q->pre_shift <= 8) { /* the weights must stay int16 after the pre-shift */
    *scaled_bias = (int32_t)((uint32_t)b << q->pre_shift);
    return 1;
  }
  for (t = 0; t < taps; ++t) {
    if (filter[t * p->filter.c + c] != 0) return 0;
  }
  constant = (int64_t)edgec_multiply_by_quantized_multiplier(b, p->multiplier[c], p->shift[c]) +
             p->output_offset;
  /* (2 · 0 + round + 0) >> 1 = the constant, saturated as SSAT would. */
  q->multiplier = 0;
  q->round = 2 * (int32_t)(constant < -128 ? -128 : (constant > 127 ? 127 : constant));
  q->shift = 1;
  q->pre_shift = 1;
  *scaled_bias = 0;
  return 1;
}

/* Fills the records of channels [c0, c0 + 4 * groups) and returns how many
 * groups from the first could be prepared (the next needs the scalar path). */
static int32_t dw4_prepare(const edgec_depthwise_conv2d_s8_params *p, const int8_t *filter,
                           const int32_t *bias, int32_t c0, int32_t groups, uint32_t *record) {
  const int32_t taps = p->filter.h * p->filter.w, depth = p->filter.c;
  uint32_t *requant = record + 4 + 2 * taps;
  int32_t g, k, t;
  for (g = 0; g < groups; ++g, record += DW4_FIXED + 2 * taps, requant += DW4_FIXED + 2 * taps) {
    int32_t pre[4];
    for (k = 0; k < 4; ++k) {
      edgec_dsp_requant q;
      int32_t scaled_bias;
      if (!dw4_channel(p, filter, bias, c0 + 4 * g + k, &q, &scaled_bias)) return g;
      record[k] = (uint32_t)scaled_bias;
      requant[3 * k] = (uint32_t)q.multiplier;
      requant[3 * k + 1] = (uint32_t)q.round;
      requant[3 * k + 2] = (uint32_t)q.shift;
      pre[k] = q.pre_shift;
    }
    if (pre[0] == 1 && pre[1] == 1 && pre[2] == 1 && pre[3] == 1) {
      /* The usual case: SXTB16 splits four weights into lanes, SADD16 doubles them. */
      const int8_t *w = filter + c0 + 4 * g;
      for (t = 0; t < taps; ++t, w += depth) {
        const uint32_t x = edgec_dsp_load32(w);
        const uint32_t even = edgec_dsp_sxtab16(0, x), odd = edgec_dsp_sxtab16_ror8(0, x);
        record[4 + 2 * t] = edgec_dsp_sadd16(even, even);
        record[5 + 2 * t] = edgec_dsp_sadd16(odd, odd);
      }
      continue;
    }
    for (t = 0; t < taps; ++t) {
      const int8_t *w = filter + t * depth + c0 + 4 * g;
      record[4 + 2 * t] = (((uint32_t)(int32_t)w[0] << pre[0]) & 0xFFFFu) |
                          ((uint32_t)(int32_t)w[2] << (16 + pre[2]));
      record[5 + 2 * t] = (((uint32_t)(int32_t)w[1] << pre[1]) & 0xFFFFu) |
                          ((uint32_t)(int32_t)w[3] << (16 + pre[3]));
    }
  }
  return groups;
}

/* One output pixel of any kernel, every group of the block, in C: tap[t]
 * points at tap t's first channel of the block (or at the zero-point row).
 * Stores the four requantized bytes of each group, not yet clamped. */
static void dw4_pixel(const int8_t *const *tap, int32_t taps, const uint32_t *r, int32_t groups,
                      uint32_t offset2, int8_t *y) {
  int32_t c, t;
  for (c = 0; c < 4 * groups; c += 4) {
    const uint32_t *q;
    int32_t a0 = (int32_t)r[0], a1 = (int32_t)r[1], a2 = (int32_t)r[2], a3 = (int32_t)r[3];
    r += 4;
    for (t = 0; t < taps; ++t, r += 2) {
      const uint32_t x = edgec_dsp_load32(tap[t] + c);
      const uint32_t even = edgec_dsp_sxtab16(offset2, x), odd = edgec_dsp_sxtab16_ror8(offset2, x);
      a0 = edgec_dsp_smlabb(even, r[0], a0);
      a2 = edgec_dsp_smlatt(even, r[0], a2);
      a1 = edgec_dsp_smlabb(odd, r[1], a1);
      a3 = edgec_dsp_smlatt(odd, r[1], a3);
    }
    q = r;
    r += 12;
    edgec_dsp_store32(y + c, edgec_dsp_pack4(edgec_dsp_requantize(a0, (int32_t)q[0], (int32_t)q[1], (int32_t)q[2]),
                                             edgec_dsp_requantize(a1, (int32_t)q[3], (int32_t)q[4], (int32_t)q[5]),
                                             edgec_dsp_requantize(a2, (int32_t)q[6], (int32_t)q[7], (int32_t)q[8]),
                                             edgec_dsp_requantize(a3, (int32_t)q[9], (int32_t)q[10], (int32_t)q[11])));
  }
}

#if EDGEC_DSP_HARDWARE

/* One tap t (table offset 4t) of the assembly loop: r0 the tap table, r1 the
 * record, r2 the channel offset, r3 the offset lanes, r4-r7 the sums. */
#define DW4_TAP(offset)                        \
  "ldr     lr, [r0, #" offset "]\n\t"          \
  "ldr     r8, [lr, r2]\n\t"                   \
  "sxtab16 r9, r3, r8\n\t"                     \
  "sxtab16 r10, r3, r8, ror #8\n\t"            \
  "ldmia   r1!, {r11, r12}\n\t"                \
  "smlabb  r4, r9, r11, r4\n\t"                \
  "smlatt  r6, r9, r11, r6\n\t"                \
  "smlabb  r5, r10, r12, r5\n\t"               \
  "smlatt  r7, r10, r12, r7\n\t"

/* Requantizes the sum in register `acc` into an int8 in the same register. */
#define DW4_REQUANT(acc)                       \
  "ldmia   r1!, {r8, r9, r10}\n\t"             \
  "smmulr  r11, " acc ", r8\n\t"               \
  "add     r12, r9, r11, lsl #1\n\t"           \
  "add     r12, r12, r11, asr #31\n\t"         \
  "asr     r12, r12, r10\n\t"                  \
  "ssat    " acc ", #8, r12\n\t"

/* dw4_pixel for a 3x3 kernel (groups >= 1), in assembly. */
__attribute__((naked, noinline)) static void dw4_pixel_3x3(
    const int8_t *const *tap __attribute__((unused)), const uint32_t *r __attribute__((unused)),
    int32_t groups __attribute__((unused)), uint32_t offset2 __attribute__((unused)),
    int8_t *y __attribute__((unused))) {
  __asm__(
      "push    {r4-r11, lr}\n\t"
      "lsls    r2, r2, #2\n\t"
      "push    {r2}\n\t" /* [sp]: the channel offset where the block ends; y at [sp, #40] */
      "movs    r2, #0\n\t"
      "1:\n\t"
      "ldmia   r1!, {r4-r7}\n\t"
      DW4_TAP("0") DW4_TAP("4") DW4_TAP("8") DW4_TAP("12") DW4_TAP("16") DW4_TAP("20")
      DW4_TAP("24") DW4_TAP("28") DW4_TAP("32")
      DW4_REQUANT("r4") DW4_REQUANT("r5") DW4_REQUANT("r6") DW4_REQUANT("r7")
      "bfi     r4, r5, #8, #8\n\t"
      "bfi     r4, r6, #16, #8\n\t"
      "bfi     r4, r7, #24, #8\n\t"
      "ldr     r8, [sp, #40]\n\t"
      "str     r4, [r8, r2]\n\t"
      "adds    r2, r2, #4\n\t"
      "ldr     r8, [sp]\n\t"
      "cmp     r2, r8\n\t"
      "bne     1b\n\t"
      "add     sp, sp, #4\n\t"
      "pop     {r4-r11, pc}\n\t");
}

#else

static void dw4_pixel_3x3(const int8_t *const *tap, const uint32_t *r, int32_t groups,
                          uint32_t offset2, int8_t *y) {
  dw4_pixel(tap, 9, r, groups, offset2, y);
}

#endif

/* The activation clamp of `groups` words of four int8 lanes at y. */
static void dw4_clamp(int8_t *y, int32_t groups, uint32_t lo4, uint32_t hi4) {
  int32_t g;
  for (g = 0; g < groups; ++g, y += 4) edgec_dsp_store32(y, edgec_dsp_clamp4(edgec_dsp_load32(y), lo4, hi4));
}

#endif /* EDGEC_DSP_DW4_H */
