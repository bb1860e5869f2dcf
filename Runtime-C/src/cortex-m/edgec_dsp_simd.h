/*
 * edgec runtime (internal, Cortex-M): the DSP instructions the cortex-m
 * kernels use, one inline function each.
 *
 * On a core with the DSP extension (__ARM_FEATURE_DSP: Cortex-M4/M7/M33/M55)
 * they are ACLE intrinsics from arm_acle.h, or a one-instruction inline
 * assembly where ACLE has none (SMMULR, BFI) or where GCC would spend a
 * second instruction (SXTB16/SXTAB16 with ROR #8): the metric is executed
 * instructions. Anywhere else they are plain C with the instructions'
 * semantics, so the same kernels build and run on the host (the runtime's C
 * tests run them under the sanitizers) and on `edgec simulate --target` a
 * DSP chip; bit-exactness is then the emulation's, tested against the
 * hardware under QEMU by Runtime-C/tests/cortex-m.
 *
 * Lanes: "16x2" is a word holding two int16 lanes (bits 0-15, 16-31), "8x4"
 * four int8 lanes (byte i = bits 8i .. 8i+7).
 */
#ifndef EDGEC_DSP_SIMD_H
#define EDGEC_DSP_SIMD_H

#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define EDGEC_DSP_HARDWARE 1
#include <arm_acle.h>
#else
#define EDGEC_DSP_HARDWARE 0
#endif

/* Inlined even at -Os, where GCC would otherwise call these per element. */
#if defined(__GNUC__)
#define EDGEC_DSP_INLINE static inline __attribute__((always_inline))
#else
#define EDGEC_DSP_INLINE static inline
#endif

/* Unaligned-tolerant word access (LDR/STR on ARMv7E-M). */
EDGEC_DSP_INLINE uint32_t edgec_dsp_load32(const void *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

EDGEC_DSP_INLINE void edgec_dsp_store32(void *p, uint32_t v) { memcpy(p, &v, 4); }

/* Two int16 lanes of the same value; four int8 lanes of the same value. */
EDGEC_DSP_INLINE uint32_t edgec_dsp_pair16(int32_t v) {
  return ((uint32_t)v & 0xFFFFu) | ((uint32_t)v << 16);
}

EDGEC_DSP_INLINE uint32_t edgec_dsp_quad8(int32_t v) { return ((uint32_t)v & 0xFFu) * 0x01010101u; }

#if EDGEC_DSP_HARDWARE

/* 16x2 lanes (lo, hi) from the low halves of two values (PKHBT; GCC spends
 * a UXTH and an ORR). */
EDGEC_DSP_INLINE uint32_t edgec_dsp_pack16(int32_t lo, int32_t hi) {
  uint32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
}

/* 16x2 lane-wise a + b, wrapping (SADD16). */
EDGEC_DSP_INLINE uint32_t edgec_dsp_sadd16(uint32_t a, uint32_t b) {
  return (uint32_t)__sadd16((int32_t)a, (int32_t)b);
}

/* 16x2 a + bytes 0 and 2 of x, sign-extended (SXTAB16). */
EDGEC_DSP_INLINE uint32_t edgec_dsp_sxtab16(uint32_t a, uint32_t x) { return __sxtab16(a, x); }

/* 16x2 a + bytes 1 and 3 of x, sign-extended (SXTAB16 ROR #8). */
EDGEC_DSP_INLINE uint32_t edgec_dsp_sxtab16_ror8(uint32_t a, uint32_t x) {
  uint32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
  return r;
}

/* acc + bottom x bottom, acc + top x top int16 lanes (SMLABB, SMLATT). */
EDGEC_DSP_INLINE int32_t edgec_dsp_smlabb(uint32_t a, uint32_t b, int32_t acc) {
  return __smlabb((int32_t)a, (int32_t)b, acc);
}

EDGEC_DSP_INLINE int32_t edgec_dsp_smlatt(uint32_t a, uint32_t b, int32_t acc) {
  return __smlatt((int32_t)a, (int32_t)b, acc);
}

/* acc + bottom(a) x top(b) (SMLABT). */
EDGEC_DSP_INLINE int32_t edgec_dsp_smlabt(uint32_t a, uint32_t b, int32_t acc) {
  return __smlabt((int32_t)a, (int32_t)b, acc);
}

/* acc + bottom x bottom + top x top (SMLAD). */
EDGEC_DSP_INLINE int32_t edgec_dsp_smlad(uint32_t a, uint32_t b, int32_t acc) {
  return __smlad((int32_t)a, (int32_t)b, acc);
}

/* bottom x bottom + top x top (SMUAD). */
EDGEC_DSP_INLINE int32_t edgec_dsp_smuad(uint32_t a, uint32_t b) {
  return __smuad((int32_t)a, (int32_t)b);
}

/* The three bytes p[0], p[d], p[2d] as lanes (p[0], p[d]) and p[2d],
 * sign-extended: a depthwise column (three LDRSB, the last with the offset
 * shifted, and a PKHBT, without a register for 2d). */
EDGEC_DSP_INLINE void edgec_dsp_load_column3(const int8_t *p, int32_t d, uint32_t *x01,
                                             uint32_t *x2) {
  uint32_t lo, hi, third;
  __asm__("ldrsb %0, [%3]\n\t"
          "ldrsb %1, [%3, %4]\n\t"
          "ldrsb %2, [%3, %4, lsl #1]\n\t"
          "pkhbt %0, %0, %1, lsl #16"
          : "=&r"(lo), "=&r"(hi), "=&r"(third)
          : "r"(p), "r"(d)
          : "memory");
  *x01 = lo;
  *x2 = third;
}

/* round(a · b / 2^32), ties up (SMMULR). */
EDGEC_DSP_INLINE int32_t edgec_dsp_smmulr(int32_t a, int32_t b) {
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

/* x saturated to int8 (SSAT #8). */
EDGEC_DSP_INLINE int32_t edgec_dsp_ssat8(int32_t x) { return __ssat(x, 8); }

/* 8x4 lanes y0..y3 (low bytes of each) packed into a word (three BFIs). */
EDGEC_DSP_INLINE uint32_t edgec_dsp_pack4(int32_t y0, int32_t y1, int32_t y2, int32_t y3) {
  uint32_t v = (uint32_t)y0;
  __asm__("bfi %0, %1, #8, #8" : "+r"(v) : "r"(y1));
  __asm__("bfi %0, %1, #16, #8" : "+r"(v) : "r"(y2));
  __asm__("bfi %0, %1, #24, #8" : "+r"(v) : "r"(y3));
  return v;
}

/* 8x4 signed max(a, b) (SSUB8 sets GE where a >= b, SEL picks). */
EDGEC_DSP_INLINE uint32_t edgec_dsp_max4(uint32_t a, uint32_t b) {
  (void)__ssub8(a, b);
  return __sel(a, b);
}

/* 8x4 signed min(a, b). */
EDGEC_DSP_INLINE uint32_t edgec_dsp_min4(uint32_t a, uint32_t b) {
  (void)__ssub8(a, b);
  return __sel(b, a);
}

#else /* the instructions' semantics in C */

EDGEC_DSP_INLINE uint32_t edgec_dsp_pack16(int32_t lo, int32_t hi) {
  return ((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16);
}

EDGEC_DSP_INLINE uint32_t edgec_dsp_sxtab16(uint32_t a, uint32_t x) {
  const uint32_t lo = (a + (uint32_t)(int32_t)(int8_t)(x & 0xFFu)) & 0xFFFFu;
  const uint32_t hi = ((a >> 16) + (uint32_t)(int32_t)(int8_t)((x >> 16) & 0xFFu)) & 0xFFFFu;
  return lo | (hi << 16);
}

EDGEC_DSP_INLINE uint32_t edgec_dsp_sxtab16_ror8(uint32_t a, uint32_t x) {
  return edgec_dsp_sxtab16(a, (x >> 8) | (x << 24));
}

EDGEC_DSP_INLINE uint32_t edgec_dsp_sadd16(uint32_t a, uint32_t b) {
  return ((a + b) & 0xFFFFu) | ((((a >> 16) + (b >> 16)) & 0xFFFFu) << 16);
}

EDGEC_DSP_INLINE int32_t edgec_dsp_smlabb(uint32_t a, uint32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)((int32_t)(int16_t)(a & 0xFFFFu) *
                                              (int32_t)(int16_t)(b & 0xFFFFu)));
}

EDGEC_DSP_INLINE int32_t edgec_dsp_smlatt(uint32_t a, uint32_t b, int32_t acc) {
  return edgec_dsp_smlabb(a >> 16, b >> 16, acc);
}

EDGEC_DSP_INLINE int32_t edgec_dsp_smlabt(uint32_t a, uint32_t b, int32_t acc) {
  return edgec_dsp_smlabb(a, b >> 16, acc);
}

EDGEC_DSP_INLINE int32_t edgec_dsp_smlad(uint32_t a, uint32_t b, int32_t acc) {
  return edgec_dsp_smlatt(a, b, edgec_dsp_smlabb(a, b, acc));
}

EDGEC_DSP_INLINE int32_t edgec_dsp_smuad(uint32_t a, uint32_t b) { return edgec_dsp_smlad(a, b, 0); }

EDGEC_DSP_INLINE void edgec_dsp_load_column3(const int8_t *p, int32_t d, uint32_t *x01,
                                             uint32_t *x2) {
  *x01 = edgec_dsp_pack16(p[0], p[d]);
  *x2 = (uint32_t)(int32_t)p[2 * d];
}

EDGEC_DSP_INLINE int32_t edgec_dsp_smmulr(int32_t a, int32_t b) {
  const int64_t r = (int64_t)a * (int64_t)b + ((int64_t)1 << 31);
  return (int32_t)(r >= 0 ? r / ((int64_t)1 << 32) : -((-r - 1) / ((int64_t)1 << 32)) - 1);
}

EDGEC_DSP_INLINE int32_t edgec_dsp_ssat8(int32_t x) { return x < -128 ? -128 : (x > 127 ? 127 : x); }

EDGEC_DSP_INLINE uint32_t edgec_dsp_pack4(int32_t y0, int32_t y1, int32_t y2, int32_t y3) {
  return ((uint32_t)y0 & 0xFFu) | (((uint32_t)y1 & 0xFFu) << 8) | (((uint32_t)y2 & 0xFFu) << 16) |
         ((uint32_t)y3 << 24);
}

EDGEC_DSP_INLINE uint32_t edgec_dsp_max4(uint32_t a, uint32_t b) {
  uint32_t r = 0;
  int i;
  for (i = 0; i < 32; i += 8) {
    const int8_t x = (int8_t)((a >> i) & 0xFFu), y = (int8_t)((b >> i) & 0xFFu);
    r |= ((uint32_t)(uint8_t)(x >= y ? x : y)) << i;
  }
  return r;
}

EDGEC_DSP_INLINE uint32_t edgec_dsp_min4(uint32_t a, uint32_t b) {
  uint32_t r = 0;
  int i;
  for (i = 0; i < 32; i += 8) {
    const int8_t x = (int8_t)((a >> i) & 0xFFu), y = (int8_t)((b >> i) & 0xFFu);
    r |= ((uint32_t)(uint8_t)(x >= y ? y : x)) << i;
  }
  return r;
}

#endif

/* Bottom x bottom and top x top int16 lanes (SMULBB/SMULTT: GCC 12's
 * arm_acle.h has no intrinsic, and emits the instruction for these). */
EDGEC_DSP_INLINE int32_t edgec_dsp_smulbb(uint32_t a, uint32_t b) {
  return (int32_t)(int16_t)(a & 0xFFFFu) * (int32_t)(int16_t)(b & 0xFFFFu);
}

EDGEC_DSP_INLINE int32_t edgec_dsp_smultt(uint32_t a, uint32_t b) {
  return (int32_t)(int16_t)(a >> 16) * (int32_t)(int16_t)(b >> 16);
}

/* 8x4 clamp of v to [lo, hi] per lane. */
EDGEC_DSP_INLINE uint32_t edgec_dsp_clamp4(uint32_t v, uint32_t lo4, uint32_t hi4) {
  return edgec_dsp_min4(edgec_dsp_max4(v, lo4), hi4);
}

#endif /* EDGEC_DSP_SIMD_H */
