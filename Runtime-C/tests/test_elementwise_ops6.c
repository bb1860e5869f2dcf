/*
 * The element-wise kernels of issue 6 under the sanitizers, on cases whose
 * results follow by hand: edgec_lookup_s8's packed table (byte order, in
 * place), int8 SUB and SQUARED_DIFFERENCE with unit scales (where TFLM's
 * rescaling is exact, so out = a - b and (a - b)^2 shifted by the zero
 * point, clamped), broadcasting in both, and the float32 forms. The golden
 * tests (TransformerElementwiseTests) and the fixtures compare the same
 * kernels with TFLM and LiteRT through generated code.
 */
#include <math.h>
#include <stdio.h>

#include "edgec/kernels.h"

static int failures = 0;

#define EXPECT_EQ(a, b)                                                                  \
  do {                                                                                   \
    long long a_ = (long long)(a), b_ = (long long)(b);                                  \
    if (a_ != b_) {                                                                      \
      fprintf(stderr, "%s:%d: %s = %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); \
      failures++;                                                                        \
    }                                                                                    \
  } while (0)

static int32_t clamp8(int32_t x) { return x < -128 ? -128 : (x > 127 ? 127 : x); }

/* A table of x -> -x - 1 (every int8 value maps inside int8), applied in place
 * to all 256 values: entry x + 128 is byte (x + 128) % 4 of its word. */
static void lookup_in_place(void) {
  int32_t table[64] = {0};
  int8_t data[256];
  int32_t i;
  edgec_lookup_s8_params p;
  for (i = 0; i < 256; ++i) {
    const uint32_t byte = (uint8_t)(int8_t)(-(i - 128) - 1);
    table[i / 4] = (int32_t)((uint32_t)table[i / 4] | (byte << (8 * (i % 4))));
    data[i] = (int8_t)(i - 128);
  }
  p.size = 256;
  p.table = table;
  edgec_lookup_s8(&p, data, data);
  for (i = 0; i < 256; ++i) EXPECT_EQ(data[i], -(i - 128) - 1);
}

/* Both inputs and the output at scale 1 (input offsets -3 and +5, that is
 * zero points 3 and -5): the rescaling multipliers are
 * exactly 1/2, 1/2 and 2^-19 (SUB) or 2^-12 (SQUARED_DIFFERENCE), so TFLM's
 * arithmetic reduces to integers. input2 is a row broadcast over 16 rows. */
static edgec_add_s8_params unit_scales(int32_t left_shift, int32_t output_shift, int32_t zp_out) {
  edgec_add_s8_params p = {{2, {16, 16, 0, 0, 0, 0}, {16, 1, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0}},
                           -3, 5, 0, 0, 1 << 30, 0, 1 << 30, 0, 1 << 30, 0, -128, 127};
  p.left_shift = left_shift;
  p.output_shift = output_shift;
  p.output_offset = zp_out;
  return p;
}

static void sub_and_squared_difference(void) {
  int8_t a[256], b[16], out[256];
  int32_t i;
  const edgec_add_s8_params sub = unit_scales(20, -18, 7);
  const edgec_add_s8_params sq = unit_scales(7, -11, -128);
  for (i = 0; i < 256; ++i) a[i] = (int8_t)(i * 37 - 128);
  for (i = 0; i < 16; ++i) b[i] = (int8_t)(i * 13 - 100);
  edgec_sub_s8(&sub, a, b, out);
  for (i = 0; i < 256; ++i) EXPECT_EQ(out[i], clamp8((a[i] - 3) - (b[i % 16] + 5) + 7));
  edgec_squared_difference_s8(&sq, a, b, out);
  for (i = 0; i < 256; ++i) {
    const int32_t d = (a[i] - 3) - (b[i % 16] + 5);
    EXPECT_EQ(out[i], clamp8(d * d - 128));
  }
}

static void float_forms(void) {
  const edgec_elementwise_f32_params relu6 = {{2, {2, 3, 0, 0, 0, 0}, {3, 1, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0}},
                                              0.0f, 6.0f};
  const edgec_elementwise_f32_params none = {{2, {2, 3, 0, 0, 0, 0}, {3, 1, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0}},
                                             -INFINITY, INFINITY};
  const float a[6] = {1.0f, 2.5f, 9.0f, -4.0f, 0.5f, 3.0f}, b[3] = {0.5f, -1.0f, 2.0f};
  const float sub[6] = {0.5f, 3.5f, 6.0f, 0.0f, 1.5f, 1.0f};
  const float sq[6] = {0.25f, 12.25f, 49.0f, 20.25f, 2.25f, 1.0f};
  float out[6], x[4] = {4.0f, 0.25f, -3.0f, 1.0f};
  const edgec_unary_f32_params four = {4};
  int32_t i;
  edgec_sub_f32(&relu6, a, b, out);
  for (i = 0; i < 6; ++i) EXPECT_EQ(out[i] * 4.0f, sub[i] * 4.0f);
  edgec_squared_difference_f32(&none, a, b, out);
  for (i = 0; i < 6; ++i) EXPECT_EQ(out[i] * 4.0f, sq[i] * 4.0f);
  edgec_rsqrt_f32(&four, x, out);
  EXPECT_EQ(out[0] * 4.0f, 2.0f);
  EXPECT_EQ(out[1], 2.0f);
  edgec_hard_swish_f32(&four, x, out); /* 4 -> 4, 0.25 -> 0.25 * 3.25 / 6, -3 -> 0, 1 -> 4/6 */
  EXPECT_EQ(out[0], 4.0f);
  EXPECT_EQ(out[2] == 0.0f, 1);
  EXPECT_EQ(out[1] == 0.25f * 3.25f / 6.0f, 1);
  edgec_neg_f32(&four, x, x); /* in place */
  EXPECT_EQ(x[0], -4.0f);
  EXPECT_EQ(x[2], 3.0f);
}

int main(void) {
  lookup_in_place();
  sub_and_squared_difference();
  float_forms();
  if (failures) {
    fprintf(stderr, "%d failures\n", failures);
    return 1;
  }
  printf("elementwise ops6: OK\n");
  return 0;
}
