/*
 * edgec runtime (internal, Cortex-M with DSP): the stride-1 line loops of
 * edgec_dsp_dw3x3.h in Thumb-2 assembly. Included by that header only, on
 * DSP hardware; its C versions (DW3_STRIDE1) are the reference and run
 * everywhere else.
 *
 * A step of a three-line column is twelve instructions: three LDRSB and a
 * PKHBT build the column, two SMLAD/SMLABB finish the oldest output and
 * store it, two continue the next, two start the newest. GCC gets there
 * only with the loop's fourteen live values spilled.
 *
 * Registers in the loops: r0 column pointer, r1 line distance d, r2 column
 * step, r3-r7 weights k0, k1, k2, q, r, r8 output finished next (a),
 * r9 the one after (b), r10 the sums pointer, r11/r12/lr the column and a
 * scratch. [sp] holds the dw3_run pointer, [sp, #4] a count, [sp, #8] the
 * number of four-step groups.
 */
#ifndef EDGEC_DSP_DW3_ASM_H
#define EDGEC_DSP_DW3_ASM_H

#include <stddef.h>

/* dw3_run offsets: p 0, d 4, step 8, k0 12, k1 16, k2 20, q 24, r 28,
 * z01 32, z2 36, lead 40, body 44, tail 48, out 52; dw3_out offsets: sums 0,
 * n 4, init 8, multiplier 12, round 16, shift 20, out_step 24, y 28. A
 * layout change fails to compile here (C99 has no static_assert). */
typedef char dw3_run_layout[offsetof(dw3_run, z01) == 32 && offsetof(dw3_run, lead) == 40 &&
                                    offsetof(dw3_run, out) == 52
                                ? 1
                                : -1];
typedef char dw3_out_layout[offsetof(dw3_out, multiplier) == 12 && offsetof(dw3_out, y) == 28
                                ? 1
                                : -1];

#define DW3_ASM_LOAD3                          \
  "ldrsb   r11, [r0]\n\t"                      \
  "ldrsb   r12, [r0, r1]\n\t"                  \
  "ldrsb   lr, [r0, r1, lsl #1]\n\t"           \
  "add     r0, r0, r2\n\t"                     \
  "pkhbt   r11, r11, r12, lsl #16\n\t"
#define DW3_ASM_MAC3                           \
  "smlad   r12, r11, r5, r8\n\t"               \
  "smlabb  r12, lr, r7, r12\n\t"               \
  "str     r12, [r10], #4\n\t"                 \
  "smlad   r8, r11, r4, r9\n\t"                \
  "smlabt  r8, lr, r6, r8\n\t"                 \
  "smuad   r9, r11, r3\n\t"                    \
  "smlabb  r9, lr, r6, r9\n\t"
#define DW3_ASM_LOAD2                          \
  "ldrsb   r11, [r0]\n\t"                      \
  "ldrsb   r12, [r0, r1]\n\t"                  \
  "add     r0, r0, r2\n\t"                     \
  "pkhbt   r11, r11, r12, lsl #16\n\t"
#define DW3_ASM_MAC2                           \
  "smlad   r12, r11, r5, r8\n\t"               \
  "str     r12, [r10], #4\n\t"                 \
  "smlad   r8, r11, r4, r9\n\t"                \
  "smuad   r9, r11, r3\n\t"

/* `count` zero-point steps (count at run offset `field`), r11/lr = z01/z2. */
#define DW3_ASM_ZERO_STEPS(field, MAC, loop, done) \
  "ldr     r12, [sp]\n\t"                      \
  "ldr     r11, [r12, #32]\n\t"                \
  "ldr     lr, [r12, #36]\n\t"                 \
  "ldr     r12, [r12, #" field "]\n\t"         \
  "str     r12, [sp, #4]\n\t"                  \
  "cmp     r12, #0\n\t"                        \
  "beq     " done "f\n\t"                      \
  loop ":\n\t"                                 \
  MAC                                          \
  "ldr     r12, [sp, #4]\n\t"                  \
  "subs    r12, r12, #1\n\t"                   \
  "str     r12, [sp, #4]\n\t"                  \
  "bne     " loop "b\n\t"                      \
  done ":\n\t"

#define DW3_ASM_LINE(LOAD, MAC)                                                              \
  "push    {r4-r11, lr}\n\t"                                                                 \
  "sub     sp, sp, #12\n\t"                                                                  \
  "str     r0, [sp]\n\t"                                                                     \
  "mov     r12, r0\n\t"                                                                      \
  "ldm     r12, {r0-r7}\n\t"                                                                 \
  "ldr     r10, [r12, #52]\n\t"                                                              \
  "mov     r8, #0\n\t"                                                                       \
  "mov     r9, #0\n\t"                                                                       \
  DW3_ASM_ZERO_STEPS("40", MAC, "1", "7")                                                         \
  /* body: body & 3 single steps, then groups of four */                                     \
  "ldr     r12, [sp]\n\t"                                                                    \
  "ldr     r12, [r12, #44]\n\t"                                                              \
  "lsr     r11, r12, #2\n\t"                                                                 \
  "str     r11, [sp, #8]\n\t"                                                                \
  "ands    r12, r12, #3\n\t"                                                                 \
  "str     r12, [sp, #4]\n\t"                                                                \
  "beq     3f\n\t"                                                                           \
  "2:\n\t"                                                                                   \
  LOAD MAC                                                                                   \
  "ldr     r12, [sp, #4]\n\t"                                                                \
  "subs    r12, r12, #1\n\t"                                                                 \
  "str     r12, [sp, #4]\n\t"                                                                \
  "bne     2b\n\t"                                                                           \
  "3:\n\t"                                                                                   \
  "ldr     r12, [sp, #8]\n\t"                                                                \
  "cmp     r12, #0\n\t"                                                                      \
  "beq     5f\n\t"                                                                           \
  "4:\n\t"                                                                                   \
  LOAD MAC LOAD MAC LOAD MAC LOAD MAC                                                        \
  "ldr     r12, [sp, #8]\n\t"                                                                \
  "subs    r12, r12, #1\n\t"                                                                 \
  "str     r12, [sp, #8]\n\t"                                                                \
  "bne     4b\n\t"                                                                           \
  "5:\n\t"                                                                                   \
  DW3_ASM_ZERO_STEPS("48", MAC, "6", "8")                                                         \
  "add     sp, sp, #12\n\t"                                                                  \
  "pop     {r4-r11, pc}\n\t"

__attribute__((naked, noinline)) static void dw3_stride1_lines3(
    const dw3_run *run __attribute__((unused))) {
  __asm__(DW3_ASM_LINE(DW3_ASM_LOAD3, DW3_ASM_MAC3));
}

__attribute__((naked, noinline)) static void dw3_stride1_lines2(
    const dw3_run *run __attribute__((unused))) {
  __asm__(DW3_ASM_LINE(DW3_ASM_LOAD2, DW3_ASM_MAC2));
}

/* One output of dw3_requantize_full: r1 sums, r3 init, r4-r6 multiplier,
 * round, shift, r7 out_step, r8 y. */
#define DW3_ASM_REQUANT_ONE                    \
  "ldr     r0, [r1], #4\n\t"                  \
  "add     r0, r0, r3\n\t"                    \
  "smmulr  r9, r0, r4\n\t"                    \
  "add     r0, r5, r9, lsl #1\n\t"            \
  "add     r0, r0, r9, asr #31\n\t"           \
  "asr     r0, r0, r6\n\t"                    \
  "ssat    r0, #8, r0\n\t"                    \
  "strb    r0, [r8]\n\t"                      \
  "add     r8, r8, r7\n\t"

/* dw3_requantize without the clamp (the activation range is all of int8):
 * nine instructions an output. dw3_out offsets: sums 0, n 4, init 8,
 * multiplier 12, round 16, shift 20, out_step 24, y 28; n >= 1. */
__attribute__((naked, noinline)) static void dw3_requantize_full(
    const dw3_out *o __attribute__((unused))) {
  __asm__(
      "push    {r4-r9, lr}\n\t"
      "ldm     r0, {r1-r8}\n\t"
      "tst     r2, #1\n\t"
      "beq     2f\n\t"
      DW3_ASM_REQUANT_ONE
      "subs    r2, r2, #1\n\t"
      "beq     3f\n\t"
      "2:\n\t"
      DW3_ASM_REQUANT_ONE DW3_ASM_REQUANT_ONE
      "subs    r2, r2, #2\n\t"
      "bne     2b\n\t"
      "3:\n\t"
      "pop     {r4-r9, pc}\n\t");
}

#endif /* EDGEC_DSP_DW3_ASM_H */
