/*
 * edgec runtime (internal, Cortex-M): the residual ADD in the epilogue of
 * the fused CONV_2D + ADD (edgec_conv2d_add_s8). The convolution's int8
 * values come from a small buffer (never the output: it may be the skip
 * tensor), and each output element is written after its skip element is
 * read, so the sum may overwrite the skip tensor in place.
 *
 * The arithmetic is edgec/residual.h's, TFLM's ADD. Each input term is a
 * rescaling of an int8 value v, ((v + offset) << 20) · m / 2^(31 - shift),
 * which edgec_dsp_requant.h computes exactly with one SMMULR and three
 * ALU instructions (the Cortex-M edgec_add_s8 tabulates the same values);
 * the sum of the terms then takes the output's requantization. In assembly
 * two elements at a time, the constants reloaded by LDM (no register is left
 * to keep them): 24 instructions an element, 31 with a clamp narrower than
 * int8's. edgec_cm_residual_prepare checks from the terms' extremes that no
 * step overflows, as edgec_add_s8 does; when it cannot (or left_shift is not
 * TFLite's 20), the elements take edgec_residual_add_s8.
 */
#ifndef EDGEC_CM_RESIDUAL_H
#define EDGEC_CM_RESIDUAL_H

#include <stdint.h>

#include "edgec/kernels.h"
#include "edgec/residual.h"
#include "edgec_cm_dot.h"
#include "edgec_dsp_requant.h"

/* Read by the assembly in this order: the conv term's (offset << 21, m, R,
 * sh), the skip term's, then the output's (m, R, sh) and the clamp. */
typedef struct {
  int32_t conv_base, conv_multiplier, conv_round, conv_shift;
  int32_t skip_base, skip_multiplier, skip_round, skip_shift;
  int32_t out_multiplier, out_round, out_shift, act_min, act_max;
} edgec_cm_residual_form;

typedef struct {
  const edgec_residual_s8 *exact;
  int fast;  /* the assembly applies */
  int clamp; /* act_min/act_max narrower than int8 */
  edgec_cm_residual_form form;
} edgec_cm_residual;

typedef struct {
  const edgec_cm_residual_form *form; /* 0 */
  const int8_t *conv;                 /* 4: rows of n values, contiguous */
  const int8_t *skip;                 /* 8 */
  int8_t *out;                        /* 12: may be skip */
  int32_t n;                          /* 16: values a row, even, >= 2 */
  int32_t rows;                       /* 20: >= 1 */
  int32_t step;                       /* 24: skip and out bytes from a row to the next */
} edgec_cm_residual_args;

/* One input's fast form; 0 if it does not apply. *max_abs bounds the term. */
static inline int edgec_cm_residual_term(int32_t offset, int32_t multiplier, int32_t shift,
                                         edgec_dsp_requant *q, int32_t *max_abs) {
  int32_t lo, hi;
  if (shift > 0 || offset < -127 || offset > 128 ||
      !edgec_dsp_requant_prepare(multiplier, shift, 0, 255u << 20, q)) {
    return 0;
  }
  /* The rescaling is monotone in v: its extremes are at v = -128 and 127. */
  lo = edgec_dsp_rescale((int32_t)((uint32_t)(offset - 128) << 21), q->multiplier, q->round,
                         q->shift);
  hi = edgec_dsp_rescale((int32_t)((uint32_t)(offset + 127) << 21), q->multiplier, q->round,
                         q->shift);
  lo = lo < 0 ? -lo : lo;
  hi = hi < 0 ? -hi : hi;
  *max_abs = lo > hi ? lo : hi;
  return 1;
}

static inline void edgec_cm_residual_prepare(const edgec_residual_s8 *a, edgec_cm_residual *r) {
  edgec_dsp_requant conv, skip, out;
  int32_t max_conv = 0, max_skip = 0;
  edgec_cm_residual_form *f = &r->form;
  r->exact = a;
  r->clamp = a->act_min > -128 || a->act_max < 127;
  /* Terms with shift <= 0 have pre_shift 1: (v + offset) << 21. The sum's
   * pre_shift is 1 too (output_shift <= 0), a doubling in the assembly. */
  r->fast = a->left_shift == 20 && a->output_shift <= 0 &&
            edgec_cm_residual_term(a->conv_offset, a->conv_multiplier, a->conv_shift, &conv,
                                   &max_conv) &&
            edgec_cm_residual_term(a->skip_offset, a->skip_multiplier, a->skip_shift, &skip,
                                   &max_skip) &&
            max_conv <= 0x3FFFFFFF - max_skip &&
            edgec_dsp_requant_prepare(a->output_multiplier, a->output_shift, a->output_offset,
                                      (uint32_t)(max_conv + max_skip), &out) &&
            out.pre_shift == 1;
  if (!r->fast) return;
  f->conv_base = (int32_t)((uint32_t)a->conv_offset << 21);
  f->conv_multiplier = conv.multiplier;
  f->conv_round = conv.round;
  f->conv_shift = conv.shift;
  f->skip_base = (int32_t)((uint32_t)a->skip_offset << 21);
  f->skip_multiplier = skip.multiplier;
  f->skip_round = skip.round;
  f->skip_shift = skip.shift;
  f->out_multiplier = out.multiplier;
  f->out_round = out.round;
  f->out_shift = out.shift;
  f->act_min = a->act_min;
  f->act_max = a->act_max;
}

/* Two elements' term into t0, t1 from values at `from` (r4-r7: base, m, R,
 * sh; scratch r10, r11, lr). */
#define EDGEC_CM_RESIDUAL_TERM(load0, load1, t0, t1, add)                                     \
  load0 load1 "add     r10, r4, r10, lsl #21\n\t"                                             \
  "add     r11, r4, r11, lsl #21\n\t"                                                         \
  "smmulr  r10, r10, r5\n\t"                                                                  \
  "smmulr  r11, r11, r5\n\t"                                                                  \
  "add     lr, r6, r10, lsl #1\n\t"                                                           \
  "add     lr, lr, r10, asr #31\n\t"                                                          \
  "asr     lr, lr, r7\n\t" add("r8") "add     lr, r6, r11, lsl #1\n\t"                        \
  "add     lr, lr, r11, asr #31\n\t"                                                          \
  "asr     lr, lr, r7\n\t" add("r9")
#define EDGEC_CM_RESIDUAL_SET(t) "mov     " t ", lr\n\t"
#define EDGEC_CM_RESIDUAL_ADD(t) "add     " t ", " t ", lr\n\t"
/* Values r10, r11 clamped to [act_min, act_max] (r4 = &form->act_min). */
#define EDGEC_CM_RESIDUAL_CLAMP                                                                \
  "ldrd    r4, r5, [r12, #44]\n\t"                                                            \
  "cmp     r10, r4\n\t"                                                                       \
  "it      lt\n\t"                                                                            \
  "movlt   r10, r4\n\t"                                                                       \
  "cmp     r11, r4\n\t"                                                                       \
  "it      lt\n\t"                                                                            \
  "movlt   r11, r4\n\t"                                                                       \
  "cmp     r10, r5\n\t"                                                                       \
  "it      gt\n\t"                                                                            \
  "movgt   r10, r5\n\t"                                                                       \
  "cmp     r11, r5\n\t"                                                                       \
  "it      gt\n\t"                                                                            \
  "movgt   r11, r5\n\t"

/* r0 values, r1 skip, r2 out, r3 the row's end, r12 the form; [sp] n,
 * [sp, #4] rows left, [sp, #8] step. */
#define EDGEC_CM_RESIDUAL_ASM(clamp)                                                          \
  __asm__("push    {r4-r11, lr}\n\t"                                                          \
          "ldmia   r0, {r0-r6}\n\t"                                                           \
          "push    {r4-r6}\n\t"                                                               \
          "mov     r12, r0\n\t"                                                               \
          "mov     r0, r1\n\t"                                                                \
          "mov     r1, r2\n\t"                                                                \
          "mov     r2, r3\n\t"                                                                \
          "0:\n\t"                                                                            \
          "ldr     r3, [sp]\n\t"                                                              \
          "add     r3, r0, r3\n\t"                                                            \
          "1:\n\t"                                                                            \
          "ldmia   r12, {r4-r7}\n\t" EDGEC_CM_RESIDUAL_TERM(                                  \
              "ldrsb   r10, [r0], #1\n\t", "ldrsb   r11, [r0], #1\n\t", "r8", "r9",            \
              EDGEC_CM_RESIDUAL_SET) "ldrd    r4, r5, [r12, #16]\n\t"                         \
          "ldrd    r6, r7, [r12, #24]\n\t" EDGEC_CM_RESIDUAL_TERM(                            \
              "ldrsb   r10, [r1], #1\n\t", "ldrsb   r11, [r1], #1\n\t", "r8", "r9",            \
              EDGEC_CM_RESIDUAL_ADD) "ldrd    r4, r5, [r12, #32]\n\t"                         \
          "ldr     r6, [r12, #40]\n\t"                                                        \
          "lsl     r8, r8, #1\n\t"                                                            \
          "lsl     r9, r9, #1\n\t"                                                            \
          "smmulr  r8, r8, r4\n\t"                                                            \
          "smmulr  r9, r9, r4\n\t"                                                            \
          "add     r10, r5, r8, lsl #1\n\t"                                                   \
          "add     r10, r10, r8, asr #31\n\t"                                                 \
          "asr     r10, r10, r6\n\t"                                                          \
          "add     r11, r5, r9, lsl #1\n\t"                                                   \
          "add     r11, r11, r9, asr #31\n\t"                                                 \
          "asr     r11, r11, r6\n\t"                                                          \
          "ssat    r10, #8, r10\n\t"                                                          \
          "ssat    r11, #8, r11\n\t" clamp "strb    r10, [r2], #1\n\t"                        \
          "strb    r11, [r2], #1\n\t"                                                         \
          "cmp     r0, r3\n\t"                                                                \
          "bne     1b\n\t"                                                                    \
          "ldrd    r4, r5, [sp]\n\t"                                                          \
          "ldr     r6, [sp, #8]\n\t"                                                          \
          "sub     r6, r6, r4\n\t"                                                            \
          "add     r1, r1, r6\n\t"                                                            \
          "add     r2, r2, r6\n\t"                                                            \
          "subs    r5, r5, #1\n\t"                                                            \
          "str     r5, [sp, #4]\n\t"                                                          \
          "bne     0b\n\t"                                                                    \
          "add     sp, sp, #12\n\t"                                                           \
          "pop     {r4-r11, pc}\n\t")

static void __attribute__((naked, noinline, unused))
edgec_cm_residual_rows(const edgec_cm_residual_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_RESIDUAL_ASM("");
}

static void __attribute__((naked, noinline, unused))
edgec_cm_residual_rows_clamp(const edgec_cm_residual_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_RESIDUAL_ASM(EDGEC_CM_RESIDUAL_CLAMP);
}

/* `rows` rows of n values (contiguous at `conv`) added to the skip rows
 * `step` bytes apart, into out (which may be skip). */
static inline void edgec_cm_residual_apply(const edgec_cm_residual *r, const int8_t *conv,
                                           const int8_t *skip, int8_t *out, int32_t n,
                                           int32_t rows, int32_t step) {
  const int32_t even = r->fast ? n & ~1 : 0;
  edgec_cm_residual_args a;
  int32_t row, i;
  a.form = &r->form;
  a.n = even;
  a.rows = even == n ? rows : 1; /* an odd row's last value: row by row */
  a.step = step;
  for (row = 0; row < rows; ++row, conv += n, skip += step, out += step) {
    if (even > 0 && (row == 0 || even != n)) {
      a.conv = conv;
      a.skip = skip;
      a.out = out;
      if (r->clamp) {
        edgec_cm_residual_rows_clamp(&a);
      } else {
        edgec_cm_residual_rows(&a);
      }
    }
    for (i = even; i < n; ++i) {
      const int32_t s = skip[i];
      out[i] = edgec_residual_add_s8(r->exact, conv[i], s);
    }
  }
}

#endif /* EDGEC_CM_RESIDUAL_H */
