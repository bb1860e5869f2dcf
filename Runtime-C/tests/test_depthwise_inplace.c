/*
 * The portable edgec_depthwise_conv2d_inplace_s8 against
 * edgec_depthwise_conv2d_s8 into a separate buffer: on random shapes,
 * strides, paddings, dilations, batches and quantization, the in-place kernel
 * must give the same bytes writing over its input (output == input) and into
 * a separate buffer, and must touch no byte past the output, the input or
 * the plane it was given. Runs under the address and undefined-behaviour
 * sanitizers (each buffer is allocated at its exact size by the caller's
 * arrays plus guard bytes, so a stray access shows as a guard change).
 */
#include <stdio.h>
#include <string.h>

#include "edgec/kernels.h"

#define MAX_ELEMENTS 6000
#define MAX_CHANNELS 40
#define GUARD 16
#define CASES 600

static int failures = 0;
static uint32_t state = 0xD3C0FFEEu;

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

static int8_t input[MAX_ELEMENTS], filter[MAX_ELEMENTS];
static int8_t expected[MAX_ELEMENTS], separate[MAX_ELEMENTS + GUARD];
static int8_t in_place[MAX_ELEMENTS + GUARD], plane[MAX_ELEMENTS + GUARD];
static int32_t bias[MAX_CHANNELS], multiplier[MAX_CHANNELS], shift[MAX_CHANNELS];

static int32_t volume(edgec_dims d) { return d.n * d.h * d.w * d.c; }

/* A random depth-multiplier-1 layer that fits the buffers; 0 if it does not. */
static int random_layer(edgec_depthwise_conv2d_s8_params *p) {
  int32_t eff_h, eff_w, pad_b, pad_r, c;
  p->input.n = range(0, 5) == 0 ? 2 : 1;
  p->input.h = range(1, 14);
  p->input.w = range(1, 14);
  p->input.c = range(0, 3) == 0 ? range(1, 3) : range(1, MAX_CHANNELS);
  p->filter.n = 1;
  p->filter.h = range(1, 5);
  p->filter.w = range(1, 5);
  p->filter.c = p->input.c;
  p->stride_h = range(1, 3);
  p->stride_w = range(1, 3);
  p->dilation_h = range(0, 4) == 0 ? 2 : 1;
  p->dilation_w = range(0, 4) == 0 ? 2 : 1;
  eff_h = (p->filter.h - 1) * p->dilation_h + 1;
  eff_w = (p->filter.w - 1) * p->dilation_w + 1;
  p->pad_h = range(0, eff_h - 1);
  p->pad_w = range(0, eff_w - 1);
  pad_b = range(0, eff_h - 1);
  pad_r = range(0, eff_w - 1);
  if (p->input.h + p->pad_h + pad_b < eff_h || p->input.w + p->pad_w + pad_r < eff_w) return 0;
  p->output.n = p->input.n;
  p->output.h = (p->input.h + p->pad_h + pad_b - eff_h) / p->stride_h + 1;
  p->output.w = (p->input.w + p->pad_w + pad_r - eff_w) / p->stride_w + 1;
  p->output.c = p->input.c;
  /* The in-place kernel needs the output no larger than the input (TFLite's
   * SAME padding at stride 1 keeps it equal; larger padding makes it grow). */
  if (p->output.h * p->output.w > p->input.h * p->input.w) return 0;
  if (volume(p->input) > MAX_ELEMENTS) return 0;
  p->depth_multiplier = 1;
  p->input_offset = range(-127, 128);
  p->output_offset = range(-128, 127);
  p->act_min = range(0, 3) == 0 ? range(-128, 0) : -128;
  p->act_max = range(0, 3) == 0 ? range(p->act_min, 127) : 127;
  for (c = 0; c < p->input.c; ++c) {
    multiplier[c] = range(1 << 30, 0x7FFFFFFF);
    shift[c] = range(-12, 1);
    bias[c] = range(-5000, 5000);
  }
  p->multiplier = multiplier;
  p->shift = shift;
  return 1;
}

static int guards_intact(const int8_t *buffer, int32_t count) {
  int32_t i;
  for (i = 0; i < GUARD; ++i) {
    if (buffer[count + i] != (int8_t)0x5A) return 0;
  }
  return 1;
}

static void check(int ok, int32_t index, const char *what, const edgec_depthwise_conv2d_s8_params *p) {
  if (ok) return;
  ++failures;
  if (failures <= 10) {
    printf("case %d: %s (in %dx%dx%dx%d k %dx%d stride %d,%d dil %d,%d pad %d,%d out %dx%d)\n",
           (int)index, what, (int)p->input.n, (int)p->input.h, (int)p->input.w, (int)p->input.c,
           (int)p->filter.h, (int)p->filter.w, (int)p->stride_h, (int)p->stride_w,
           (int)p->dilation_h, (int)p->dilation_w, (int)p->pad_h, (int)p->pad_w,
           (int)p->output.h, (int)p->output.w);
  }
}

int main(void) {
  int32_t index, done = 0, in_place_smaller = 0;
  for (index = 0; done < CASES; ++index) {
    edgec_depthwise_conv2d_s8_params p;
    const int32_t *b;
    int32_t in_count, out_count, pixels;
    if (!random_layer(&p)) continue;
    ++done;
    in_count = volume(p.input);
    out_count = volume(p.output);
    pixels = p.input.h * p.input.w;
    fill(input, in_count);
    fill(filter, p.filter.h * p.filter.w * p.filter.c);
    b = range(0, 4) == 0 ? NULL : bias;
    edgec_depthwise_conv2d_s8(&p, input, filter, b, expected);

    /* Into a separate buffer; the input must stay as it was. */
    memset(separate, 0x5A, sizeof separate);
    memset(plane, 0x5A, sizeof plane);
    memcpy(in_place, input, (size_t)in_count);
    edgec_depthwise_conv2d_inplace_s8(&p, input, filter, b, separate, plane);
    check(memcmp(separate, expected, (size_t)out_count) == 0, index, "separate output differs", &p);
    check(guards_intact(separate, out_count), index, "wrote past the separate output", &p);
    check(guards_intact(plane, pixels), index, "wrote past the plane", &p);
    check(memcmp(in_place, input, (size_t)in_count) == 0, index, "changed its input", &p);

    /* Over the input: the output is the input buffer's first out_count bytes. */
    memset(in_place + in_count, 0x5A, GUARD);
    memset(plane, 0x5A, sizeof plane);
    edgec_depthwise_conv2d_inplace_s8(&p, in_place, filter, b, in_place, plane);
    check(memcmp(in_place, expected, (size_t)out_count) == 0, index, "in-place output differs", &p);
    check(guards_intact(in_place, in_count), index, "wrote past the input buffer", &p);
    check(guards_intact(plane, pixels), index, "wrote past the plane (in place)", &p);
    if (out_count < in_count) ++in_place_smaller;
  }

  /* One hand-checked case: 1x2x2x1, 2x2 kernel, one output. */
  {
    static const int32_t m[1] = {1 << 30}, s[1] = {0}, bias1[1] = {3};
    edgec_depthwise_conv2d_s8_params p;
    int8_t data[4] = {1, 2, 3, 4}, w[4] = {1, -1, 2, 1}, tmp[4];
    memset(&p, 0, sizeof p);
    p.input.n = p.output.n = p.filter.n = 1;
    p.input.h = p.input.w = 2;
    p.input.c = p.filter.c = p.output.c = 1;
    p.filter.h = p.filter.w = 2;
    p.output.h = p.output.w = 1;
    p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
    p.depth_multiplier = 1;
    p.input_offset = 1;
    p.output_offset = -2;
    p.act_min = -128;
    p.act_max = 127;
    p.multiplier = m;
    p.shift = s;
    /* acc = 1*2 - 1*3 + 2*4 + 1*5 + 3 = 15; x 0.5 rounds to 8; -2 gives 6. */
    edgec_depthwise_conv2d_inplace_s8(&p, data, w, bias1, data, tmp);
    if (data[0] != 6 || data[1] != 2 || data[2] != 3 || data[3] != 4) {
      ++failures;
      printf("hand-checked case: got %d %d %d %d, expected 6 2 3 4\n", data[0], data[1], data[2],
             data[3]);
    }
  }

  printf("depthwise in place: %d random cases (%d with a smaller output), %d failures\n", (int)done,
         (int)in_place_smaller, failures);
  return failures == 0 ? 0 : 1;
}
