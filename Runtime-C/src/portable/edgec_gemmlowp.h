/*
 * edgec runtime (internal): gemmlowp's fixed-point math, as TFLM's int8
 * SOFTMAX and LOGISTIC use it (gemmlowp fixedpoint/fixedpoint.h, TFLite's
 * GetReciprocal). gemmlowp carries a value's integer bits in its C++ type
 * (FixedPoint<int32_t, N>); here they are an argument, and the product of a
 * Qa and a Qb value is a Q(a+b) value. Plain additions wrap, as gemmlowp's do
 * in practice; they are done on uint32_t to stay free of undefined behaviour.
 * Sources/EdgeReference/Kernels/GemmlowpFixedPoint.swift has the same functions.
 */
#ifndef EDGEC_GEMMLOWP_H
#define EDGEC_GEMMLOWP_H

#include <stdint.h>

#include "edgec/fixedpoint.h"

static inline int32_t edgec_gl_add(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t edgec_gl_sub(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a - (uint32_t)b);
}

/* SaturatingRoundingMultiplyByPOT: saturating left shift for exponent > 0,
 * rounding right shift for exponent < 0. */
static inline int32_t edgec_gl_mul_pot(int32_t x, int32_t exponent) {
  int32_t threshold;
  if (exponent == 0) return x;
  if (exponent < 0) return edgec_rounding_divide_by_pot(x, -exponent);
  threshold = (int32_t)((((int64_t)1) << (31 - exponent)) - 1);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return edgec_shift_left(x, exponent);
}

/* Rescale from `from` to `to` integer bits. */
static inline int32_t edgec_gl_rescale(int32_t x, int32_t from, int32_t to) {
  return edgec_gl_mul_pot(x, from - to);
}

/* RoundingHalfSum: (a + b) / 2, rounded half away from zero. */
static inline int32_t edgec_gl_rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t)a + (int64_t)b;
  return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* exp(a) for a Q0.31 value a in [-1/4, 0): Taylor expansion around -1/8. */
static inline int32_t edgec_gl_exp_on_interval(int32_t a) {
  const int32_t constant_term = 1895147668; /* exp(-1/8) */
  const int32_t one_third = 715827883;
  const int32_t x = edgec_gl_add(a, (int32_t)1 << 28);
  const int32_t x2 = edgec_sat_rounding_doubling_high_mul(x, x);
  const int32_t x3 = edgec_sat_rounding_doubling_high_mul(x2, x);
  const int32_t x4 = edgec_sat_rounding_doubling_high_mul(x2, x2);
  const int32_t x4_over_4 = edgec_gl_mul_pot(x4, -2);
  const int32_t poly = edgec_gl_mul_pot(
      edgec_gl_add(edgec_sat_rounding_doubling_high_mul(edgec_gl_add(x4_over_4, x3), one_third),
                   x2),
      -1);
  return edgec_gl_add(constant_term,
                      edgec_sat_rounding_doubling_high_mul(constant_term, edgec_gl_add(x, poly)));
}

/* exp(a) for a <= 0 with integer_bits integer bits; Q0.31 result. */
static inline int32_t edgec_gl_exp_on_negative_values(int32_t a, int32_t integer_bits) {
  /* exp(-2^k) in Q0.31 for k = -2 .. 4: the barrel shifter's factors. */
  static const int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308,
                                         39332535,   720401,     242};
  const int32_t fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
  const int32_t a_mod_quarter_minus_one_quarter = edgec_gl_sub(a & (one_quarter - 1), one_quarter);
  int32_t result =
      edgec_gl_exp_on_interval(edgec_gl_rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0));
  const int32_t remainder = edgec_gl_sub(a_mod_quarter_minus_one_quarter, a);
  int32_t exponent;
  for (exponent = -2; exponent <= 4; ++exponent) {
    if (integer_bits > exponent &&
        (remainder & (int32_t)((uint32_t)1 << (fractional_bits + exponent))) != 0) {
      result = edgec_sat_rounding_doubling_high_mul(result, multipliers[exponent + 2]);
    }
  }
  if (integer_bits > 5 && a < -(int32_t)((uint32_t)1 << (36 - integer_bits))) result = 0;
  return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + a) for a Q0.31 value a in [0, 1): Newton-Raphson in Q2.29; Q0.31 result. */
static inline int32_t edgec_gl_one_over_one_plus_x(int32_t a) {
  const int32_t half_denominator = edgec_gl_rounding_half_sum(a, INT32_MAX);
  const int32_t one = (int32_t)1 << 29;
  int32_t x = edgec_gl_add(1515870810, /* 48/17 */
                           edgec_sat_rounding_doubling_high_mul(half_denominator, -1010580540));
  int i;
  for (i = 0; i < 3; ++i) {
    const int32_t one_minus_half_denominator_times_x =
        edgec_gl_sub(one, edgec_sat_rounding_doubling_high_mul(half_denominator, x));
    x = edgec_gl_add(
        x, edgec_gl_rescale(edgec_sat_rounding_doubling_high_mul(x, one_minus_half_denominator_times_x),
                            4, 2));
  }
  return edgec_gl_rescale(x, 1, 0); /* x / 2, exactly, then to Q0 */
}

/* The logistic function of a value with integer_bits integer bits; Q0.31 result. */
static inline int32_t edgec_gl_logistic(int32_t a, int32_t integer_bits) {
  int32_t absolute, if_positive;
  if (a == 0) return (int32_t)1 << 30;
  absolute = a > 0 ? a : edgec_gl_sub(0, a);
  if_positive = edgec_gl_one_over_one_plus_x(
      edgec_gl_exp_on_negative_values(edgec_gl_sub(0, absolute), integer_bits));
  return a > 0 ? if_positive : edgec_gl_sub(INT32_MAX, if_positive);
}

/* TFLite's GetReciprocal: 1 / x for x > 0 with integer_bits integer bits, as a
 * Q0.31 scale; *bits_over_unit receives how many bits x has above 1.0. */
static inline int32_t edgec_gl_reciprocal(int32_t x, int32_t integer_bits,
                                          int32_t *bits_over_unit) {
  int32_t headroom_plus_one = 0;
  uint32_t u = (uint32_t)x;
  while (headroom_plus_one < 32 && !(u & 0x80000000u)) {
    u <<= 1;
    ++headroom_plus_one;
  }
  *bits_over_unit = integer_bits - headroom_plus_one;
  return edgec_gl_one_over_one_plus_x((int32_t)(u - 0x80000000u));
}

#endif /* EDGEC_GEMMLOWP_H */
