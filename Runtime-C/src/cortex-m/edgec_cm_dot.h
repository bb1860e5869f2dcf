/*
 * edgec runtime (internal, Cortex-M): the multiply-accumulate cores of the
 * cortex-m CONV_2D and FULLY_CONNECTED kernels, in Thumb-2 assembly because
 * the count of executed instructions is the metric and GCC neither keeps the
 * loop's 13 live values in registers nor merges the loads into LDM.
 *
 * Data layout. Activations are widened once to int16 with the input offset
 * added (SXTAB16), four depth elements k..k+3 at a time into two words:
 * (x[k], x[k+2]) and (x[k+1], x[k+3]). Weights stay int8 in flash and are
 * split the same way on the fly (SXTB16, SXTB16 ROR #8), so two SMLADs add
 * the four products of a group, exactly, in int32.
 *
 * A "column block" holds four columns (four output pixels, or four FC
 * batches) interleaved by group: words [(g·4 + p)·2, +1] are group g of
 * column p, so one LDM fetches a group of two columns.
 *
 * Filter depths that are not a multiple of four end with a tail of r bytes:
 * the last word of the row, loaded so that it ends at the row's end, shifted
 * right by tail_shift = 8·(4 - r) (zeros above the tail), needs a depth of at
 * least four. The column's tail group may hold anything past the depth.
 */
#ifndef EDGEC_CM_DOT_H
#define EDGEC_CM_DOT_H

#include <stdint.h>

/* The assembly reads the arguments from r0-r3 (AAPCS), not by name. */
#define EDGEC_CM_ASM_ARG __attribute__((unused))

/* One group of the four-column core: r0 weights, r1 columns, sums r10, r11,
 * r12, lr. */
#define EDGEC_CM_DOT4_GROUP_BODY                                                              \
  "ldmia  r1!, {r6-r9}\n\t"                                                                   \
  "sxtb16 r4, r5\n\t"                                                                         \
  "sxtb16 r5, r5, ror #8\n\t"                                                                 \
  "smlad  r10, r4, r6, r10\n\t"                                                               \
  "smlad  r10, r5, r7, r10\n\t"                                                               \
  "smlad  r11, r4, r8, r11\n\t"                                                               \
  "smlad  r11, r5, r9, r11\n\t"                                                               \
  "ldmia  r1!, {r6-r9}\n\t"                                                                   \
  "smlad  r12, r4, r6, r12\n\t"                                                               \
  "smlad  r12, r5, r7, r12\n\t"                                                               \
  "smlad  lr, r4, r8, lr\n\t"                                                                 \
  "smlad  lr, r5, r9, lr\n\t"
#define EDGEC_CM_DOT4_GROUP "ldr    r5, [r0], #4\n\t" EDGEC_CM_DOT4_GROUP_BODY

/* acc[p] = sum over the filter row w of w[k] · column p[k], p = 0..3, for
 * `groups & 0xFFFFFF` (>= 1) full groups and the tail given by groups >> 24
 * (tail_shift, 0 when there is none). */
static void __attribute__((naked, noinline, unused))
edgec_cm_dot4(const int8_t *w EDGEC_CM_ASM_ARG, const uint32_t *columns EDGEC_CM_ASM_ARG,
              int32_t *acc EDGEC_CM_ASM_ARG, uint32_t groups EDGEC_CM_ASM_ARG) {
  __asm__(
      "push   {r2-r11, lr}\n\t"
      "bic    r3, r3, #0xFF000000\n\t"
      "add    r3, r0, r3, lsl #2\n\t" /* end of the full groups */
      "ldr    r5, [r0], #4\n\t"       /* the first group starts the sums */
      "ldmia  r1!, {r6-r9}\n\t"
      "sxtb16 r4, r5\n\t"
      "sxtb16 r5, r5, ror #8\n\t"
      "smuad  r10, r4, r6\n\t"
      "smlad  r10, r5, r7, r10\n\t"
      "smuad  r11, r4, r8\n\t"
      "smlad  r11, r5, r9, r11\n\t"
      "ldmia  r1!, {r6-r9}\n\t"
      "smuad  r12, r4, r6\n\t"
      "smlad  r12, r5, r7, r12\n\t"
      "smuad  lr, r4, r8\n\t"
      "smlad  lr, r5, r9, lr\n\t"
      "sub    r2, r3, r0\n\t" /* an odd number left: one alone */
      "tst    r2, #4\n\t"
      "beq    1f\n\t" EDGEC_CM_DOT4_GROUP
      "1:\n\t"
      "cmp    r0, r3\n\t"
      "beq    3f\n\t"
      "2:\n\t" EDGEC_CM_DOT4_GROUP EDGEC_CM_DOT4_GROUP
      "cmp    r0, r3\n\t"
      "bne    2b\n\t"
      "3:\n\t"
      "pop    {r2, r3}\n\t"
      "lsrs   r3, r3, #24\n\t"
      "beq    4f\n\t"
      "sub    r4, r0, r3, lsr #3\n\t" /* the row's last word */
      "ldr    r5, [r4]\n\t"
      "lsr    r5, r5, r3\n\t" EDGEC_CM_DOT4_GROUP_BODY
      "4:\n\t"
      "stmia  r2, {r10, r11, r12, lr}\n\t"
      "pop    {r4-r11, pc}\n\t");
}

/* Two depth elements of one word pair into the sum r12 (weights in wreg,
 * columns in xa, xb; lr is scratch). */
#define EDGEC_CM_DOT1_WORD(wreg, xa, xb)                                                      \
  "sxtb16 lr, " wreg "\n\t"                                                                   \
  "sxtb16 " wreg ", " wreg ", ror #8\n\t"                                                     \
  "smlad  r12, lr, " xa ", r12\n\t"                                                           \
  "smlad  r12, " wreg ", " xb ", r12\n\t"

#define EDGEC_CM_DOT1_BLOCK                                                                   \
  "ldmia  r1!, {r8-r11}\n\t" EDGEC_CM_DOT1_WORD("r4", "r8", "r9")                             \
      EDGEC_CM_DOT1_WORD("r5", "r10", "r11") "ldmia  r1!, {r8-r11}\n\t"                       \
      EDGEC_CM_DOT1_WORD("r6", "r8", "r9") EDGEC_CM_DOT1_WORD("r7", "r10", "r11")

/* Sum over one filter row w of w[k] · x[k], x one column in group order
 * (two words per group, not interleaved), for `groups` (>= 1) full groups and
 * a tail of tail_shift (0: none). Four groups per step, with LDM when the row
 * is word-aligned. */
static int32_t __attribute__((naked, noinline, unused))
edgec_cm_dot1(const int8_t *w EDGEC_CM_ASM_ARG, const uint32_t *x EDGEC_CM_ASM_ARG,
              uint32_t groups EDGEC_CM_ASM_ARG, uint32_t tail_shift EDGEC_CM_ASM_ARG) {
  __asm__(
      "push   {r4-r11, lr}\n\t"
      "add    r2, r0, r2, lsl #2\n\t" /* end of the full groups */
      "movs   r12, #0\n\t"
      "sub    lr, r2, r0\n\t" /* single groups until a multiple of four is left */
      "ands   lr, lr, #12\n\t"
      "beq    2f\n\t"
      "1:\n\t"
      "ldr    r4, [r0], #4\n\t"
      "ldrd   r8, r9, [r1], #8\n\t"
      "sxtb16 r5, r4\n\t"
      "sxtb16 r4, r4, ror #8\n\t"
      "smlad  r12, r5, r8, r12\n\t"
      "smlad  r12, r4, r9, r12\n\t"
      "subs   lr, lr, #4\n\t"
      "bne    1b\n\t"
      "2:\n\t"
      "cmp    r0, r2\n\t"
      "beq    5f\n\t"
      "tst    r0, #3\n\t"
      "bne    4f\n\t"
      "3:\n\t"
      "ldmia  r0!, {r4-r7}\n\t" EDGEC_CM_DOT1_BLOCK
      "cmp    r0, r2\n\t"
      "bne    3b\n\t"
      "b      5f\n\t"
      "4:\n\t"
      "ldr    r4, [r0], #4\n\t"
      "ldr    r5, [r0], #4\n\t"
      "ldr    r6, [r0], #4\n\t"
      "ldr    r7, [r0], #4\n\t" EDGEC_CM_DOT1_BLOCK
      "cmp    r0, r2\n\t"
      "bne    4b\n\t"
      "5:\n\t"
      "cbz    r3, 6f\n\t"
      "sub    r4, r0, r3, lsr #3\n\t" /* the row's last word */
      "ldr    r4, [r4]\n\t"
      "lsr    r4, r4, r3\n\t"
      "ldrd   r8, r9, [r1]\n\t"
      "sxtb16 r5, r4\n\t"
      "sxtb16 r4, r4, ror #8\n\t"
      "smlad  r12, r5, r8, r12\n\t"
      "smlad  r12, r4, r9, r12\n\t"
      "6:\n\t"
      "mov    r0, r12\n\t"
      "pop    {r4-r11, pc}\n\t");
}

/* Widening: `groups` (>= 1) groups of four int8 values at src (any
 * alignment) become two words each, (x0 + o, x2 + o) and (x1 + o, x3 + o) with
 * o the offset of both halfwords of offset_pair, `stride` bytes apart at dst
 * (word-aligned). Returns the next group's place. Two groups per step. */
#define EDGEC_CM_WIDEN_ASM(stride)                                                            \
  __asm__("push   {r4-r6}\n\t"                                                                \
          "tst    r2, #1\n\t"                                                                 \
          "beq    1f\n\t"                                                                     \
          "ldr    r4, [r0], #4\n\t"                                                           \
          "sxtab16 r5, r3, r4\n\t"                                                            \
          "sxtab16 r6, r3, r4, ror #8\n\t"                                                    \
          "strd   r5, r6, [r1], #" stride "\n\t"                                              \
          "subs   r2, r2, #1\n\t"                                                             \
          "beq    2f\n\t"                                                                     \
          "1:\n\t"                                                                            \
          "ldr    r4, [r0], #4\n\t"                                                           \
          "ldr    r12, [r0], #4\n\t"                                                          \
          "sxtab16 r5, r3, r4\n\t"                                                            \
          "sxtab16 r6, r3, r4, ror #8\n\t"                                                    \
          "strd   r5, r6, [r1], #" stride "\n\t"                                              \
          "sxtab16 r5, r3, r12\n\t"                                                           \
          "sxtab16 r6, r3, r12, ror #8\n\t"                                                   \
          "strd   r5, r6, [r1], #" stride "\n\t"                                              \
          "subs   r2, r2, #2\n\t"                                                             \
          "bne    1b\n\t"                                                                     \
          "2:\n\t"                                                                            \
          "mov    r0, r1\n\t"                                                                 \
          "pop    {r4-r6}\n\t"                                                                \
          "bx     lr\n\t")

/* Into a column block (four columns interleaved: 32 bytes a group). */
static __attribute__((naked, noinline, unused)) uint32_t *
edgec_cm_widen_block(const int8_t *src EDGEC_CM_ASM_ARG, uint32_t *dst EDGEC_CM_ASM_ARG,
                     int32_t groups EDGEC_CM_ASM_ARG, uint32_t offset_pair EDGEC_CM_ASM_ARG) {
  EDGEC_CM_WIDEN_ASM("32");
}

/* Into one column (8 bytes a group). */
static __attribute__((naked, noinline, unused)) uint32_t *
edgec_cm_widen_row(const int8_t *src EDGEC_CM_ASM_ARG, uint32_t *dst EDGEC_CM_ASM_ARG,
                   int32_t groups EDGEC_CM_ASM_ARG, uint32_t offset_pair EDGEC_CM_ASM_ARG) {
  EDGEC_CM_WIDEN_ASM("8");
}

/* Byte copies and fills for gathering receptive fields, words first (GCC
 * turns the C loops into calls to memcpy and memset, which cost more than
 * the copy for the few bytes of a kernel row). Both return to + bytes. */
static __attribute__((naked, noinline, unused)) int8_t *
edgec_cm_copy(int8_t *to EDGEC_CM_ASM_ARG, const int8_t *from EDGEC_CM_ASM_ARG,
              int32_t bytes EDGEC_CM_ASM_ARG) {
  __asm__("subs   r2, r2, #4\n\t"
          "blt    2f\n\t"
          "1:\n\t"
          "ldr    r3, [r1], #4\n\t"
          "str    r3, [r0], #4\n\t"
          "subs   r2, r2, #4\n\t"
          "bge    1b\n\t"
          "2:\n\t"
          "adds   r2, r2, #4\n\t"
          "beq    4f\n\t"
          "3:\n\t"
          "ldrb   r3, [r1], #1\n\t"
          "strb   r3, [r0], #1\n\t"
          "subs   r2, r2, #1\n\t"
          "bne    3b\n\t"
          "4:\n\t"
          "bx     lr\n\t");
}

/* value4: the byte to fill with, in all four lanes. */
static __attribute__((naked, noinline, unused)) int8_t *
edgec_cm_fill(int8_t *to EDGEC_CM_ASM_ARG, uint32_t value4 EDGEC_CM_ASM_ARG,
              int32_t bytes EDGEC_CM_ASM_ARG) {
  __asm__("subs   r2, r2, #4\n\t"
          "blt    2f\n\t"
          "1:\n\t"
          "str    r1, [r0], #4\n\t"
          "subs   r2, r2, #4\n\t"
          "bge    1b\n\t"
          "2:\n\t"
          "adds   r2, r2, #4\n\t"
          "beq    4f\n\t"
          "3:\n\t"
          "strb   r1, [r0], #1\n\t"
          "subs   r2, r2, #1\n\t"
          "bne    3b\n\t"
          "4:\n\t"
          "bx     lr\n\t");
}

#endif /* EDGEC_CM_DOT_H */
