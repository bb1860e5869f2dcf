/*
 * edgec runtime (internal, Cortex-M): edgec_cm_direct_pair and
 * edgec_cm_direct_pair_sums, the scratch-free loop of two interior pixels
 * against two filter rows (edgec_cm_direct.h says how the direct path
 * works): 20 instructions per 16 MACs, the sums starting at
 * input_offset · sum(w) since no register is left for the offset.
 */
#ifndef EDGEC_CM_PAIR_H
#define EDGEC_CM_PAIR_H

#include "edgec_cm_direct.h"

/* One group of the pair loop: r0 pixel 0's input, r2 pixel_step, r1 row 0,
 * r3 d; sums r10 (row 0, pixel 0), r11 (row 0, pixel 1), r12 (row 1,
 * pixel 0), lr (row 1, pixel 1); 80 bytes. */
#define EDGEC_CM_PAIR_ROW(row, sum0, sum1)                                                    \
  "ldr.w   r9, " row "\n\t"                                                                   \
  "sxtb16  r8, r9\n\t"                                                                        \
  "sxtb16  r9, r9, ror #8\n\t"                                                                \
  "smlad   " sum0 ", r8, r4, " sum0 "\n\t"                                                    \
  "smlad   " sum0 ", r9, r5, " sum0 "\n\t"                                                    \
  "smlad   " sum1 ", r8, r6, " sum1 "\n\t"                                                    \
  "smlad   " sum1 ", r9, r7, " sum1 "\n\t"
#define EDGEC_CM_PAIR_GROUP                                                                   \
  "ldr.w   r7, [r0, r2]\n\t"                                                                  \
  "ldr.w   r5, [r0], #4\n\t"                                                                  \
  "sxtb16  r6, r7\n\t"                                                                        \
  "sxtb16  r7, r7, ror #8\n\t"                                                                \
  "sxtb16  r4, r5\n\t"                                                                        \
  "sxtb16  r5, r5, ror #8\n\t" EDGEC_CM_PAIR_ROW("[r1, r3]", "r12", "lr")                     \
      EDGEC_CM_PAIR_ROW("[r1], #4", "r10", "r11")

/* The pair loop; `finish` requantizes and stores r10-lr (or hands the sums
 * back) and goes on to the next pair of rows. r1 walks the filter: a pair
 * of rows ends where its row 1 starts, one row on is the next pair's row 0.
 * Stack frame: the 14 argument words, then the loop's entry (56), row 0's
 * end (60), the run's end (64), the current record (68) and output (72);
 * the caller's registers above. */
#define EDGEC_CM_PAIR_ASM(finish)                                                             \
  __asm__("push    {r4-r11, lr}\n\t"                                                          \
          "sub     sp, sp, #24\n\t"                                                           \
          "ldmia   r0, {r0-r12, lr}\n\t"                                                      \
          "push    {r0-r12, lr}\n\t"                                                          \
          "lsr     r8, r4, #2\n\t" /* entry: 80 · (-groups & 3) bytes into the body */        \
          "rsb     r8, r8, #0\n\t"                                                            \
          "and     r8, r8, #3\n\t"                                                            \
          "mov     r9, #80\n\t"                                                               \
          "adr.w   r10, 3f\n\t"                                                               \
          "mla     r8, r8, r9, r10\n\t"                                                       \
          "str     r8, [sp, #56]\n\t"                                                         \
          "ldr     r2, [sp, #4]\n\t"                                                          \
          "ldr     r3, [sp, #12]\n\t"                                                         \
          "0:\n\t" /* a pixel pair */                                                         \
          "ldr     r1, [sp, #8]\n\t"                                                          \
          "ldr     r8, [sp, #24]\n\t"                                                         \
          "str     r8, [sp, #68]\n\t"                                                         \
          "ldr     r8, [sp, #32]\n\t"                                                         \
          "str     r8, [sp, #72]\n\t"                                                         \
          "1:\n\t" /* a pair of rows: the sums start at input_offset · sum(w) */              \
          "ldr     r9, [sp, #68]\n\t"                                                         \
          "ldr     r10, [r9, #16]\n\t"                                                        \
          "mov     r11, r10\n\t"                                                              \
          "ldr     r12, [r9, #36]\n\t"                                                        \
          "mov     lr, r12\n\t"                                                               \
          "ldr     r0, [sp, #0]\n\t"                                                          \
          "add     r8, r1, r3\n\t"                                                            \
          "str     r8, [sp, #60]\n\t"                                                         \
          "2:\n\t" /* a run */                                                                \
          "ldr     r8, [sp, #16]\n\t"                                                         \
          "add     r8, r0, r8\n\t"                                                            \
          "str     r8, [sp, #64]\n\t"                                                         \
          "ldr     r8, [sp, #56]\n\t"                                                         \
          "mov     pc, r8\n\t"                                                                \
          ".p2align 2\n\t"                                                                    \
          "3:\n\t" EDGEC_CM_PAIR_GROUP EDGEC_CM_PAIR_GROUP EDGEC_CM_PAIR_GROUP);              \
  __asm__(EDGEC_CM_PAIR_GROUP                                                                 \
          "ldr     r8, [sp, #64]\n\t"                                                         \
          "cmp     r0, r8\n\t"                                                                \
          "bne     3b\n\t"                                                                    \
          "ldr     r8, [sp, #60]\n\t"                                                         \
          "cmp     r1, r8\n\t"                                                                \
          "beq     4f\n\t"                                                                    \
          "ldr     r8, [sp, #20]\n\t"                                                         \
          "add     r0, r0, r8\n\t"                                                            \
          "b       2b\n\t"                                                                    \
          "4:\n\t" finish)

/* Requantized with the records and stored; the next pair of rows, then
 * the next pixel pair. */
#define EDGEC_CM_PAIR_STORE                                                                   \
  "ldr     r9, [sp, #68]\n\t"                                                                 \
  "ldmia   r9!, {r4-r8}\n\t" EDGEC_CM_FAST("r10", "r8") EDGEC_CM_FAST("r11", "r8")             \
  "ldmia   r9!, {r4-r8}\n\t" EDGEC_CM_FAST("r12", "r8") EDGEC_CM_FAST("lr", "r8")              \
  "str     r9, [sp, #68]\n\t"                                                                 \
  "ldr     r8, [sp, #72]\n\t"                                                                 \
  "ldr     r0, [sp, #36]\n\t"                                                                 \
  "strb    r10, [r8]\n\t"                                                                     \
  "strb    r12, [r8, #1]\n\t"                                                                 \
  "strb    r11, [r8, r0]\n\t"                                                                 \
  "add     r0, r8, r0\n\t"                                                                    \
  "strb    lr, [r0, #1]\n\t"                                                                  \
  "add     r8, r8, #2\n\t"                                                                    \
  "str     r8, [sp, #72]\n\t"                                                                 \
  "add     r1, r1, r3\n\t"                                                                    \
  "ldr     r8, [sp, #28]\n\t"                                                                 \
  "cmp     r9, r8\n\t"                                                                        \
  "bne     1b\n\t"                                                                            \
  "ldr     r8, [sp, #0]\n\t"                                                                  \
  "ldr     r9, [sp, #48]\n\t"                                                                 \
  "add     r8, r8, r9\n\t"                                                                    \
  "str     r8, [sp, #0]\n\t"                                                                  \
  "ldr     r8, [sp, #32]\n\t"                                                                 \
  "ldr     r9, [sp, #52]\n\t"                                                                 \
  "add     r8, r8, r9\n\t"                                                                    \
  "str     r8, [sp, #32]\n\t"                                                                 \
  "ldr     r8, [sp, #44]\n\t"                                                                 \
  "subs    r8, r8, #1\n\t"                                                                    \
  "str     r8, [sp, #44]\n\t"                                                                 \
  "bne     0b\n\t"                                                                            \
  "add     sp, sp, #80\n\t"                                                                   \
  "pop     {r4-r11, pc}\n\t"

/* The raw sums of the first pair of rows of the first pixel pair. */
#define EDGEC_CM_PAIR_SUMS                                                                    \
  "ldr     r8, [sp, #40]\n\t"                                                                 \
  "stmia   r8, {r10, r11, r12, lr}\n\t"                                                       \
  "add     sp, sp, #80\n\t"                                                                   \
  "pop     {r4-r11, pc}\n\t"

static void __attribute__((naked, noinline, unused))
edgec_cm_direct_pair(const edgec_cm_pair_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_PAIR_ASM(EDGEC_CM_PAIR_STORE);
}

/* The same for channels the fast requantization cannot take: one pair of
 * rows for one pixel pair, the sums to `sums`. */
static void __attribute__((naked, noinline, unused))
edgec_cm_direct_pair_sums(const edgec_cm_pair_args *args EDGEC_CM_ASM_ARG) {
  EDGEC_CM_PAIR_ASM(EDGEC_CM_PAIR_SUMS);
}

#endif /* EDGEC_CM_PAIR_H */
