/*
 * edgec_fc_round_product (fc_output.h) computes LiteRT's FULLY_CONNECTED
 * single rounding, round(double(acc) * scale) clamped to +-2^24, in
 * integers. This checks it against that double formula, kept here as the
 * oracle, on constructed edges (zero, extremes, exact .5 ties, products the
 * double multiply rounds onto a tie, the clamp, subnormal and huge scales)
 * and on 20 million seeded random pairs. Every mismatch is a failure.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The integer form, whatever FPU the host has (fc_output.h keeps the double
 * formula where the FPU does double precision). */
#define EDGEC_FC_ROUND_INTEGER 1
#include "edgec/fc_output.h"

static long long checked = 0, mismatches = 0, rounded_onto_tie = 0, exact_ties = 0;

/* The formula the integer version replaces (fc_output.h before). */
static int32_t oracle(int32_t acc, double scale) {
  const double limit = 16777216.0;
  double v = (double)acc * scale, fraction;
  int32_t t;
  if (v > limit) v = limit;
  if (v < -limit) v = -limit;
  t = (int32_t)v;
  fraction = v - (double)t;
  if (fraction >= 0.5) t += 1;
  if (fraction <= -0.5) t -= 1;
  return t;
}

static uint64_t bits_of(double x) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}

static double from_bits(uint64_t b) {
  double x;
  memcpy(&x, &b, sizeof x);
  return x;
}

static void check(int32_t acc, double scale) {
  const uint64_t b = bits_of(scale);
  const int32_t words[2] = {(int32_t)(uint32_t)b, (int32_t)(uint32_t)(b >> 32)};
  const int32_t expected = oracle(acc, scale), got = edgec_fc_round_product(acc, words);
  const double v = (double)acc * scale;
  checked++;
  /* How often the double product is exactly k + 0.5: exactly, or only after
   * the multiply's own rounding (fma gives the exact residual). */
  if (fabs(v) < 16777216.0 && fabs(v - trunc(v)) == 0.5) {
    if (fma((double)acc, scale, -v) != 0.0) rounded_onto_tie++;
    else exact_ties++;
  }
  if (got != expected) {
    if (mismatches < 20)
      fprintf(stderr, "mismatch: acc %ld scale %.17g (0x%016llx): got %ld, double formula %ld\n", (long)acc, scale,
              (unsigned long long)b, (long)got, (long)expected);
    mismatches++;
  }
}

static void check_both_signs(int32_t acc, double scale) {
  check(acc, scale);
  if (acc != INT32_MIN) check(-acc, scale);
}

static uint64_t state = 0x5eed0fc0123ull;
static uint64_t next(void) { /* splitmix64 */
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Mostly log-uniform magnitudes (small accumulators are common), some uniform. */
static int32_t random_acc(void) {
  const uint64_t r = next();
  if ((r & 3) == 0) return (int32_t)(uint32_t)(r >> 32);
  {
    const int32_t width = (int32_t)((r >> 2) % 32); /* 0..31 bits */
    uint32_t m = (uint32_t)(r >> 32) & (width == 32 ? 0xffffffffu : ((1u << width) - 1u));
    if (width > 0) m |= 1u << (width - 1);
    return (r >> 8) & 1 ? -(int32_t)(m & 0x7fffffffu) : (int32_t)m;
  }
}

/* scale = 1.m * 2^e, e uniform in [lo, hi], mantissa bits uniform. */
static double random_log_scale(int lo, int hi) {
  const uint64_t r = next();
  const int e = lo + (int)(next() % (uint64_t)(hi - lo + 1));
  return from_bits(((uint64_t)(e + 1023) << 52) | (r & 0xfffffffffffffull));
}

static float random_float(int lo, int hi) {
  const uint32_t r = (uint32_t)next();
  const int e = lo + (int)(next() % (uint64_t)(hi - lo + 1));
  const uint32_t b = ((uint32_t)(e + 127) << 23) | (r & 0x7fffffu);
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}

/* As FullyConnected.swift's convChannelScales forms it. */
static double random_float_scale(void) {
  const float s_in = random_float(-12, -1), s_w = random_float(-14, -3), s_out = random_float(-10, 1);
  return (double)s_in * (double)s_w / (double)s_out;
}

/* Accumulators whose product with scale lies at or next to k + 0.5 and 2^24. */
static void check_near_boundaries(double scale) {
  const double k = (double)(next() % 16777216u);
  const double targets[4] = {k + 0.5, 0.5, 16777216.0, 16777215.5};
  int i, d;
  for (i = 0; i < 4; i++) {
    const double a = targets[i] / scale;
    if (a < 2147483000.0) {
      const int32_t center = (int32_t)(a + 0.5);
      for (d = -2; d <= 2; d++)
        if (center + d >= 0) check_both_signs(center + d, scale);
    }
  }
}

static void check_edges(void) {
  int32_t accs[400];
  double scales[2600];
  int na = 0, ns = 0, i, j, s;
  accs[na++] = 0;
  accs[na++] = INT32_MIN;
  accs[na++] = INT32_MAX;
  accs[na++] = INT32_MIN + 1;
  for (i = 0; i <= 30; i++) {
    const int32_t p = (int32_t)1 << i;
    accs[na++] = p;
    accs[na++] = -p;
    accs[na++] = p + 1;
    accs[na++] = -p - 1;
    accs[na++] = p - 1;
    accs[na++] = 1 - p;
    accs[na++] = p + p / 2;
    accs[na++] = -(p + p / 2);
  }
  accs[na++] = 3;
  accs[na++] = -3;
  accs[na++] = 12345;
  accs[na++] = -987654;
  scales[ns++] = 0.0;
  scales[ns++] = from_bits(1);                    /* smallest subnormal */
  scales[ns++] = from_bits(0x000fffffffffffffull); /* largest subnormal */
  scales[ns++] = from_bits(0x0010000000000000ull); /* smallest normal */
  scales[ns++] = from_bits(0x7fefffffffffffffull); /* largest finite */
  for (i = -1074; i <= 1023; i++) scales[ns++] = ldexp(1.0, i);
  for (i = -60; i <= 30; i++) {
    const uint64_t b = bits_of(ldexp(1.0, i));
    scales[ns++] = from_bits(b - 1);
    scales[ns++] = from_bits(b + 1);
    scales[ns++] = from_bits(b | 0xfffffffffffffull);
    scales[ns++] = from_bits(b + 0x8000000000000ull); /* 1.5 * 2^i */
  }
  scales[ns++] = 1.0 / 3.0;
  scales[ns++] = 0.1;
  scales[ns++] = 0.7;
  for (i = 0; i < na; i++)
    for (j = 0; j < ns; j++) check(accs[i], scales[j]);
  /* Exact ties: odd * 2^(s-1) * 2^-s and odd * 2^(s-1) * 3 * 2^-s. */
  for (s = 1; s <= 31; s++)
    for (i = 0; i < 2000; i++) {
      const int64_t odd = 2 * (int64_t)(next() % (uint64_t)(((int64_t)1 << (32 - s)) / 2 + 1)) + 1;
      const int64_t a = odd << (s - 1);
      if (a <= INT32_MAX) {
        check_both_signs((int32_t)a, ldexp(1.0, -s));
        check_both_signs((int32_t)a, ldexp(3.0, -s));
        check_both_signs((int32_t)a, ldexp(1.0, -s) * (1.0 + ldexp(1.0, -40)));
      }
    }
  /* Products the double multiply rounds onto (or next to) k + 0.5: the
   * scale nearest (k + 0.5) / a, and its neighbours a few ulps away. */
  for (i = 0; i < 400000; i++) {
    const uint32_t a = (uint32_t)(next() % 2147483647u) >> (next() % 31) | 1u;
    const double k = (double)(next() % 16777216u) / (double)((uint64_t)1 << (next() % 24));
    const uint64_t b = bits_of((floor(k) + 0.5) / (double)a);
    int d;
    for (d = -2; d <= 2; d++) check_both_signs((int32_t)a, from_bits(b + (uint64_t)(int64_t)d));
  }
}

int main(void) {
  long long i;
  check_edges();
  printf("edges: %lld checked\n", checked);
  for (i = 0; i < 200000; i++) {
    check_near_boundaries(random_log_scale(-40, 4));
    check_near_boundaries(random_float_scale());
  }
  printf("near boundaries: %lld checked\n", checked);
  for (i = 0; i < 10000000; i++) check(random_acc(), random_log_scale(-40, 3));
  for (i = 0; i < 10000000; i++) check(random_acc(), random_float_scale());
  printf("random: %lld checked in all, %lld exact .5 ties, %lld rounded onto .5 by the double multiply\n", checked,
         exact_ties, rounded_onto_tie);
  if (mismatches != 0) {
    fprintf(stderr, "FAIL: %lld of %lld differ from the double formula\n", mismatches, checked);
    return 1;
  }
  printf("test_fc_round: 0 mismatches\n");
  return 0;
}
