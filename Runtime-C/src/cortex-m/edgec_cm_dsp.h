/*
 * edgec runtime (internal, Cortex-M): DSP helpers and the requantization of
 * the cortex-m CONV_2D and FULLY_CONNECTED kernels.
 *
 * ACLE intrinsics (arm_acle.h) where they exist; one-line inline assembly
 * where ACLE has no intrinsic (SMMULR) or where GCC does not fold the
 * rotation into SXTB16/SXTAB16 — the metric is executed instructions.
 *
 * Requantization is TFLM's MultiplyByQuantizedMultiplier (double rounding),
 *   h = SaturatingRoundingDoublingHighMul(acc << ls, m),  ls = max(shift, 0)
 *   y = RoundingDivideByPOT(h, e) + output_offset,          e = max(-shift, 0)
 * in four instructions. While 2·(acc << ls) fits in int32,
 *   h = floor((acc·2^ls·m + 2^30) / 2^31) = SMMULR(acc·2^(ls+1), m)
 * for either sign of the product (TFLM's nudge then truncation toward zero is
 * that floor), and for every e >= 0
 *   RoundingDivideByPOT(h, e) + offset
 *     = (2h + 2^e + offset·2^(e+1) - [h < 0]) >> (e + 1)
 * (the halving turns "ties away from zero" into a floor; the doubling makes
 * e = 0 need no special case). edgec_cm_requant_prepare checks from a bound on
 * |acc| that no step overflows; when it cannot, the kernel requantizes with
 * fixedpoint.h's exact scalar code instead.
 */
#ifndef EDGEC_CM_DSP_H
#define EDGEC_CM_DSP_H

#include <arm_acle.h>
#include <stdint.h>
#include <string.h>

#if !defined(__ARM_FEATURE_DSP) || !__ARM_FEATURE_DSP
#error "the cortex-m kernels need the DSP extension (Cortex-M4/M7/M33); use the portable kernels"
#endif

/* Scratch for the full-speed paths (kernels.h: the compiler carves it out
 * of the arena where bytes are free; Sources/EdgeCodegen/KernelScratch.swift
 * mirrors these formulas). G = ceil(depth / 4) groups of four depth elements.
 *
 * edgec_conv2d_s8, edgec_conv2d_add_s8 (depth = kh · kw · in_c):
 *   4 · (8·G + (in_c % 4 != 0 ? G : 0) + 9·out_c) bytes
 *   — four widened columns (8 words a group), the gathered receptive field
 *   when in_c is not a multiple of four (1 word a group), and per output
 *   channel its record (7 words), an exact-list entry (1) and four spare
 *   outputs (1: also where the fused ADD's convolution values wait).
 *   0 for grouped convolutions (filter depth != in_c), which use none.
 *   With less, the channels go in chunks of what fits while a chunk holds
 *   four (or all) of them (the columns widened again per chunk); with less
 *   than that, the scratch-free path (edgec_cm_direct_conv.h).
 *
 * edgec_fully_connected_s8 (depth = accum_depth):
 *   4 · ((batches >= 3 ? 8 : 2)·G + 9·out) bytes
 *   — the widened input rows (four at a time from three batch rows on) and
 *   the records as above. Per-tensor layers with one or two rows need only
 *   the 4·2·G of the widened row. Less: chunks as above, then the
 *   scratch-free path.
 *
 * Both need none with depth < 4, where only the scratch-free path applies. */
static inline int32_t edgec_cm_conv_scratch_bytes(int32_t kh, int32_t kw, int32_t in_c,
                                                  int32_t filter_c, int32_t out_c) {
  const int32_t groups = (kh * kw * filter_c + 3) / 4;
  if (filter_c != in_c || kh * kw * filter_c < 4) return 0;
  return 4 * (8 * groups + (in_c % 4 != 0 ? groups : 0) + 9 * out_c);
}

static inline int32_t edgec_cm_fc_scratch_bytes(int32_t batches, int32_t depth, int32_t out) {
  const int32_t groups = (depth + 3) / 4;
  if (depth < 4) return 0;
  return 4 * ((batches >= 3 ? 8 : 2) * groups + 9 * out);
}

/* Unaligned-tolerant word access (one LDR/STR on ARMv7E-M). */
static inline uint32_t edgec_cm_load32(const void *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static inline void edgec_cm_store32(void *p, uint32_t v) { memcpy(p, &v, 4); }

/* a + bytes 1 and 3 of x, per halfword, sign-extended (SXTAB16 ..., ROR #8). */
static inline uint32_t edgec_cm_sxtab16_ror8(uint32_t a, uint32_t x) {
  uint32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
  return r;
}

/* Bytes 1 and 3 of x, sign-extended to halfwords (SXTB16 ..., ROR #8). */
static inline uint32_t edgec_cm_sxtb16_ror8(uint32_t x) {
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}

/* floor((a·b + 2^31) / 2^32) (SMMULR). */
static inline int32_t edgec_cm_smmulr(int32_t a, int32_t b) {
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

/* The int16 pair (v, v). */
static inline uint32_t edgec_cm_pair16(int32_t v) {
  return ((uint32_t)v & 0xFFFFu) | ((uint32_t)v << 16);
}

/* One output channel's requantization in the fast form. */
typedef struct {
  int32_t multiplier;
  int32_t round;     /* 2^e + output_offset·2^(e+1) */
  int32_t shift;     /* e + 1, in 1..31 */
  int32_t pre_shift; /* ls + 1, in 1..30 */
} edgec_cm_requant;

/* Fills *q for TFLM's (multiplier, shift) and output_offset, given |acc| <=
 * max_abs_acc for the accumulator including the bias. Returns 0 when a step
 * of the fast form could overflow. */
static inline int edgec_cm_requant_prepare(int32_t multiplier, int32_t shift, int32_t output_offset,
                                           int64_t max_abs_acc, edgec_cm_requant *q) {
  const int64_t limit = ((int64_t)1 << 31) - 1;
  const int32_t ls = shift > 0 ? shift : 0;
  const int32_t e = shift > 0 ? 0 : -shift;
  int64_t scaled, round;
  if (max_abs_acc < 0 || max_abs_acc > limit) return 0;
  /* Without a left shift |h| <= |acc| + 1, and RoundingDivideByPOT(h, e) is
   * 0 for |h| < 2^(e-1): such a channel (TFLite gives unused channels shifts
   * like -26) always yields the output offset, which multiplier 0 gives too
   * (h = 0, y = (1 + 2·offset) >> 1), whatever e is. */
  if (ls == 0 && e >= 2 && max_abs_acc + 1 < ((int64_t)1 << (e - 1))) {
    q->multiplier = 0;
    q->round = 1 + 2 * output_offset;
    q->shift = 1;
    q->pre_shift = 1;
    return 1;
  }
  if (ls > 29 || e > 30) return 0;
  scaled = max_abs_acc << (ls + 1);
  round = ((int64_t)1 << e) + (int64_t)output_offset * ((int64_t)1 << (e + 1));
  /* |h| <= |scaled| / 2 + 1, so |2h + round - 1| <= scaled + 3 + |round|. */
  if (scaled > limit || scaled + 3 + (round < 0 ? -round : round) > limit) return 0;
  q->multiplier = multiplier;
  q->round = (int32_t)round;
  q->shift = e + 1;
  q->pre_shift = ls + 1;
  return 1;
}

/* y = (2h + round - [h < 0]) >> shift, h = SMMULR(scaled, multiplier): the
 * requantized value plus the output offset, before the clamp. */
static inline int32_t edgec_cm_requantize(int32_t scaled, int32_t multiplier, int32_t round,
                                          int32_t shift) {
  const int32_t h = edgec_cm_smmulr(scaled, multiplier);
  const int32_t s = (int32_t)(((uint32_t)h << 1) + (uint32_t)round) + (h >> 31);
  return s >> shift;
}

#endif /* EDGEC_CM_DSP_H */
