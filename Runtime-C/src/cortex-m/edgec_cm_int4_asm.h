/*
 * edgec runtime (internal, Cortex-M): the loops of edgec_cm_int4.h in
 * Thumb-2 assembly — the count of executed instructions is the metric, and
 * GCC reloads the mask and loop bounds inside them and merges no loads into
 * LDM. Layouts and the arithmetic are edgec_cm_int4.h's: a packed word w of
 * eight weights gives four halfword pairs 4096·e by AND with 0xF000F000
 * (w, w << 4, w << 8, w << 12), against the widened activations
 * (x3, x7), (x2, x6), (x1, x5), (x0, x4).
 */
#ifndef EDGEC_CM_INT4_ASM_H
#define EDGEC_CM_INT4_ASM_H

#include <stdint.h>

/* The naked functions read their arguments from r0-r2 (AAPCS). */
#define EDGEC_CM_INT4_ARG __attribute__((unused))

/* Eight products into r4 (low), r5 (high): packed word r6, widened group
 * r7-r10, mask r12, lr scratch. */
#define EDGEC_CM_INT4_MAC8_ASM                                                                \
  "and    lr, r12, r6\n\t"                                                                    \
  "smlald r4, r5, lr, r7\n\t"                                                                 \
  "and    lr, r12, r6, lsl #4\n\t"                                                            \
  "smlald r4, r5, lr, r8\n\t"                                                                 \
  "and    lr, r12, r6, lsl #8\n\t"                                                            \
  "smlald r4, r5, lr, r9\n\t"                                                                 \
  "and    lr, r12, r6, lsl #12\n\t"                                                           \
  "smlald r4, r5, lr, r10\n\t"

/* The 64-bit sum of whole groups of eight: packed words from `bytes` on
 * (any alignment), the widened groups [x, x_end) (word-aligned, at least
 * one). Assembly: GCC reloads the mask and the end in the loop and does not
 * use LDM for the groups; this is 13 instructions a group. */
static int64_t __attribute__((naked, noinline, unused))
edgec_cm_int4_groups_even(const uint8_t *bytes EDGEC_CM_INT4_ARG, const uint32_t *x EDGEC_CM_INT4_ARG,
                          const uint32_t *x_end EDGEC_CM_INT4_ARG) {
  __asm__("push   {r4-r10, lr}\n\t"
          "movs   r4, #0\n\t"
          "movs   r5, #0\n\t"
          "mov    r12, #0xF000F000\n\t"
          "1:\n\t"
          "ldr    r6, [r0], #4\n\t"
          "ldmia  r1!, {r7-r10}\n\t" EDGEC_CM_INT4_MAC8_ASM
          "cmp    r1, r2\n\t"
          "bne    1b\n\t"
          "mov    r0, r4\n\t"
          "mov    r1, r5\n\t"
          "pop    {r4-r10, pc}\n\t");
}

/* The same for a run starting at an odd element: each word a nibble on,
 * its top nibble from the next byte (16 instructions a group). */
static int64_t __attribute__((naked, noinline, unused))
edgec_cm_int4_groups_odd(const uint8_t *bytes EDGEC_CM_INT4_ARG, const uint32_t *x EDGEC_CM_INT4_ARG,
                         const uint32_t *x_end EDGEC_CM_INT4_ARG) {
  __asm__("push   {r4-r10, lr}\n\t"
          "movs   r4, #0\n\t"
          "movs   r5, #0\n\t"
          "mov    r12, #0xF000F000\n\t"
          "1:\n\t"
          "ldr    r6, [r0], #4\n\t"
          "ldrb   lr, [r0]\n\t"
          "lsr    r6, r6, #4\n\t"
          "orr    r6, r6, lr, lsl #28\n\t"
          "ldmia  r1!, {r7-r10}\n\t" EDGEC_CM_INT4_MAC8_ASM
          "cmp    r1, r2\n\t"
          "bne    1b\n\t"
          "mov    r0, r4\n\t"
          "mov    r1, r5\n\t"
          "pop    {r4-r10, pc}\n\t");
}

/* Many rows against one widened run, for an even row depth (every row then
 * starts at a whole byte): each row's whole groups, its sum's bits 12..43
 * stored in `sums`. The rows' tails, if any, are the caller's. */
typedef struct {
  const uint8_t *bytes;   /* the first row's first byte */
  const uint32_t *x;      /* the widened run: its whole groups */
  const uint32_t *x_end;  /* (at least one) */
  uint32_t *sums;         /* one a row */
  uint32_t *sums_end;
  int32_t skip;           /* bytes from a row's last whole group to the next row */
} edgec_cm_int4_rows_args;

/* 13 instructions a group and 10 a row. */
static void __attribute__((naked, noinline, unused))
edgec_cm_int4_rows(const edgec_cm_int4_rows_args *args EDGEC_CM_INT4_ARG) {
  __asm__("push   {r4-r11, lr}\n\t"
          "ldr    r1, [r0, #4]\n\t"
          "ldr    r2, [r0, #8]\n\t"
          "ldr    r3, [r0, #12]\n\t"
          "ldr    r4, [r0, #16]\n\t"
          "ldr    r5, [r0, #20]\n\t"
          "ldr    r0, [r0]\n\t"
          "push   {r4, r5}\n\t" /* [sp]: sums_end, [sp, #4]: skip */
          "mov    r11, r1\n\t"
          "mov    r12, #0xF000F000\n\t"
          "1:\n\t"
          "movs   r4, #0\n\t"
          "movs   r5, #0\n\t"
          "mov    r1, r11\n\t"
          "2:\n\t"
          "ldr    r6, [r0], #4\n\t"
          "ldmia  r1!, {r7-r10}\n\t" EDGEC_CM_INT4_MAC8_ASM
          "cmp    r1, r2\n\t"
          "bne    2b\n\t"
          "lsrs   r4, r4, #12\n\t"
          "orr    r4, r4, r5, lsl #20\n\t"
          "str    r4, [r3], #4\n\t"
          "ldrd   r6, r7, [sp]\n\t"
          "add    r0, r0, r7\n\t"
          "cmp    r3, r6\n\t"
          "bne    1b\n\t"
          "add    sp, sp, #8\n\t"
          "pop    {r4-r11, pc}\n\t");
}

/* Two rows against one run of activations widened on the fly, whole groups
 * only: both rows start at a whole byte, `stride` bytes apart. */
typedef struct {
  const int8_t *x;       /* the activations (any alignment) */
  const uint8_t *w;      /* row 0's first byte */
  int32_t stride;        /* bytes from row 0 to row 1 */
  const int8_t *x_end;   /* x + 8 · groups, groups >= 1 */
  uint32_t offset_pair;  /* an int8 offset (|x + offset| <= 255) */
  uint32_t sums[2];      /* out: the two sums, mod 2^32 */
} edgec_cm_int4_pair_args;

/* Each group widened once for both rows (8 instructions), then nine a row:
 * 26 instructions per 16 MACs. The sums run in 32 bits with SMLAD for at
 * most 16 groups (128 products of at most 32768 · 255 in magnitude: below
 * 2^31), then their exact multiples of 4096 go into the totals. */
static void __attribute__((naked, noinline, unused))
edgec_cm_int4_direct_pair(edgec_cm_int4_pair_args *args EDGEC_CM_INT4_ARG) {
  __asm__("push   {r4-r11, lr}\n\t"
          "sub    sp, sp, #16\n\t" /* [sp]: x_end, [sp, #4], [sp, #8]: totals, [sp, #12]: args */
          "str    r0, [sp, #12]\n\t"
          "ldr    r1, [r0, #12]\n\t"
          "str    r1, [sp]\n\t"
          "movs   r1, #0\n\t"
          "str    r1, [sp, #4]\n\t"
          "str    r1, [sp, #8]\n\t"
          "ldr    r3, [r0, #16]\n\t"
          "ldr    r2, [r0, #8]\n\t"
          "ldr    r1, [r0, #4]\n\t"
          "ldr    r0, [r0]\n\t"
          "mov    r12, #0xF000F000\n\t"
          "1:\n\t"
          "movs   r8, #0\n\t"
          "movs   r9, #0\n\t"
          "ldr    r11, [sp]\n\t"
          "add    r10, r0, #128\n\t"
          "cmp    r10, r11\n\t"
          "it     lo\n\t"
          "movlo  r11, r10\n\t" /* this chunk's end: at most 16 groups */
          "2:\n\t"
          "ldr    r4, [r0], #4\n\t"
          "ldr    r5, [r0], #4\n\t"
          "pkhbt  r6, r4, r5, lsl #16\n\t" /* x0 x1 x4 x5 */
          "pkhtb  r7, r5, r4, asr #16\n\t" /* x2 x3 x6 x7 */
          "sxtab16 r4, r3, r7, ror #8\n\t" /* (x3, x7) */
          "sxtab16 r5, r3, r7\n\t"         /* (x2, x6) */
          "sxtab16 r7, r3, r6, ror #8\n\t" /* (x1, x5) */
          "sxtab16 r6, r3, r6\n\t"         /* (x0, x4) */
          "ldr    lr, [r1, r2]\n\t"
          "and    r10, r12, lr\n\t"
          "smlad  r9, r10, r4, r9\n\t"
          "and    r10, r12, lr, lsl #4\n\t"
          "smlad  r9, r10, r5, r9\n\t"
          "and    r10, r12, lr, lsl #8\n\t"
          "smlad  r9, r10, r7, r9\n\t"
          "and    r10, r12, lr, lsl #12\n\t"
          "smlad  r9, r10, r6, r9\n\t"
          "ldr    lr, [r1], #4\n\t"
          "and    r10, r12, lr\n\t"
          "smlad  r8, r10, r4, r8\n\t"
          "and    r10, r12, lr, lsl #4\n\t"
          "smlad  r8, r10, r5, r8\n\t"
          "and    r10, r12, lr, lsl #8\n\t"
          "smlad  r8, r10, r7, r8\n\t"
          "and    r10, r12, lr, lsl #12\n\t"
          "smlad  r8, r10, r6, r8\n\t"
          "cmp    r0, r11\n\t"
          "bne    2b\n\t"
          "ldr    r10, [sp, #4]\n\t"
          "add    r10, r10, r8, asr #12\n\t"
          "str    r10, [sp, #4]\n\t"
          "ldr    r10, [sp, #8]\n\t"
          "add    r10, r10, r9, asr #12\n\t"
          "str    r10, [sp, #8]\n\t"
          "ldr    r10, [sp]\n\t"
          "cmp    r0, r10\n\t"
          "bne    1b\n\t"
          "ldr    r0, [sp, #12]\n\t"
          "ldr    r1, [sp, #4]\n\t"
          "ldr    r2, [sp, #8]\n\t"
          "str    r1, [r0, #20]\n\t"
          "str    r2, [r0, #24]\n\t"
          "add    sp, sp, #16\n\t"
          "pop    {r4-r11, pc}\n\t");
}

#endif /* EDGEC_CM_INT4_ASM_H */
