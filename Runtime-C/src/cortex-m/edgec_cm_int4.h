/*
 * edgec runtime (internal, Cortex-M): dot products of packed int4 weights
 * (edgec_int4.h: element 2i in byte i's low nibble, 2i + 1 in its high one)
 * with int8 activations, for the cortex-m *_s8w4 kernels.
 *
 * Eight weights are one packed word w, elements e0..e7 at bits 4i..4i+3.
 * No nibble is sign-extended on its own: masking w, w << 4, w << 8 and
 * w << 12 with 0xF000F000 leaves in each halfword one nibble in the top four
 * bits, which read as an int16 is exactly 4096·e:
 *   w & M = (4096·e3, 4096·e7)      (w << 4) & M = (4096·e2, 4096·e6)
 *   (w << 8) & M = (4096·e1, 4096·e5)  (w << 12) & M = (4096·e0, 4096·e4)
 * (one AND with a shifted operand each). SMLALD adds both products of a
 * pair into a 64-bit sum, so nothing overflows (|4096·e·(x + o)| < 2^24
 * for int8 offsets); the sum is 4096 times the int8 kernels' sum, and its
 * bits 12..43 are that sum modulo 2^32 — what the portable kernels'
 * wrapping uint32 sums give.
 *
 * The activations go in the matching order: eight int8 values x0..x7 (words
 * a = x0..x3, b = x4..x7) become (x3, x7), (x2, x6), (x1, x5), (x0, x4) plus
 * the input offset in each halfword: PKHBT(a, b << 16) holds x0, x1, x4, x5
 * and PKHTB(b, a >> 16) x2, x3, x6, x7, and SXTAB16 (with ROR #8) widens
 * their bytes 0, 2 (1, 3). Widened once into scratch ("wide" layout: four
 * words a group of eight) or on the fly. The loops over many groups are in
 * edgec_cm_int4_asm.h.
 */
#ifndef EDGEC_CM_INT4_H
#define EDGEC_CM_INT4_H

#include <stdint.h>

#include "edgec/fixedpoint.h"
#include "edgec_cm_dsp.h"
#include "edgec_cm_int4_asm.h"
#include "edgec_int4.h"

#define EDGEC_CM_INT4_MASK 0xF000F000u

/* Bytes of scratch a widened run of n elements takes: four words a group
 * of eight. */
static inline int32_t edgec_cm_int4_wide_bytes(int32_t n) { return 16 * ((n + 7) >> 3); }

/* Scratch for the full-speed paths (kernels.h; Sources/EdgeCodegen/
 * KernelScratch.swift mirrors these formulas), G8 = ceil(depth / 8):
 *
 * edgec_conv2d_s8w4 (depth = kh · kw · in_c): 24 · G8 + 16 · out_c bytes —
 *   the receptive field gathered as int8 (8 bytes a group), then widened
 *   (16 bytes a group), and per output channel its sum (4 bytes) and
 *   requantization record (12); 0 for grouped convolutions (filter depth
 *   != in_c).
 * edgec_fully_connected_s8w4 (depth = accum_depth): 16 · G8 + 4 · out
 *   bytes — one widened input row and every output's sum.
 *
 * Without room for the sums (and the conv's records), each dot product is
 * one call, requantized on its own (slower for shallow layers); with less than the widened run, the scratch-free paths
 * widen the input on the fly for every dot product. */
static inline int32_t edgec_cm_int4_conv_scratch_bytes(int32_t kh, int32_t kw, int32_t in_c,
                                                       int32_t filter_c, int32_t out_c) {
  if (filter_c != in_c) return 0;
  return 24 * ((kh * kw * in_c + 7) >> 3) + 16 * out_c;
}

static inline int32_t edgec_cm_int4_fc_scratch_bytes(int32_t depth, int32_t out) {
  return edgec_cm_int4_wide_bytes(depth) + 4 * out;
}

/* PKHBT a, b, LSL #16 (a's low halfword, b's low halfword above it) and
 * PKHTB b, a, ASR #16 (a's high halfword, b's high halfword above it):
 * GCC builds neither from the C idiom. */
static inline __attribute__((always_inline)) uint32_t edgec_cm_pkhbt16(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

static inline __attribute__((always_inline)) uint32_t edgec_cm_pkhtb16(uint32_t b, uint32_t a) {
  uint32_t r;
  __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(b), "r"(a));
  return r;
}

/* The eight activations at x (any alignment), plus the offset, in the
 * weights' order. */
static inline __attribute__((always_inline)) void edgec_cm_int4_widen8(const int8_t *x,
                                                                       uint32_t offset_pair,
                                                                       uint32_t *dst) {
  const uint32_t a = edgec_cm_load32(x), b = edgec_cm_load32(x + 4);
  const uint32_t lo = edgec_cm_pkhbt16(a, b); /* x0 x1 x4 x5 */
  const uint32_t hi = edgec_cm_pkhtb16(b, a); /* x2 x3 x6 x7 */
  dst[0] = edgec_cm_sxtab16_ror8(offset_pair, hi); /* (x3, x7) */
  dst[1] = __sxtab16(offset_pair, hi);             /* (x2, x6) */
  dst[2] = edgec_cm_sxtab16_ror8(offset_pair, lo); /* (x1, x5) */
  dst[3] = __sxtab16(offset_pair, lo);             /* (x0, x4) */
}

/* The first n (< 8) activations at x, widened as above; the other lanes
 * hold the offset (their weights are zero). Reads only those n bytes. */
static inline void edgec_cm_int4_widen_part(const int8_t *x, int32_t n, uint32_t offset_pair,
                                            uint32_t *dst) {
  uint32_t v[2] = {0u, 0u};
  int32_t i;
  for (i = 0; i < n; ++i) v[i >> 2] |= (uint32_t)(uint8_t)x[i] << (8 * (i & 3));
  edgec_cm_int4_widen8((const int8_t *)v, offset_pair, dst);
}

/* A 64-bit sum as two words, for the assembly. */
typedef struct {
  uint32_t lo, hi;
} edgec_cm_int4_acc;

/* Eight products of packed word w with the widened group x into acc: four
 * AND (the mask in a register, the shift folded in) and four SMLALD. */
static inline __attribute__((always_inline)) void edgec_cm_int4_mac8(uint32_t w, const uint32_t *x,
                                                                     edgec_cm_int4_acc *acc) {
  const uint32_t mask = EDGEC_CM_INT4_MASK;
  uint32_t t;
  __asm__("and    %[t], %[m], %[w]\n\t"
          "smlald %[lo], %[hi], %[t], %[x0]\n\t"
          "and    %[t], %[m], %[w], lsl #4\n\t"
          "smlald %[lo], %[hi], %[t], %[x1]\n\t"
          "and    %[t], %[m], %[w], lsl #8\n\t"
          "smlald %[lo], %[hi], %[t], %[x2]\n\t"
          "and    %[t], %[m], %[w], lsl #12\n\t"
          "smlald %[lo], %[hi], %[t], %[x3]\n\t"
          : [lo] "+r"(acc->lo), [hi] "+r"(acc->hi), [t] "=&r"(t)
          : [m] "r"(mask), [w] "r"(w), [x0] "r"(x[0]), [x1] "r"(x[1]), [x2] "r"(x[2]),
            [x3] "r"(x[3]));
}

/* The packed word of elements [k, k + 8) of a packed tensor whose bytes
 * start at `bytes` + k / 2 — for an odd k, the word a nibble on, with the
 * byte after it (still one of the eight elements' bytes). */
static inline __attribute__((always_inline)) uint32_t edgec_cm_int4_word_odd(const uint8_t *bytes) {
  return (edgec_cm_load32(bytes) >> 4) | ((uint32_t)bytes[4] << 28);
}

/* Elements [k, k + n) (n < 8) as a packed word, zeros above them; reads
 * only the bytes that hold them. */
static inline uint32_t edgec_cm_int4_part(const int8_t *packed, int32_t k, int32_t n) {
  const uint8_t *bytes = (const uint8_t *)packed + (k >> 1);
  const int32_t count = ((k & 1) + n + 1) >> 1;
  uint32_t w = 0;
  int32_t i;
  for (i = 0; i < count; ++i) w |= (uint32_t)bytes[i] << (8 * i);
  return (w >> (4 * (k & 1))) & ((1u << (4 * n)) - 1u);
}

/* The int8 kernels' sum (mod 2^32) from the 64-bit one: its bits 12..43. */
static inline uint32_t edgec_cm_int4_sum(const edgec_cm_int4_acc *acc) {
  return (acc->lo >> 12) | (acc->hi << 20);
}

/* The tail of row r (elements [k, k + n), n < 8 left after the whole groups)
 * against the run's last group x. */
static inline uint32_t edgec_cm_int4_tail(const int8_t *packed, int32_t k, int32_t n,
                                          const uint32_t *x) {
  edgec_cm_int4_acc acc = {0u, 0u};
  edgec_cm_int4_mac8(edgec_cm_int4_part(packed, k, n), x, &acc);
  return edgec_cm_int4_sum(&acc);
}

/* Sum over elements [k, k + n) of a packed tensor against a widened run
 * (edgec_cm_int4_widen8 groups, the last one partial). Both parts of the
 * 64-bit sum are multiples of 4096, so their sums' bits 12.. add. */
static inline uint32_t edgec_cm_int4_dot_wide(const int8_t *packed, int32_t k, int32_t n,
                                              const uint32_t *x) {
  const uint8_t *bytes = (const uint8_t *)packed + (k >> 1);
  const uint32_t *end = x + 4 * (n >> 3);
  uint32_t sum = 0;
  if (x != end) {
    const uint64_t groups = (uint64_t)((k & 1) == 0 ? edgec_cm_int4_groups_even(bytes, x, end)
                                                    : edgec_cm_int4_groups_odd(bytes, x, end));
    sum = (uint32_t)(groups >> 12);
  }
  if ((n & 7) != 0) sum += edgec_cm_int4_tail(packed, k + (n & ~7), n & 7, end);
  return sum;
}

/* sums[r] = row r's sum (mod 2^32) for rows [0, rows) of n elements each
 * (row r from element r·n) against the widened run x: through
 * edgec_cm_int4_rows when n is even, one row at a time otherwise. */
static inline void edgec_cm_int4_all_rows(const int8_t *packed, int32_t rows, int32_t n,
                                          const uint32_t *x, uint32_t *sums) {
  const int32_t whole = n & ~7;
  int32_t r;
  if ((n & 1) != 0 || whole == 0) {
    for (r = 0; r < rows; ++r) sums[r] = edgec_cm_int4_dot_wide(packed, r * n, n, x);
    return;
  }
  {
    edgec_cm_int4_rows_args a;
    a.bytes = (const uint8_t *)packed;
    a.x = x;
    a.x_end = x + whole / 2;
    a.sums = sums;
    a.sums_end = sums + rows;
    a.skip = (n - whole) / 2;
    edgec_cm_int4_rows(&a);
  }
  if ((n & 7) != 0) {
    for (r = 0; r < rows; ++r) sums[r] += edgec_cm_int4_tail(packed, r * n + whole, n & 7, x + whole / 2);
  }
}

/* Elements [k, k + n) against n activations at x one at a time: for runs
 * too short for a group (a kernel row of a one-channel input), where
 * widening a part-group costs more than it saves. */
static inline uint32_t edgec_cm_int4_dot_scalar(const int8_t *packed, int32_t k, int32_t n,
                                                const int8_t *x, int32_t offset) {
  uint32_t acc = 0;
  int32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t j = k + i;
    const uint32_t byte = (uint8_t)packed[j >> 1];
    const int32_t w = (int32_t)(byte << (28 - 4 * (j & 1))) >> 28; /* the nibble, signed */
    acc += (uint32_t)(w * ((int32_t)x[i] + offset));
  }
  return acc;
}

/* The same against n int8 activations at x, widened on the fly; the tail
 * of fewer than eight one at a time. */
static inline uint32_t edgec_cm_int4_dot_direct(const int8_t *packed, int32_t k, int32_t n,
                                                const int8_t *x, uint32_t offset_pair) {
  const uint8_t *bytes = (const uint8_t *)packed + (k >> 1);
  const int8_t *end = x + (n & ~7);
  uint32_t v[4];
  edgec_cm_int4_acc acc = {0u, 0u};
  if ((k & 1) == 0) {
    for (; x != end; x += 8, bytes += 4) {
      edgec_cm_int4_widen8(x, offset_pair, v);
      edgec_cm_int4_mac8(edgec_cm_load32(bytes), v, &acc);
    }
  } else {
    for (; x != end; x += 8, bytes += 4) {
      edgec_cm_int4_widen8(x, offset_pair, v);
      edgec_cm_int4_mac8(edgec_cm_int4_word_odd(bytes), v, &acc);
    }
  }
  return edgec_cm_int4_sum(&acc) +
         edgec_cm_int4_dot_scalar(packed, k + (n & ~7), n & 7, x, (int16_t)(offset_pair & 0xFFFFu));
}

/* sums[0] += row k's and sums[1] += row k + d's sum over n elements
 * against the activations at x (k and d even, an int8 offset). */
static inline void edgec_cm_int4_dot_direct2(const int8_t *packed, int32_t k, int32_t d, int32_t n,
                                             const int8_t *x, uint32_t offset_pair,
                                             uint32_t *sums) {
  const int32_t whole = n & ~7, offset = (int16_t)(offset_pair & 0xFFFFu);
  if (whole > 0) {
    edgec_cm_int4_pair_args a;
    a.x = x;
    a.w = (const uint8_t *)packed + (k >> 1);
    a.stride = d >> 1;
    a.x_end = x + whole;
    a.offset_pair = offset_pair;
    edgec_cm_int4_direct_pair(&a);
    sums[0] += a.sums[0];
    sums[1] += a.sums[1];
  }
  if ((n & 7) != 0) {
    sums[0] += edgec_cm_int4_dot_scalar(packed, k + whole, n & 7, x + whole, offset);
    sums[1] += edgec_cm_int4_dot_scalar(packed, k + d + whole, n & 7, x + whole, offset);
  }
}

/* n activations at x widened into dst (the last group padded). */
static inline void edgec_cm_int4_widen(const int8_t *x, int32_t n, uint32_t offset_pair,
                                       uint32_t *dst) {
  const int8_t *end = x + (n & ~7);
  for (; x != end; x += 8, dst += 4) edgec_cm_int4_widen8(x, offset_pair, dst);
  if ((n & 7) != 0) edgec_cm_int4_widen_part(x, n & 7, offset_pair, dst);
}

/* TFLM's MultiplyByQuantizedMultiplier(acc, m, s) + output_offset (the
 * bias already in acc), before the clamp. In the common case — no left
 * shift, e = -s <= 22, |acc| < 2^29, an int8 output offset — it is
 * edgec_cm_dsp.h's fast form, whose overflow checks those bounds satisfy
 * (2·|acc| < 2^30 and |round| <= 255·2^22 < 2^30); otherwise fixedpoint.h's
 * exact scalar code. Checked per value, so no per-channel records. */
static inline __attribute__((always_inline)) int32_t edgec_cm_int4_requantize(int32_t acc,
                                                                              int32_t m, int32_t s,
                                                                              int32_t output_offset) {
  if (s <= 0 && s >= -22 && (uint32_t)acc + 0x20000000u < 0x40000000u &&
      (uint32_t)output_offset + 128u < 256u) {
    const int32_t round = (int32_t)((uint32_t)(2 * output_offset + 1) << -s);
    return edgec_cm_requantize((int32_t)((uint32_t)acc << 1), m, round, 1 - s);
  }
  return edgec_multiply_by_quantized_multiplier(acc, m, s) + output_offset;
}

/* One channel's requantization, decided once per call: the fast form's
 * constants when it holds for every sum the channel can have (shift > 0),
 * else shift 0 for fixedpoint.h's exact code. */
typedef struct {
  int32_t multiplier, round, shift;
} edgec_cm_int4_record;

/* The record for multiplier m, shift s and an output offset, given |acc| <=
 * bound for the accumulator including the bias. */
static inline void edgec_cm_int4_record_prepare(int32_t m, int32_t s, int32_t output_offset,
                                                int64_t bound, edgec_cm_int4_record *r) {
  r->shift = 0;
  if (s <= 0 && s >= -22 && bound < ((int64_t)1 << 29) && output_offset >= -128 &&
      output_offset <= 127) {
    r->multiplier = m;
    r->round = (int32_t)((uint32_t)(2 * output_offset + 1) << -s);
    r->shift = 1 - s;
  }
}

#endif /* EDGEC_CM_INT4_H */
