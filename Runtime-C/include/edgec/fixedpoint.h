/*
 * edgec runtime: TensorFlow Lite's fixed-point requantization.
 *
 * Each function reproduces the TFLite function of the same name
 * (tensorflow/lite/kernels/internal/common.h) bit for bit; the Swift
 * reference (Sources/EdgeReference/FixedPoint.swift) has the same functions.
 * Shifts that TFLite writes as signed multiplications are done on uint32_t
 * here so that the C stays free of undefined behaviour.
 */
#ifndef EDGEC_FIXEDPOINT_H
#define EDGEC_FIXEDPOINT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* round(a * b / 2^31), ties toward +infinity, saturating INT32_MIN * INT32_MIN. */
static inline int32_t edgec_sat_rounding_doubling_high_mul(int32_t a, int32_t b) {
  int64_t ab;
  int32_t nudge;
  if (a == b && a == INT32_MIN) return INT32_MAX;
  ab = (int64_t)a * (int64_t)b;
  nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/* x / 2^exponent, rounded to nearest, ties away from zero. 0 <= exponent <= 31. */
static inline int32_t edgec_rounding_divide_by_pot(int32_t x, int32_t exponent) {
  const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + ((x < 0) ? 1 : 0);
  return (x >> exponent) + ((remainder > threshold) ? 1 : 0);
}

/* x << s on the two's-complement bit pattern (TFLite's x * (1 << s)). */
static inline int32_t edgec_shift_left(int32_t x, int32_t s) {
  return (int32_t)((uint32_t)x << s);
}

/* TFLM's MultiplyByQuantizedMultiplier (double rounding). */
static inline int32_t edgec_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier,
                                                             int32_t shift) {
  const int32_t left_shift = shift > 0 ? shift : 0;
  const int32_t right_shift = shift > 0 ? 0 : -shift;
  return edgec_rounding_divide_by_pot(
      edgec_sat_rounding_doubling_high_mul(edgec_shift_left(x, left_shift), multiplier),
      right_shift);
}

/* TFLITE_SINGLE_ROUNDING's MultiplyByQuantizedMultiplier (LiteRT's reference FC). */
static inline int32_t edgec_multiply_by_quantized_multiplier_single(int32_t x, int32_t multiplier,
                                                                    int32_t shift) {
  const int32_t total_shift = 31 - shift;
  const int64_t round = (int64_t)1 << (total_shift - 1);
  return (int32_t)(((int64_t)x * (int64_t)multiplier + round) >> total_shift);
}

/* TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp (ADD's rescaling). */
static inline int32_t edgec_multiply_by_quantized_multiplier_smaller_than_one(
    int32_t x, int32_t multiplier, int32_t left_shift) {
  return edgec_rounding_divide_by_pot(edgec_sat_rounding_doubling_high_mul(x, multiplier),
                                      -left_shift);
}

static inline int32_t edgec_clamp(int32_t x, int32_t lo, int32_t hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

static inline float edgec_clamp_f32(float x, float lo, float hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

#ifdef __cplusplus
}
#endif

#endif /* EDGEC_FIXEDPOINT_H */
