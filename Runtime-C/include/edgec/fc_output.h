/*
 * edgec runtime: the output stage of an int8 FULLY_CONNECTED element, in one
 * place — bias, then requantization in the params' rounding mode, output
 * offset, clamp. edgec_fully_connected_s8 (portable and the Cortex-M
 * kernel's plain path) and edgec_fully_connected_s8w4 share it, so the
 * rounding modes cannot drift apart.
 *
 * EDGEC_ROUND_SINGLE is LiteRT's static_cast<int32_t>(round(double(acc) *
 * scale)), round() being half away from zero, with products beyond +-2^24
 * clamped first (they saturate every int8 output alike). It is computed here
 * in integers, because Cortex-M4, M33 and single-precision M7 FPUs make
 * every double multiply a soft-float call (vit_4block_int8 with --rounding
 * litert on mps2-an386: 185.0M instructions with the double, 133.0M here):
 * the exact product |acc| * mantissa (at most 84 bits), rounded to 53
 * significant bits to nearest-even as the double multiply rounds it (that
 * rounding can move a value onto or off a .5 boundary), then clamped and
 * rounded half away from zero at the binary point. Products below 2^-1022,
 * where the double result would be subnormal, are far below 0.5 either way.
 * Runtime-C/tests/test_fc_round.c checks it against the double formula.
 *
 * Where the FPU does double precision (__ARM_FP bit 3: Cortex-M7 with
 * fpv5-d16, e.g. mps2-an500; AArch64 hosts) the double multiply is a few
 * instructions and the integer emulation slower (vit_4block_int8 on
 * mps2-an500: 125.4M instructions with the double, 133.8M without), so the
 * double formula stays there. EDGEC_FC_ROUND_INTEGER forces the integer
 * form (the test defines it).
 */
#ifndef EDGEC_FC_OUTPUT_H
#define EDGEC_FC_OUTPUT_H

#include <stdint.h>
#include <string.h>

#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

/* Number of significant bits of x > 0 (CLZ where the compiler has it). */
static inline int32_t edgec_fc_bit_length(uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
  return 64 - (int32_t)__builtin_clzll(x);
#else
  int32_t n = 0;
  while (x != 0) {
    x >>= 1;
    n += 1;
  }
  return n;
#endif
}

#if !defined(EDGEC_FC_ROUND_INTEGER) && defined(__ARM_FP) && (__ARM_FP & 8)
static inline int32_t edgec_fc_round_product(int32_t acc, const int32_t *words) {
  const double limit = 16777216.0;
  uint64_t bits = ((uint64_t)(uint32_t)words[1] << 32) | (uint64_t)(uint32_t)words[0];
  double scale, v, fraction;
  int32_t t;
  memcpy(&scale, &bits, sizeof scale);
  v = (double)acc * scale;
  if (v > limit) v = limit;
  if (v < -limit) v = -limit;
  t = (int32_t)v; /* the fraction v - trunc(v) of a double is exact */
  fraction = v - (double)t;
  if (fraction >= 0.5) t += 1;
  if (fraction <= -0.5) t -= 1;
  return t;
}
#else
static inline int32_t edgec_fc_round_product(int32_t acc, const int32_t *words) {
  const uint32_t high = (uint32_t)words[1], low = (uint32_t)words[0];
  const uint32_t magnitude = acc < 0 ? 0u - (uint32_t)acc : (uint32_t)acc;
  const int negative = (acc < 0) != ((high >> 31) != 0);
  const int32_t biased = (int32_t)((high >> 20) & 0x7ffu);
  uint32_t mantissa_high = high & 0xfffffu;
  int32_t exponent = -1074; /* scale = mantissa * 2^exponent (subnormal form) */
  uint64_t product_low, upper, kept;
  uint32_t bottom, result;
  int32_t dropped = 0;
  if (biased != 0) {
    mantissa_high |= 0x100000u;
    exponent = biased - 1075;
  }
  if (magnitude == 0 || (mantissa_high | low) == 0) return 0;
  /* |acc| * mantissa = upper * 2^32 + bottom, exactly (upper < 2^52). */
  product_low = (uint64_t)magnitude * low;
  upper = (product_low >> 32) + (uint64_t)magnitude * mantissa_high;
  bottom = (uint32_t)product_low;
  if (upper == 0) {
    kept = bottom;
  } else {
    const int32_t bits = 32 + edgec_fc_bit_length(upper);
    if (bits <= 53) {
      kept = (upper << 32) | bottom;
    } else {
      /* Round to 53 significant bits, to nearest, ties to even: 1..31 bits
       * of `bottom` go. */
      const uint32_t rest_mask = (1u << (bits - 53)) - 1u, half = (rest_mask >> 1) + 1u;
      uint32_t rest;
      dropped = bits - 53;
      kept = (upper << (32 - dropped)) | (bottom >> dropped);
      rest = bottom & rest_mask;
      if (rest > half || (rest == half && (kept & 1u) != 0)) kept += 1u; /* may reach 2^53: exact */
    }
  }
  exponent += dropped; /* the rounded product is kept * 2^exponent, kept <= 2^53 */
  if (exponent >= 0) {
    result = exponent >= 24 || kept >= (UINT64_C(1) << (24 - exponent)) ? 16777216u : (uint32_t)kept << exponent;
  } else if (exponent < -54) {
    result = 0; /* below 2^54 * 2^-55 = 0.5 */
  } else {
    const int32_t shift = -exponent;
    const uint64_t whole = kept >> shift;
    result = whole >= 16777216u ? 16777216u : (uint32_t)whole + (uint32_t)((kept >> (shift - 1)) & 1u);
  }
  return negative ? -(int32_t)result : (int32_t)result;
}
#endif

/* Output channel oc's int8 value from its int32 accumulator. */
static inline int8_t edgec_fc_output(const edgec_fully_connected_s8_params *p, int32_t acc, int32_t oc,
                                     const int32_t *bias) {
  const int32_t channel = p->per_channel ? oc : 0;
  if (bias != NULL) acc = (int32_t)((uint32_t)acc + (uint32_t)bias[oc]);
  if (p->rounding == EDGEC_ROUND_SINGLE) {
    acc = edgec_fc_round_product(acc, p->real_scale + 2 * channel);
  } else {
    acc = edgec_multiply_by_quantized_multiplier(acc, p->multiplier[channel], p->shift[channel]);
  }
  return (int8_t)edgec_clamp(acc + p->output_offset, p->act_min, p->act_max);
}

#endif /* EDGEC_FC_OUTPUT_H */
