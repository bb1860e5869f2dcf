/*
 * edgec runtime (internal, Cortex-M): edgec_cm_direct_quad and
 * edgec_cm_direct_quad_bias, the scratch-free loop of one pixel (or FC row)
 * against four filter rows (edgec_cm_direct.h says how the direct path
 * works). Per four depth elements: the input word widened with the offset
 * (two SXTAB16), then per row a load, two SXTB16 and two SMLAD: 23
 * instructions per 16 MACs.
 */
#ifndef EDGEC_CM_QUAD_H
#define EDGEC_CM_QUAD_H

#include "edgec_cm_direct.h"

/* One group of the quad loop: r0 input, r1 row 0, r2 row 2, r3 d, r4 the
 * offset pair, sums r9-r12 (rows 0-3); 92 bytes. */
#define EDGEC_CM_QUAD_ROW(row, sum)                                                           \
  "ldr.w   r8, " row "\n\t"                                                                   \
  "sxtb16  r7, r8\n\t"                                                                        \
  "sxtb16  r8, r8, ror #8\n\t"                                                                \
  "smlad   " sum ", r7, r5, " sum "\n\t"                                                      \
  "smlad   " sum ", r8, r6, " sum "\n\t"
#define EDGEC_CM_QUAD_GROUP                                                                   \
  "ldr.w   r6, [r0], #4\n\t"                                                                  \
  "sxtab16 r5, r4, r6\n\t"                                                                    \
  "sxtab16 r6, r4, r6, ror #8\n\t" EDGEC_CM_QUAD_ROW("[r1, r3]", "r10")                       \
      EDGEC_CM_QUAD_ROW("[r1], #4", "r9") EDGEC_CM_QUAD_ROW("[r2, r3]", "r12")                \
          EDGEC_CM_QUAD_ROW("[r2], #4", "r11")
/* One byte of the tail: x + offset in the low halfword of r5. */
#define EDGEC_CM_QUAD_BYTE(row, sum)                                                          \
  "ldrsb   r8, " row "\n\t"                                                                   \
  "smlabb  " sum ", r8, r5, " sum "\n\t"

/* The quad loop; `first_half`/`second_half` requantize r9-r10 and r11-r12
 * (and leave r0 at the next rows' requantization data, compared with
 * [sp, #44] for the end). Stack frame: the 14 argument words, then the
 * loop's entry (56) and the runs left (60); the caller's registers above. */
#define EDGEC_CM_QUAD_ASM(first_half, second_half)                                           \
  __asm__("push    {r4-r11, lr}\n\t"                                                          \
          "sub     sp, sp, #8\n\t"                                                            \
          "ldmia   r0, {r0-r12, lr}\n\t"                                                      \
          "push    {r0-r12, lr}\n\t"                                                          \
          /* entry: the tail when there are no groups, else 92 · (-groups & 3)                \
           * bytes into the loop body */                                                      \
          "adr.w   r7, 4f\n\t"                                                                \
          "lsrs    r8, r5, #2\n\t"                                                            \
          "beq     0f\n\t"                                                                    \
          "rsb     r8, r8, #0\n\t"                                                            \
          "and     r8, r8, #3\n\t"                                                            \
          "mov     r9, #92\n\t"                                                               \
          "adr.w   r7, 3f\n\t"                                                                \
          "mla     r7, r8, r9, r7\n\t"                                                        \
          "0:\n\t"                                                                            \
          "str     r7, [sp, #56]\n\t"                                                         \
          "ldr     r3, [sp, #12]\n\t"                                                         \
          "ldr     r4, [sp, #4]\n\t"                                                          \
          "1:\n\t" /* a quad of rows */                                                       \
          "mov     r9, #0\n\t"                                                                \
          "mov     r10, #0\n\t"                                                               \
          "mov     r11, #0\n\t"                                                               \
          "mov     r12, #0\n\t"                                                               \
          "ldr     r0, [sp, #0]\n\t"                                                          \
          "ldr     r1, [sp, #8]\n\t"                                                          \
          "ldr     r2, [sp, #16]\n\t"                                                         \
          "add     r2, r1, r2\n\t"                                                            \
          "ldr     r7, [sp, #28]\n\t"                                                         \
          "str     r7, [sp, #60]\n\t"                                                         \
          "2:\n\t" /* a run */                                                                \
          "ldr     lr, [sp, #20]\n\t"                                                         \
          "add     lr, r0, lr\n\t"                                                            \
          "ldr     r7, [sp, #56]\n\t"                                                         \
          "mov     pc, r7\n\t"                                                                \
          ".p2align 2\n\t"                                                                    \
          "3:\n\t" EDGEC_CM_QUAD_GROUP EDGEC_CM_QUAD_GROUP);                                  \
  __asm__(EDGEC_CM_QUAD_GROUP EDGEC_CM_QUAD_GROUP                                             \
          "cmp     r0, lr\n\t"                                                                \
          "bne     3b\n\t"                                                                    \
          "4:\n\t" /* the tail, a byte at a time */                                           \
          "ldr     r7, [sp, #24]\n\t"                                                         \
          "cbz     r7, 5f\n\t"                                                                \
          "add     lr, r0, r7\n\t"                                                            \
          "6:\n\t"                                                                            \
          "ldrsb   r5, [r0], #1\n\t"                                                          \
          "add     r5, r5, r4\n\t" EDGEC_CM_QUAD_BYTE("[r1, r3]", "r10")                      \
              EDGEC_CM_QUAD_BYTE("[r1], #1", "r9") EDGEC_CM_QUAD_BYTE("[r2, r3]", "r12")      \
                  EDGEC_CM_QUAD_BYTE("[r2], #1", "r11") "cmp     r0, lr\n\t"                  \
          "bne     6b\n\t"                                                                    \
          "5:\n\t"                                                                            \
          "ldr     r7, [sp, #32]\n\t"                                                         \
          "add     r0, r0, r7\n\t"                                                            \
          "ldr     r7, [sp, #36]\n\t"                                                         \
          "add     r1, r1, r7\n\t"                                                            \
          "add     r2, r2, r7\n\t"                                                            \
          "ldr     r7, [sp, #60]\n\t"                                                         \
          "subs    r7, r7, #1\n\t"                                                            \
          "str     r7, [sp, #60]\n\t"                                                         \
          "bne     2b\n\t" first_half);                                                       \
  __asm__(second_half "ldr     r1, [sp, #48]\n\t"                                             \
          "strb    r9, [r1]\n\t"                                                              \
          "strb    r10, [r1, #1]\n\t"                                                         \
          "strb    r11, [r1, #2]\n\t"                                                         \
          "strb    r12, [r1, #3]\n\t"                                                         \
          "add     r1, r1, #4\n\t"                                                            \
          "str     r1, [sp, #48]\n\t"                                                         \
          "ldr     r4, [sp, #4]\n\t"                                                          \
          "ldr     r1, [sp, #8]\n\t"                                                          \
          "add     r1, r1, r3, lsl #2\n\t"                                                    \
          "str     r1, [sp, #8]\n\t"                                                          \
          "ldr     r1, [sp, #44]\n\t"                                                         \
          "cmp     r0, r1\n\t"                                                                \
          "bne     1b\n\t"                                                                    \
          "8:\n\t"                                                                            \
          "add     sp, sp, #64\n\t"                                                           \
          "pop     {r4-r11, pc}\n\t"                                                          \
          "7:\n\t"                                                                            \
          "stmia   r7, {r9-r12}\n\t"                                                          \
          "b       8b\n\t")

/* Records (edgec_cm_direct_record) from [sp, #40] to [sp, #44], or the raw
 * sums to `sums` ([sp, #52]) when it is set. */
#define EDGEC_CM_QUAD_RECORDS_FIRST                                                           \
  "ldr     r7, [sp, #52]\n\t"                                                                 \
  "cmp     r7, #0\n\t"                                                                        \
  "bne.w   7f\n\t"                                                                            \
  "ldr     r0, [sp, #40]\n\t"                                                                 \
  "ldmia   r0!, {r4-r8}\n\t" EDGEC_CM_FAST("r9", "r8") "ldmia   r0!, {r4-r8}\n\t"             \
  EDGEC_CM_FAST("r10", "r8")
#define EDGEC_CM_QUAD_RECORDS_SECOND                                                          \
  "ldmia   r0!, {r4-r8}\n\t" EDGEC_CM_FAST("r11", "r8") "ldmia   r0!, {r4-r8}\n\t"             \
  EDGEC_CM_FAST("r12", "r8") "str     r0, [sp, #40]\n\t"

/* Per tensor: m, R, sh at [sp, #40] (one record), the biases from
 * [sp, #52] to [sp, #44]. */
#define EDGEC_CM_QUAD_BIAS(sum)                                                               \
  "ldr     r7, [r0], #4\n\t"                                                                  \
  "lsl     r7, r7, #1\n\t" EDGEC_CM_FAST(sum, "r8")
#define EDGEC_CM_QUAD_BIAS_FIRST                                                              \
  "ldr     r0, [sp, #40]\n\t"                                                                 \
  "ldmia   r0, {r4-r6}\n\t"                                                                   \
  "ldr     r0, [sp, #52]\n\t" EDGEC_CM_QUAD_BIAS("r9") EDGEC_CM_QUAD_BIAS("r10")
#define EDGEC_CM_QUAD_BIAS_SECOND                                                             \
  EDGEC_CM_QUAD_BIAS("r11") EDGEC_CM_QUAD_BIAS("r12") "str     r0, [sp, #52]\n\t"

static void __attribute__((naked, noinline, unused))
edgec_cm_direct_quad(const edgec_cm_quad_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_QUAD_ASM(EDGEC_CM_QUAD_RECORDS_FIRST, EDGEC_CM_QUAD_RECORDS_SECOND);
}

/* A per-tensor FULLY_CONNECTED's rows, every quad in one call: `records`
 * points to the one record (its bias2 unused), `sums` to the first row's
 * bias and records_end to the bias past the last row (a multiple of four
 * rows). */
static void __attribute__((naked, noinline, unused))
edgec_cm_direct_quad_bias(const edgec_cm_quad_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_QUAD_ASM(EDGEC_CM_QUAD_BIAS_FIRST, EDGEC_CM_QUAD_BIAS_SECOND);
}

#endif /* EDGEC_CM_QUAD_H */
