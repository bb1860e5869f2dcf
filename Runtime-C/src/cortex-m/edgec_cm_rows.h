/*
 * edgec runtime (internal, Cortex-M): the row loops of the cortex-m
 * FULLY_CONNECTED and CONV_2D kernels, in Thumb-2 assembly — one widened
 * input column (two words a group, edgec_cm_widen_row's layout) against
 * every weight row, for a batch row of a FULLY_CONNECTED or the last one or
 * two pixels of a convolution, where a four-column block would do four
 * columns' work. Per 16 depth elements: one LDM of weights, two of the
 * column, eight SXTB16 and eight SMLAD (19 instructions). The
 * requantization is edgec_cm_fused.h's: per tensor from constants, or per
 * row from edgec_cm_channel records (fast or wide form).
 */
#ifndef EDGEC_CM_ROWS_H
#define EDGEC_CM_ROWS_H

#include <stdint.h>

#include "edgec_cm_dot.h"
#include "edgec_cm_fused.h"

typedef struct {
  int32_t multiplier, round, shift; /* loaded together by LDM: keep first */
  const int8_t *filter;             /* word-aligned rows */
  const uint32_t *x;                /* the widened input row, two words a group */
  const uint32_t *x_end;            /* its end: a row's sums end there */
  const void *per_row;              /* bias (per tensor) or records, one per row */
  const void *per_row_end;
  int8_t *out;
} edgec_cm_rows_args;

/* Sixteen depth elements of one row into r12: r4-r7 hold the weights. */
#define EDGEC_CM_ROWS_BLOCK "ldmia  r0!, {r4-r7}\n\t" EDGEC_CM_DOT1_BLOCK

/* Every row against one widened input row, `block` (two or four) times 16
 * depth elements per step; registers r0 weights, r1 x, r2 x's end, r3 the
 * per-row pointer. `start` starts the sum in r12, `requant` leaves the
 * output in r11 (falling through to label 4), `wide` is out-of-line code
 * that branches back to 4. Stack frame: the arguments. */
#define EDGEC_CM_ROWS_ASM(block, start, requant, wide)                                        \
  __asm__("push   {r4-r11, lr}\n\t"                                                           \
          "ldmia  r0, {r1-r9}\n\t"                                                            \
          "push   {r1-r9}\n\t"                                                                \
          "mov    r0, r4\n\t"                                                                 \
          "mov    r2, r6\n\t"                                                                 \
          "mov    r3, r7\n\t"                                                                 \
          "1:\n\t"                                                                            \
          "ldr    r1, [sp, #16]\n\t" start "2:\n\t" block "cmp    r1, r2\n\t"                \
          "bne    2b\n\t" requant "4:\n\t"                                                    \
          "ldr    r9, [sp, #32]\n\t"                                                          \
          "strb   r11, [r9], #1\n\t"                                                          \
          "str    r9, [sp, #32]\n\t"                                                          \
          "ldr    r9, [sp, #28]\n\t"                                                          \
          "cmp    r3, r9\n\t"                                                                 \
          "bne    1b\n\t"                                                                     \
          "add    sp, sp, #36\n\t"                                                            \
          "pop    {r4-r11, pc}\n\t" wide)

/* Per tensor: the sum starts at the row's bias; m, R, sh from the frame. */
#define EDGEC_CM_ROWS_BIAS                                                                    \
  "ldr    r12, [r3], #4\n\t",                                                                 \
  "ldmia  sp, {r4-r6}\n\t"                                                                    \
  "lsl    r12, r12, #1\n\t"                                                                   \
  "smmulr r12, r12, r4\n\t"                                                                   \
  "add    r11, r5, r12, lsl #1\n\t"                                                           \
  "add    r11, r11, r12, asr #31\n\t"                                                         \
  "asr    r11, r11, r6\n\t"                                                                   \
  "ssat   r11, #8, r11\n\t",                                                                  \
  ""
/* Records (edgec_cm_channel) in r4-r10: kind, m, R or 2^(e-1), sh or e,
 * 2·bias or offset, K high, K low; the sum starts at 0. */
#define EDGEC_CM_ROWS_RECORDS                                                                 \
  "mov    r12, #0\n\t",                                                                       \
  "ldmia  r3!, {r4-r10}\n\t"                                                                  \
  "cbnz   r4, 5f\n\t"                                                                         \
  "add    r12, r8, r12, lsl #1\n\t"                                                           \
  "smmulr r12, r12, r5\n\t"                                                                   \
  "add    r11, r6, r12, lsl #1\n\t"                                                           \
  "add    r11, r11, r12, asr #31\n\t"                                                         \
  "asr    r11, r11, r7\n\t"                                                                   \
  "ssat   r11, #8, r11\n\t",                                                                  \
  "5:\n\t"                                                                                    \
  "smull  r12, r11, r12, r5\n\t"                                                              \
  "adds   r12, r12, r10\n\t"                                                                  \
  "adc    r11, r11, r9\n\t"                                                                   \
  "lsl    r11, r11, #1\n\t"                                                                   \
  "orr    r12, r11, r12, lsr #31\n\t"                                                         \
  "add    r11, r6, r12, asr #31\n\t"                                                          \
  "add    r12, r12, r11\n\t"                                                                  \
  "asr    r12, r12, r7\n\t"                                                                   \
  "add    r12, r12, r8\n\t"                                                                   \
  "ssat   r11, #8, r12\n\t"                                                                   \
  "b      4b\n\t"
#define EDGEC_CM_ROWS_32 EDGEC_CM_ROWS_BLOCK EDGEC_CM_ROWS_BLOCK
#define EDGEC_CM_ROWS_64 EDGEC_CM_ROWS_32 EDGEC_CM_ROWS_32
#define EDGEC_CM_ROWS_EXPAND(args) EDGEC_CM_ROWS_ASM args

/* Per tensor (per_row: int32_t bias), depth a multiple of 32 / of 64. */
static void __attribute__((naked, noinline, unused))
edgec_cm_rows32(const edgec_cm_rows_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_ROWS_EXPAND((EDGEC_CM_ROWS_32, EDGEC_CM_ROWS_BIAS));
}

static void __attribute__((naked, noinline, unused))
edgec_cm_rows64(const edgec_cm_rows_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_ROWS_EXPAND((EDGEC_CM_ROWS_64, EDGEC_CM_ROWS_BIAS));
}

/* With records (per_row: edgec_cm_channel), depth a multiple of 32 / 64. */
static void __attribute__((naked, noinline, unused))
edgec_cm_rows32_records(const edgec_cm_rows_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_ROWS_EXPAND((EDGEC_CM_ROWS_32, EDGEC_CM_ROWS_RECORDS));
}

static void __attribute__((naked, noinline, unused))
edgec_cm_rows64_records(const edgec_cm_rows_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_ROWS_EXPAND((EDGEC_CM_ROWS_64, EDGEC_CM_ROWS_RECORDS));
}

/* Depth 8 (AD01's bottleneck expansion): the widened input row stays in
 * r8-r11 for every row. */
static void __attribute__((naked, noinline, unused))
edgec_cm_rows8(const edgec_cm_rows_args *args EDGEC_CM_ASM_ARG) {
  __asm__("push   {r4-r11, lr}\n\t"
          "ldmia  r0, {r1-r9}\n\t"
          "push   {r3}\n\t"
          "mov    lr, r2\n\t"
          "mov    r0, r4\n\t"
          "mov    r2, r8\n\t"
          "mov    r3, r7\n\t"
          "mov    r7, r1\n\t"
          "mov    r1, r9\n\t"
          "ldmia  r5, {r8-r11}\n\t"
          "1:\n\t"
          "ldr    r12, [r3], #4\n\t"
          "ldrd   r4, r5, [r0], #8\n\t"
          "sxtb16 r6, r4\n\t"
          "sxtb16 r4, r4, ror #8\n\t"
          "smlad  r12, r6, r8, r12\n\t"
          "smlad  r12, r4, r9, r12\n\t"
          "sxtb16 r6, r5\n\t"
          "sxtb16 r5, r5, ror #8\n\t"
          "smlad  r12, r6, r10, r12\n\t"
          "smlad  r12, r5, r11, r12\n\t"
          "lsl    r12, r12, #1\n\t"
          "smmulr r12, r12, r7\n\t"
          "add    r6, lr, r12, lsl #1\n\t"
          "add    r6, r6, r12, asr #31\n\t"
          "ldr    r4, [sp]\n\t"
          "asr    r6, r6, r4\n\t"
          "ssat   r6, #8, r6\n\t"
          "strb   r6, [r1], #1\n\t"
          "cmp    r3, r2\n\t"
          "bne    1b\n\t"
          "add    sp, sp, #4\n\t"
          "pop    {r4-r11, pc}\n\t");
}

#endif /* EDGEC_CM_ROWS_H */
