/*
 * The int4-weight kernels (edgec_conv2d_s8w4, edgec_depthwise_conv2d_s8w4,
 * edgec_fully_connected_s8w4) against their int8 twins run on the unpacked
 * weights: on random shapes, weights in [-8, 7] (odd element counts
 * included, so the last high nibble is padding) and random quantization, the
 * bytes must be equal and nothing past the output touched. One hand-checked
 * unpacking pins the nibble order (TFLite's: low nibble first). Runs under
 * the address and undefined-behaviour sanitizers.
 */
#include <stdio.h>
#include <string.h>

#include "edgec/kernels.h"
#include "edgec_int4.h"

#define MAX_ELEMENTS 4096
#define GUARD 16
#define CASES 300

static int failures = 0;
static uint32_t state = 0x1A7F4C0Du;

static uint32_t next(void) { /* xorshift32: the same cases on every run */
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

static int32_t range(int32_t lo, int32_t hi) { return lo + (int32_t)(next() % (uint32_t)(hi - lo + 1)); }

static int8_t input[MAX_ELEMENTS], unpacked[MAX_ELEMENTS], packed[MAX_ELEMENTS / 2 + 1];
static int8_t expected[MAX_ELEMENTS + GUARD], actual[MAX_ELEMENTS + GUARD];
static int32_t bias[64], multiplier[64], shift[64], real_scale[128];

/* Random int4 weights: `unpacked` as int8, `packed` two a byte, low nibble first. */
static void weights(int32_t count) {
  int32_t i;
  memset(packed, 0, sizeof packed);
  for (i = 0; i < count; ++i) {
    unpacked[i] = (int8_t)range(-8, 7);
    packed[i / 2] = (int8_t)((uint8_t)packed[i / 2] | (((uint8_t)unpacked[i] & 0x0f) << (i % 2 ? 4 : 0)));
  }
}

static void requantization(int32_t channels) {
  int32_t i;
  for (i = 0; i < channels; ++i) {
    double scale = (double)range(1, 1000) / 40000.0;
    uint64_t bits;
    bias[i] = range(-3000, 3000);
    multiplier[i] = range(1 << 30, 0x7fffffff);
    shift[i] = range(-9, 1);
    memcpy(&bits, &scale, sizeof bits);
    real_scale[2 * i] = (int32_t)(uint32_t)bits;
    real_scale[2 * i + 1] = (int32_t)(uint32_t)(bits >> 32);
  }
  for (i = 0; i < MAX_ELEMENTS; ++i) input[i] = (int8_t)range(-128, 127);
}

static void compare(const char *what, int32_t count, int32_t index) {
  int32_t i;
  for (i = 0; i < count + GUARD; ++i) {
    if (expected[i] != actual[i]) {
      printf("FAIL %s case %d: byte %d is %d, int8 kernel gives %d\n", what, (int)index, (int)i, actual[i], expected[i]);
      ++failures;
      return;
    }
  }
}

static void conv_case(int32_t index) {
  edgec_conv2d_s8_params p;
  const int32_t groups = range(1, 2), in_c = groups * range(1, 5), out_c = groups * range(1, 6);
  memset(&p, 0, sizeof p);
  p.filter.n = out_c, p.filter.h = range(1, 3), p.filter.w = range(1, 3), p.filter.c = in_c / groups;
  p.input.n = 1, p.input.h = range(1, 8), p.input.w = range(1, 8), p.input.c = in_c;
  p.stride_h = range(1, 2), p.stride_w = range(1, 2), p.dilation_h = range(1, 2), p.dilation_w = 1;
  p.pad_h = range(0, 1), p.pad_w = range(0, 1);
  p.output.n = 1, p.output.c = out_c;
  p.output.h = (p.input.h + 2 * p.pad_h - (p.filter.h - 1) * p.dilation_h - 1) / p.stride_h + 1;
  p.output.w = (p.input.w + 2 * p.pad_w - (p.filter.w - 1) * p.dilation_w - 1) / p.stride_w + 1;
  if (p.output.h < 1 || p.output.w < 1) return;
  p.input_offset = range(-127, 128), p.output_offset = range(-128, 127);
  p.act_min = range(-128, -100), p.act_max = range(100, 127);
  p.multiplier = multiplier, p.shift = shift;
  requantization(out_c);
  weights(out_c * p.filter.h * p.filter.w * p.filter.c);
  memset(expected, 0x5a, sizeof expected);
  memset(actual, 0x5a, sizeof actual);
  edgec_conv2d_s8(&p, input, unpacked, index % 3 ? bias : NULL, expected, NULL, 0);
  edgec_conv2d_s8w4(&p, input, packed, index % 3 ? bias : NULL, actual, NULL, 0);
  compare("conv2d", p.output.h * p.output.w * out_c, index);
}

static void depthwise_case(int32_t index) {
  edgec_depthwise_conv2d_s8_params p;
  const int32_t in_c = range(1, 7), m = range(1, 3);
  memset(&p, 0, sizeof p);
  p.depth_multiplier = m;
  p.filter.n = 1, p.filter.h = range(1, 3), p.filter.w = range(1, 3), p.filter.c = in_c * m;
  p.input.n = 1, p.input.h = range(1, 8), p.input.w = range(1, 8), p.input.c = in_c;
  p.stride_h = range(1, 2), p.stride_w = range(1, 2), p.dilation_h = 1, p.dilation_w = range(1, 2);
  p.pad_h = range(0, 1), p.pad_w = range(0, 1);
  p.output.n = 1, p.output.c = in_c * m;
  p.output.h = (p.input.h + 2 * p.pad_h - (p.filter.h - 1) * p.dilation_h - 1) / p.stride_h + 1;
  p.output.w = (p.input.w + 2 * p.pad_w - (p.filter.w - 1) * p.dilation_w - 1) / p.stride_w + 1;
  if (p.output.h < 1 || p.output.w < 1) return;
  p.input_offset = range(-127, 128), p.output_offset = range(-128, 127);
  p.act_min = -128, p.act_max = 127;
  p.multiplier = multiplier, p.shift = shift;
  requantization(in_c * m);
  weights(p.filter.h * p.filter.w * p.filter.c);
  memset(expected, 0x5a, sizeof expected);
  memset(actual, 0x5a, sizeof actual);
  edgec_depthwise_conv2d_s8(&p, input, unpacked, index % 2 ? bias : NULL, expected);
  edgec_depthwise_conv2d_s8w4(&p, input, packed, index % 2 ? bias : NULL, actual);
  compare("depthwise", p.output.h * p.output.w * p.output.c, index);
}

static void fully_connected_case(int32_t index) {
  edgec_fully_connected_s8_params p;
  memset(&p, 0, sizeof p);
  p.batches = range(1, 3), p.accum_depth = range(1, 60), p.output_depth = range(1, 40);
  p.per_channel = index % 2;
  p.rounding = index % 4 < 2 ? EDGEC_ROUND_DOUBLE : EDGEC_ROUND_SINGLE;
  p.input_offset = range(-127, 128), p.filter_offset = p.per_channel ? 0 : range(-3, 3);
  p.output_offset = range(-128, 127), p.act_min = -128, p.act_max = 127;
  p.multiplier = multiplier, p.shift = shift;
  p.real_scale = p.rounding == EDGEC_ROUND_SINGLE ? real_scale : NULL;
  requantization(p.output_depth);
  weights(p.output_depth * p.accum_depth);
  memset(expected, 0x5a, sizeof expected);
  memset(actual, 0x5a, sizeof actual);
  edgec_fully_connected_s8(&p, input, unpacked, index % 3 ? bias : NULL, expected, NULL, 0);
  edgec_fully_connected_s8w4(&p, input, packed, index % 3 ? bias : NULL, actual, NULL, 0);
  compare("fully_connected", p.batches * p.output_depth, index);
}

int main(void) {
  static const int8_t bytes[2] = {0x12, (int8_t)0xF8}; /* elements 2, 1, -8, -1 */
  int32_t i;
  if (edgec_int4_at(bytes, 0) != 2 || edgec_int4_at(bytes, 1) != 1 || edgec_int4_at(bytes, 2) != -8 ||
      edgec_int4_at(bytes, 3) != -1) {
    printf("FAIL unpacking {0x12, 0xF8}: %d %d %d %d, want 2 1 -8 -1\n", (int)edgec_int4_at(bytes, 0),
           (int)edgec_int4_at(bytes, 1), (int)edgec_int4_at(bytes, 2), (int)edgec_int4_at(bytes, 3));
    ++failures;
  }
  for (i = 0; i < CASES; ++i) {
    conv_case(i);
    depthwise_case(i);
    fully_connected_case(i);
  }
  if (failures) return 1;
  printf("int4 weights: %d cases x 3 kernels bit-exact with the int8 kernels\n", CASES);
  return 0;
}
