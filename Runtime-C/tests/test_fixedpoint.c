/*
 * The fixed-point primitives against their mathematical definitions, on edge
 * values and on a sweep: the requantization every int8 kernel relies on.
 * (The Swift reference has the same functions; the end-to-end tests prove the
 * two agree on real models.)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "edgec/fixedpoint.h"

static int failures = 0;

#define EXPECT_EQ(a, b)                                                              \
  do {                                                                               \
    long long a_ = (long long)(a), b_ = (long long)(b);                              \
    if (a_ != b_) {                                                                  \
      fprintf(stderr, "%s:%d: %s = %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); \
      failures++;                                                                    \
    }                                                                                \
  } while (0)

/* round(x / 2^e) with ties away from zero, computed in long double. */
static int32_t divide_by_pot_exact(int32_t x, int e) {
  long double q = (long double)x / (long double)(1LL << e);
  return (int32_t)(q < 0 ? -floorl(-q + 0.5L) : floorl(q + 0.5L));
}

/* round(a * b / 2^31) with ties toward +infinity (gemmlowp's nudge of
 * 1 - 2^30 for negative products makes -3.5 round to -3), saturated. */
static int32_t high_mul_exact(int32_t a, int32_t b) {
  long double q = (long double)a * (long double)b / 2147483648.0L;
  long double r = floorl(q + 0.5L);
  if (r > 2147483647.0L) return INT32_MAX;
  return (int32_t)r;
}

int main(void) {
  unsigned seed = 12345u;
  int i, e;
  /* The one saturating case. */
  EXPECT_EQ(edgec_sat_rounding_doubling_high_mul(INT32_MIN, INT32_MIN), INT32_MAX);
  EXPECT_EQ(edgec_sat_rounding_doubling_high_mul(INT32_MIN, INT32_MAX), -INT32_MAX);
  EXPECT_EQ(edgec_sat_rounding_doubling_high_mul(1 << 30, 1 << 30), 1 << 29);
  /* Ties round away from zero. */
  EXPECT_EQ(edgec_rounding_divide_by_pot(3, 1), 2);
  EXPECT_EQ(edgec_rounding_divide_by_pot(-3, 1), -2);
  EXPECT_EQ(edgec_rounding_divide_by_pot(5, 2), 1);
  EXPECT_EQ(edgec_rounding_divide_by_pot(-6, 2), -2);
  EXPECT_EQ(edgec_rounding_divide_by_pot(INT32_MIN, 31), -1);
  EXPECT_EQ(edgec_rounding_divide_by_pot(INT32_MAX, 0), INT32_MAX);
  for (i = 0; i < 200000; i++) {
    int32_t a, b;
    seed = seed * 1103515245u + 12345u;
    a = (int32_t)(seed ^ (seed << 13));
    seed = seed * 1103515245u + 12345u;
    b = (int32_t)(seed ^ (seed >> 7));
    EXPECT_EQ(edgec_sat_rounding_doubling_high_mul(a, b), high_mul_exact(a, b));
    e = (int)(seed % 32u);
    EXPECT_EQ(edgec_rounding_divide_by_pot(a, e), divide_by_pot_exact(a, e));
    if (failures > 10) break;
  }
  /* Requantizing with 0.5 (multiplier 2^30, shift 0) halves with rounding. */
  EXPECT_EQ(edgec_multiply_by_quantized_multiplier(7, 1 << 30, 0), 4);
  EXPECT_EQ(edgec_multiply_by_quantized_multiplier(-7, 1 << 30, 0), -3);
  /* 0.75 * 2^-3: double rounding vs single rounding differ on this value. */
  EXPECT_EQ(edgec_multiply_by_quantized_multiplier(1000, 1610612736, -3), 94);
  EXPECT_EQ(edgec_multiply_by_quantized_multiplier_single(1000, 1610612736, -3), 94);
  EXPECT_EQ(edgec_multiply_by_quantized_multiplier(5, 1610612736, -2), 1);
  EXPECT_EQ(edgec_multiply_by_quantized_multiplier_single(5, 1610612736, -2), 1);
  /* A positive shift multiplies first. */
  EXPECT_EQ(edgec_multiply_by_quantized_multiplier(3, 1 << 30, 2), 6);
  if (failures) {
    fprintf(stderr, "test_fixedpoint: %d failures\n", failures);
    return 1;
  }
  printf("test_fixedpoint: ok\n");
  return 0;
}
