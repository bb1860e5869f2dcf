/*
 * The portable edgec_conv2d_add_s8 against the two kernels it fuses: on
 * random shapes and quantization, edgec_conv2d_s8 then edgec_add_s8 (same
 * shape, rank 1) must give the same bytes as the fused kernel writing into a
 * separate buffer and writing over the skip tensor in place, and neither may
 * touch a byte past the output. One hand-checked case pins the arithmetic
 * itself. Runs under the address and undefined-behaviour sanitizers.
 */
#include <stdio.h>
#include <string.h>

#include "edgec/kernels.h"

#define MAX_ELEMENTS 4096
#define GUARD 16
#define CASES 400

static int failures = 0;
static uint32_t state = 0xADD2C0DEu;

static uint32_t next(void) { /* xorshift32: the same cases on every run */
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

static int32_t range(int32_t lo, int32_t hi) {
  return lo + (int32_t)(next() % (uint32_t)(hi - lo + 1));
}

static void fill(int8_t *data, int32_t count) {
  int32_t i;
  for (i = 0; i < count; ++i) data[i] = (int8_t)range(-128, 127);
}

static int8_t input[MAX_ELEMENTS], filter[MAX_ELEMENTS], skip[MAX_ELEMENTS];
static int8_t conv_out[MAX_ELEMENTS], expected[MAX_ELEMENTS];
static int8_t separate[MAX_ELEMENTS + GUARD], in_place[MAX_ELEMENTS + GUARD];
static int32_t bias[64], multiplier[64], shift[64];

static int32_t volume(edgec_dims d) { return d.n * d.h * d.w * d.c; }

/* A random convolution that fits the buffers; 0 if the draw does not. */
static int random_conv(edgec_conv2d_s8_params *c) {
  int32_t groups = range(0, 9) == 0 ? range(2, 3) : 1, eff_h, eff_w, pad_b, pad_r, oc;
  c->input.n = range(1, 2);
  c->input.h = range(1, 9);
  c->input.w = range(1, 9);
  c->input.c = groups * range(1, 6);
  c->filter.n = groups * range(1, 8);
  c->filter.h = range(1, 3);
  c->filter.w = range(1, 3);
  c->filter.c = c->input.c / groups;
  c->stride_h = range(1, 2);
  c->stride_w = range(1, 2);
  c->dilation_h = range(1, 2);
  c->dilation_w = range(1, 2);
  eff_h = (c->filter.h - 1) * c->dilation_h + 1;
  eff_w = (c->filter.w - 1) * c->dilation_w + 1;
  c->pad_h = range(0, eff_h - 1);
  c->pad_w = range(0, eff_w - 1);
  pad_b = range(0, eff_h - 1);
  pad_r = range(0, eff_w - 1);
  if (c->input.h + c->pad_h + pad_b < eff_h || c->input.w + c->pad_w + pad_r < eff_w) return 0;
  c->output.n = c->input.n;
  c->output.h = (c->input.h + c->pad_h + pad_b - eff_h) / c->stride_h + 1;
  c->output.w = (c->input.w + c->pad_w + pad_r - eff_w) / c->stride_w + 1;
  c->output.c = c->filter.n;
  if (volume(c->output) > MAX_ELEMENTS || volume(c->filter) > MAX_ELEMENTS) return 0;
  c->input_offset = range(-127, 128);
  c->output_offset = range(-128, 127);
  c->act_min = range(0, 1) ? -128 : range(-128, 0);
  c->act_max = range(0, 1) ? 127 : range(c->act_min, 127);
  for (oc = 0; oc < c->output.c; ++oc) {
    bias[oc] = range(-20000, 20000);
    multiplier[oc] = range(1 << 30, 0x7FFFFFFF);
    shift[oc] = range(-10, 1);
  }
  c->multiplier = multiplier;
  c->shift = shift;
  return 1;
}

/* TFLite's ADD parameters: both inputs rescaled by multipliers below one. */
static void random_add(edgec_residual_s8 *a) {
  a->conv_offset = range(-127, 128);
  a->skip_offset = range(-127, 128);
  a->output_offset = range(-128, 127);
  a->left_shift = 20;
  a->conv_multiplier = range(1 << 30, 0x7FFFFFFF);
  a->conv_shift = range(-3, 0);
  a->skip_multiplier = range(1 << 30, 0x7FFFFFFF);
  a->skip_shift = range(-3, 0);
  a->output_multiplier = range(1 << 30, 0x7FFFFFFF);
  a->output_shift = range(-22, -16);
  a->act_min = range(0, 1) ? -128 : range(-128, 0);
  a->act_max = range(0, 1) ? 127 : range(a->act_min, 127);
}

static void check(const char *what, int case_index, const int8_t *got, int32_t count) {
  int32_t i;
  for (i = 0; i < count + GUARD; ++i) {
    const int8_t want = i < count ? expected[i] : (int8_t)0x5A;
    if (got[i] != want) {
      fprintf(stderr, "case %d (%s): byte %d is %d, expected %d\n", case_index, what, (int)i,
              got[i], want);
      failures++;
      return;
    }
  }
}

static void random_cases(void) {
  int done = 0;
  while (done < CASES) {
    edgec_conv2d_add_s8_params p;
    edgec_add_s8_params add;
    int32_t count;
    const int32_t *b;
    if (!random_conv(&p.conv)) continue;
    random_add(&p.add);
    count = volume(p.conv.output);
    b = range(0, 9) == 0 ? NULL : bias;
    fill(input, volume(p.conv.input));
    fill(filter, volume(p.conv.filter));
    fill(skip, count);
    memset(&add, 0, sizeof add);
    add.broadcast.rank = 1;
    add.broadcast.dims[0] = count;
    add.broadcast.stride1[0] = add.broadcast.stride2[0] = 1;
    add.input1_offset = p.add.conv_offset;
    add.input2_offset = p.add.skip_offset;
    add.output_offset = p.add.output_offset;
    add.left_shift = p.add.left_shift;
    add.input1_multiplier = p.add.conv_multiplier;
    add.input1_shift = p.add.conv_shift;
    add.input2_multiplier = p.add.skip_multiplier;
    add.input2_shift = p.add.skip_shift;
    add.output_multiplier = p.add.output_multiplier;
    add.output_shift = p.add.output_shift;
    add.act_min = p.add.act_min;
    add.act_max = p.add.act_max;
    edgec_conv2d_s8(&p.conv, input, filter, b, conv_out, NULL, 0);
    edgec_add_s8(&add, conv_out, skip, expected);

    memset(separate, 0x5A, sizeof separate);
    edgec_conv2d_add_s8(&p, input, filter, b, skip, separate, NULL, 0);
    check("separate output", done, separate, count);

    memset(in_place, 0x5A, sizeof in_place);
    memcpy(in_place, skip, (size_t)count);
    edgec_conv2d_add_s8(&p, input, filter, b, in_place, in_place, NULL, 0);
    check("in place", done, in_place, count);
    done++;
  }
}

/* A 1x1 convolution of two one-channel pixels, worked by hand. Conv:
 * ((x + 1) * 2 + 3) * 2^30 / 2^31, rounded with ties up: x = 1 gives 3.5 -> 4,
 * x = -4 gives -1.5 -> -1. ADD with both inputs rescaled by 1/2 (multipliers
 * 2^30, shifts 0) and an output multiplier of 2^30 with shift -19 (undoing
 * left_shift 20): out = round((v + s + 5) / 2) - 1, ties away from zero, so
 * v = 4, s = 8 give round(8.5) - 1 = 8 and v = -1, s = -7 give
 * round(-1.5) - 1 = -3. */
static void golden_case(void) {
  static const int8_t x[2] = {1, -4}, w[1] = {2}, s[2] = {8, -7};
  static const int32_t b[1] = {3}, m[1] = {1 << 30}, sh[1] = {0};
  int8_t out[2];
  edgec_conv2d_add_s8_params p;
  memset(&p, 0, sizeof p);
  p.conv.input.n = p.conv.output.n = 1;
  p.conv.input.h = p.conv.output.h = 1;
  p.conv.input.w = p.conv.output.w = 2;
  p.conv.input.c = p.conv.output.c = 1;
  p.conv.filter.n = p.conv.filter.h = p.conv.filter.w = p.conv.filter.c = 1;
  p.conv.stride_h = p.conv.stride_w = p.conv.dilation_h = p.conv.dilation_w = 1;
  p.conv.input_offset = 1;
  p.conv.act_min = -128;
  p.conv.act_max = 127;
  p.conv.multiplier = m;
  p.conv.shift = sh;
  p.add.skip_offset = 5;
  p.add.output_offset = -1;
  p.add.left_shift = 20;
  p.add.conv_multiplier = p.add.skip_multiplier = p.add.output_multiplier = 1 << 30;
  p.add.output_shift = -19;
  p.add.act_min = -128;
  p.add.act_max = 127;
  edgec_conv2d_add_s8(&p, x, w, b, s, out, NULL, 0);
  if (out[0] != 8 || out[1] != -3) {
    fprintf(stderr, "golden case: got %d %d, expected 8 -3\n", out[0], out[1]);
    failures++;
  }
}

int main(void) {
  golden_case();
  random_cases();
  if (failures != 0) {
    fprintf(stderr, "edgec_conv2d_add_s8: %d failures\n", failures);
    return 1;
  }
  printf("edgec_conv2d_add_s8: golden case and %d random cases (separate and in place) bit-exact "
         "with edgec_conv2d_s8 + edgec_add_s8\n",
         CASES);
  return 0;
}
