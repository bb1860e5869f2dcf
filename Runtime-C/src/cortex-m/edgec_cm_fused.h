/*
 * edgec runtime (internal, Cortex-M): the four-column block loop of the
 * cortex-m CONV_2D and FULLY_CONNECTED kernels for their common case — every
 * shift <= 0 (no left shift before the high multiply) and the clamp being
 * int8's own range — in Thumb-2 assembly: the multiply-accumulate loop, the
 * requantization and the stores of every channel, with nothing spilled per
 * multiply. The row loops (one column) are in edgec_cm_rows.h.
 *
 * Each channel has a record (edgec_cm_channel) in one of two forms, both
 * TFLM's double rounding exactly (edgec_cm_dsp.h):
 * - fast (kind 0), when 2·(sum + bias) and the rounding constant fit:
 *     t = 2·sum + 2·bias; h = SMMULR(t, m); y = SSAT8((2h + R - [h < 0]) >> sh)
 *   with R = 2^e + output_offset·2^(e+1), sh = e + 1 — six instructions;
 * - wide (kind 1), for sums near 2^30 (TFLite gives unused channels biases
 *   of +-2^30 and shifts like -27; most channels of VWW's later layers):
 *     p = sum·m + K (64-bit, K = bias·m + 2^30); h = p >> 31;
 *     y = SSAT8(((h + 2^(e-1) - [h < 0]) >> e) + output_offset)
 *   — ten instructions, valid for e >= 1 while |h| + 2^(e-1) stays in int32.
 * Channels that fit neither are recomputed in C afterwards.
 */
#ifndef EDGEC_CM_FUSED_H
#define EDGEC_CM_FUSED_H

#include <stdint.h>

#include "edgec_cm_dot.h"

/* A channel's requantization record, laid out for one LDM. */
typedef struct {
  int32_t kind;       /* 0 fast, 1 wide (or recomputed in C) */
  int32_t multiplier; /* m */
  int32_t round;      /* fast: R; wide: 2^(e-1) */
  int32_t shift;      /* fast: sh = e + 1; wide: e */
  int32_t bias2;      /* fast: 2·bias; wide: output_offset */
  int32_t k_hi, k_lo; /* wide: K = bias·m + 2^30 */
} edgec_cm_channel;

typedef struct {
  const int8_t *filter;             /* the first channel's row */
  const uint32_t *columns;          /* four interleaved columns (edgec_cm_dot.h) */
  const edgec_cm_channel *channels; /* one record per channel */
  const edgec_cm_channel *channels_end;
  int8_t *out;         /* column 0's output for the first channel */
  int32_t stride;      /* bytes from one column's outputs to the next's */
  int32_t group_bytes; /* 4 · full groups of the depth, >= 4 */
  int32_t tail_shift;  /* 8 · (4 - depth % 4), 0 without a tail */
} edgec_cm_block_args;

/* A sum register requantized in place, with the record in r3-r9 (kind,
 * m, R or 2^(e-1), sh or e, 2·bias or offset, K high, K low) and scratch
 * `t`: the fast form and the wide form. */
#define EDGEC_CM_FAST(acc, t)                                                                 \
  "add    " acc ", r7, " acc ", lsl #1\n\t"                                                   \
  "smmulr " acc ", " acc ", r4\n\t"                                                           \
  "add    " t ", r5, " acc ", lsl #1\n\t"                                                     \
  "add    " t ", " t ", " acc ", asr #31\n\t"                                                 \
  "asr    " t ", " t ", r6\n\t"                                                               \
  "ssat   " acc ", #8, " t "\n\t"
#define EDGEC_CM_WIDE(acc, t)                                                                 \
  "smull  " acc ", " t ", " acc ", r4\n\t"                                                    \
  "adds   " acc ", " acc ", r9\n\t"                                                           \
  "adc    " t ", " t ", r8\n\t"                                                               \
  "lsl    " t ", " t ", #1\n\t"                                                               \
  "orr    " acc ", " t ", " acc ", lsr #31\n\t"                                               \
  "add    " t ", r5, " acc ", asr #31\n\t"                                                    \
  "add    " acc ", " acc ", " t "\n\t"                                                        \
  "asr    " acc ", " acc ", r6\n\t"                                                           \
  "add    " acc ", " acc ", r7\n\t"                                                           \
  "ssat   " acc ", #8, " acc "\n\t"

/* The first group starts the four sums (SMUAD). */
#define EDGEC_CM_BLOCK_PEEL                                                                   \
  "ldr.w  r5, [r0], #4\n\t"                                                                   \
  "ldmia.w r1!, {r6-r9}\n\t"                                                                  \
  "sxtb16 r4, r5\n\t"                                                                         \
  "sxtb16 r5, r5, ror #8\n\t"                                                                 \
  "smuad  r10, r4, r6\n\t"                                                                    \
  "smlad  r10, r5, r7, r10\n\t"                                                               \
  "smuad  r11, r4, r8\n\t"                                                                    \
  "smlad  r11, r5, r9, r11\n\t"                                                               \
  "ldmia.w r1!, {r6-r9}\n\t"                                                                  \
  "smuad  r12, r4, r6\n\t"                                                                    \
  "smlad  r12, r5, r7, r12\n\t"                                                               \
  "smuad  lr, r4, r8\n\t"                                                                     \
  "smlad  lr, r5, r9, lr\n\t"

/* 52 bytes: every instruction is a 32-bit encoding. */
#define EDGEC_CM_BLOCK_GROUP "ldr.w  r5, [r0], #4\n\t" EDGEC_CM_DOT4_GROUP_BODY_W
#define EDGEC_CM_DOT4_GROUP_BODY_W                                                            \
  "ldmia.w r1!, {r6-r9}\n\t"                                                                  \
  "sxtb16 r4, r5\n\t"                                                                         \
  "sxtb16 r5, r5, ror #8\n\t"                                                                 \
  "smlad  r10, r4, r6, r10\n\t"                                                               \
  "smlad  r10, r5, r7, r10\n\t"                                                               \
  "smlad  r11, r4, r8, r11\n\t"                                                               \
  "smlad  r11, r5, r9, r11\n\t"                                                               \
  "ldmia.w r1!, {r6-r9}\n\t"                                                                  \
  "smlad  r12, r4, r6, r12\n\t"                                                               \
  "smlad  r12, r5, r7, r12\n\t"                                                               \
  "smlad  lr, r4, r8, lr\n\t"                                                                 \
  "smlad  lr, r5, r9, lr\n\t"

/* The tail group: the row's last word shifted down, then the row ends. */
#define EDGEC_CM_BLOCK_TAIL                                                                   \
  "ldr    r3, [sp, #28]\n\t"                                                                  \
  "sub    r4, r0, r3, lsr #3\n\t"                                                             \
  "ldr    r5, [r4]\n\t"                                                                       \
  "lsr    r5, r5, r3\n\t"                                                                     \
  "add    r0, r4, #4\n\t" EDGEC_CM_DOT4_GROUP_BODY_W

/* Every channel of a four-column block. The groups after the first run in a
 * loop of eight, entered part-way (Duff's device) at a place computed once:
 * body + 416 - 52·q for q = (groups - 1) mod 8, which is the loop's closing
 * compare when q = 0. Stack frame: the eight arguments, then the entry.
 * (Several asm statements: ISO C caps a string literal at 4095 bytes.) */
#define EDGEC_CM_BLOCK4_ASM(tail, requant, wide)                                              \
  __asm__("push   {r4-r11, lr}\n\t"                                                           \
          "ldmia  r0, {r1-r8}\n\t"                                                            \
          "sub    r9, r7, #4\n\t"                                                             \
          "and    r9, r9, #28\n\t"                                                            \
          "add    r10, r9, r9, lsl #3\n\t"                                                    \
          "add    r10, r10, r9, lsl #2\n\t"                                                   \
          "adr.w  r9, 2f\n\t"                                                                 \
          "add    r9, r9, #416\n\t"                                                           \
          "sub    r9, r9, r10\n\t"                                                            \
          "push   {r1-r9}\n\t"                                                                \
          "mov    r0, r1\n\t"                                                                 \
          "mov    r2, r3\n\t"                                                                 \
          "1:\n\t"                                                                            \
          "ldr    r1, [sp, #4]\n\t"                                                           \
          "ldr    r3, [sp, #24]\n\t"                                                          \
          "add    r3, r0, r3\n\t" EDGEC_CM_BLOCK_PEEL "ldr    r4, [sp, #32]\n\t"              \
          "mov    pc, r4\n\t"                                                                 \
          ".p2align 2\n\t"                                                                    \
          "2:\n\t" EDGEC_CM_BLOCK_GROUP EDGEC_CM_BLOCK_GROUP EDGEC_CM_BLOCK_GROUP                 \
              EDGEC_CM_BLOCK_GROUP);                                                          \
  __asm__(EDGEC_CM_BLOCK_GROUP EDGEC_CM_BLOCK_GROUP EDGEC_CM_BLOCK_GROUP                        \
              EDGEC_CM_BLOCK_GROUP "cmp    r0, r3\n\t"                                         \
          "bne    2b\n\t" tail);                                                             \
  __asm__("ldmia  r2!, {r3-r9}\n\t" requant "4:\n\t"                                      \
          "ldr    r1, [sp, #16]\n\t"                                                          \
          "ldr    r9, [sp, #20]\n\t"                                                          \
          "add    r3, r1, r9, lsl #1\n\t"                                                     \
          "strb   r10, [r1]\n\t"                                                              \
          "strb   r11, [r1, r9]\n\t"                                                          \
          "strb   r12, [r3]\n\t"                                                              \
          "strb   lr, [r3, r9]\n\t"                                                           \
          "add    r1, r1, #1\n\t"                                                             \
          "str    r1, [sp, #16]\n\t"                                                          \
          "ldr    r3, [sp, #12]\n\t"                                                          \
          "cmp    r2, r3\n\t"                                                                 \
          "bne    1b\n\t"                                                                     \
          "add    sp, sp, #36\n\t"                                                            \
          "pop    {r4-r11, pc}\n\t" wide)

/* Every record fast. */
#define EDGEC_CM_BLOCK_FAST                                                                   \
  EDGEC_CM_FAST("r10", "r1") EDGEC_CM_FAST("r11", "r1") EDGEC_CM_FAST("r12", "r1")             \
  EDGEC_CM_FAST("lr", "r1")
/* Fast and wide records: the kind picks the code. */
#define EDGEC_CM_BLOCK_MIXED "cmp    r3, #0\n\t" "bne.w  5f\n\t" EDGEC_CM_BLOCK_FAST
#define EDGEC_CM_BLOCK_WIDE                                                                   \
  "5:\n\t" EDGEC_CM_WIDE("r10", "r1") EDGEC_CM_WIDE("r11", "r1") EDGEC_CM_WIDE("r12", "r1")   \
  EDGEC_CM_WIDE("lr", "r1") "b      4b\n\t"

/* Depth a multiple of four / with a tail of 1..3; fast records only / any. */
static void __attribute__((naked, noinline, unused))
edgec_cm_block4(const edgec_cm_block_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_BLOCK4_ASM("", EDGEC_CM_BLOCK_FAST, "");
}

static void __attribute__((naked, noinline, unused))
edgec_cm_block4_tail(const edgec_cm_block_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_BLOCK4_ASM(EDGEC_CM_BLOCK_TAIL, EDGEC_CM_BLOCK_FAST, "");
}

static void __attribute__((naked, noinline, unused))
edgec_cm_block4_mixed(const edgec_cm_block_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_BLOCK4_ASM("", EDGEC_CM_BLOCK_MIXED, EDGEC_CM_BLOCK_WIDE);
}

static void __attribute__((naked, noinline, unused))
edgec_cm_block4_mixed_tail(const edgec_cm_block_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_BLOCK4_ASM(EDGEC_CM_BLOCK_TAIL, EDGEC_CM_BLOCK_MIXED, EDGEC_CM_BLOCK_WIDE);
}

#endif /* EDGEC_CM_FUSED_H */
