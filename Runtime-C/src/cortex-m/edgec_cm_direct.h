/*
 * edgec runtime (internal, Cortex-M): the scratch-free multiply-accumulate
 * loops of the cortex-m CONV_2D and FULLY_CONNECTED kernels, in Thumb-2
 * assembly. They read int8 activations and weights where they lie and widen
 * both on the fly, so they need no buffer: the kernels take them when the
 * compiler has no free arena bytes to give at that step.
 *
 * A receptive field is `runs` runs of bytes, each contiguous in the input
 * and in every filter row (a convolution's kernel row, the taps inside the
 * input; an FC row is one run). From one run to the next the input pointer
 * skips input_skip bytes and the filter pointers filter_skip.
 *
 * - edgec_cm_direct_quad: one pixel against four filter rows (at f, f + d,
 *   f2, f2 + d). Per four depth elements: the input word widened with the
 *   offset (two SXTAB16), then per row a load, two SXTB16 and two SMLAD —
 *   23 instructions per 16 MACs. Runs of any length; the last L % 4 bytes
 *   go one at a time (SMLABB).
 * - edgec_cm_direct_pair: two pixels `pixel_step` bytes apart against two
 *   filter rows: 20 instructions per 16 MACs, for pixels whose receptive
 *   field lies inside the input and runs that are whole groups of four. The
 *   input is widened without its offset (no register is left for it); the
 *   sums start at input_offset · (sum of the row's weights), the record's
 *   `weight_sum`, which the caller computes once per channel. It walks
 *   `pairs` pixel pairs, `pair_step` input bytes apart.
 *
 * Each channel's sum is then requantized with its record in edgec_cm_fused.h's
 * fast form and stored; with `sums` set, the call does one group of rows
 * for one pixel (pair) and leaves the raw sums there instead, for the C
 * requantization of channels the fast form does not take.
 *
 * The group loops run four groups per iteration, entered part-way at
 * `entry` (Duff's device, computed once per call): every instruction of a
 * group is a 32-bit encoding, so a group has a fixed size.
 */
#ifndef EDGEC_CM_DIRECT_H
#define EDGEC_CM_DIRECT_H

#include <stdint.h>

#include "edgec_cm_dot.h"
#include "edgec_cm_fused.h"
#include "edgec_cm_gemm.h"

/* A channel's record, laid out for one LDM: the fast form's m, R, sh and
 * 2·bias (edgec_cm_fused.h), then input_offset · sum of the row's weights. */
typedef struct {
  int32_t multiplier, round, shift, bias2;
  int32_t weight_sum;
} edgec_cm_direct_record;

/* Word offsets are read by the assembly: keep the order. */
typedef struct {
  const int8_t *input;     /* 0: the first run */
  uint32_t offset_pair;    /* 4: the input offset in both halfwords */
  const int8_t *filter;    /* 8: row 0 at the first run */
  int32_t depth;           /* 12: d, bytes from row 0 to row 1 (and row 2 to row 3) */
  int32_t second;          /* 16: row 2 is this many bytes after row 0 */
  int32_t group_bytes;     /* 20: 4 · (L / 4), L the run's length */
  int32_t tail_bytes;      /* 24: L % 4 */
  int32_t runs;            /* 28: >= 1 */
  int32_t input_skip;      /* 32 */
  int32_t filter_skip;     /* 36 */
  const edgec_cm_direct_record *records; /* 40: one per row, four per quad */
  const edgec_cm_direct_record *records_end;
  int8_t *out;             /* 48: four bytes a quad, rows in order */
  int32_t *sums;           /* 52: NULL, or one quad's four raw sums go here */
} edgec_cm_quad_args;

typedef struct {
  const int8_t *input;     /* 0: pixel 0's first run */
  int32_t pixel_step;      /* 4: pixel 1's input is this many bytes later */
  const int8_t *filter;    /* 8: row 0 at the first run */
  int32_t depth;           /* 12: bytes from row 0 to row 1; rows are whole depth */
  int32_t run_bytes;       /* 16: L, a multiple of 4 */
  int32_t input_skip;      /* 20 */
  const edgec_cm_direct_record *records; /* 24: two per row pair */
  const edgec_cm_direct_record *records_end;
  int8_t *out;             /* 32: pixel 0's output for row 0 */
  int32_t out_step;        /* 36: pixel 1's outputs are this many bytes later */
  int32_t *sums;           /* 40: edgec_cm_direct_pair_sums: [p0 r0, p1 r0, p0 r1, p1 r1] */
  int32_t pairs;           /* 44: pixel pairs, >= 1 */
  int32_t pair_step;       /* 48: input bytes from one pixel pair to the next */
  int32_t pair_out_step;   /* 52: output bytes from one pixel pair to the next */
} edgec_cm_pair_args;

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

/* Four rows for n (1..4) channels: row k computes channel map[n][k], and
 * channel j's output is byte place[n][j] of the four. Rows repeat a
 * channel rather than read past the last one. */
static const int8_t edgec_cm_direct_map[5][4] = {
    {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 1, 0, 1}, {0, 1, 1, 2}, {0, 1, 2, 3}};
static const int8_t edgec_cm_direct_place[5][4] = {
    {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 1, 0, 0}, {0, 1, 3, 0}, {0, 1, 2, 3}};

/* edgec_cm_quad_args' depth and second for n channels. */
static inline void edgec_cm_direct_rows(int32_t n, int32_t depth, edgec_cm_quad_args *a) {
  a->depth = n >= 2 ? depth : 0;
  a->second = n == 4 ? 2 * depth : (n == 3 ? depth : 0);
}

/* The sum of a filter row's weights: biased to unsigned bytes (x ^ 0x80 is
 * x + 128) and summed four at a time by USADA8 (sum of |u - 0|). */
static inline int32_t edgec_cm_weight_sum(const int8_t *w, int32_t n) {
  uint32_t s = 0;
  int32_t i;
  for (i = 0; i + 4 <= n; i += 4) s = __usada8(edgec_cm_load32(w + i) ^ 0x80808080u, 0u, s);
  s -= (uint32_t)(128 * (n & ~3));
  for (; i < n; ++i) s += (uint32_t)(int32_t)w[i];
  return (int32_t)s;
}

/* The four rows' records for channels [first, first + n) (map above), with
 * input_offset · sum(w) when `weight_sums`. Returns 1 when the assembly may
 * requantize them all (fast records, no left shift, int8's own clamp). */
static __attribute__((noinline, unused)) int edgec_cm_direct_table(const edgec_cm_gemm *g, int32_t first, int32_t n,
                                        int32_t input_offset, int weight_sums,
                                        edgec_cm_direct_record *table) {
  int fast = g->shift1 && g->full_range;
  int32_t k;
  for (k = 0; k < 4; ++k) {
    const int32_t c = first + edgec_cm_direct_map[n][k];
    const int64_t b = g->bias != NULL ? (int64_t)g->bias[c] : 0;
    edgec_cm_channel r;
    edgec_cm_gemm_record(g, c, b < 0 ? -b : b, &r);
    if (r.kind != EDGEC_CM_KIND_FAST) fast = 0;
    table[k].multiplier = r.multiplier;
    table[k].round = r.round;
    table[k].shift = r.shift;
    table[k].bias2 = r.bias2;
    table[k].weight_sum =
        weight_sums ? input_offset * edgec_cm_weight_sum(g->filter + c * g->depth, g->depth) : 0;
  }
  return fast;
}

#endif /* EDGEC_CM_DIRECT_H */
