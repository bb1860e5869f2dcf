/*
 * In-place DEPTHWISE_CONV_2D: the cortex-m edgec_depthwise_conv2d_inplace_s8
 * against the portable edgec_depthwise_conv2d_s8 into a separate buffer, on
 * random depth-multiplier-1 shapes (strides, paddings, dilations, batches,
 * odd sizes, 3x3 and other kernels, quantization corners), each computed
 * twice: over its own input (output == input) and into a separate buffer.
 * Neither may write past its output, its input buffer or its plane. Then the
 * MLPerf Tiny depthwise shapes in place, as a benchmark against the portable
 * plain kernel ("portable" column) — the cortex-m plain kernel's figures are
 * in the depthwise suite.
 */
#include <string.h>

#include "edgec/kernels.h"
#include "harness.h"

void edgec_depthwise_conv2d_s8_portable(const edgec_depthwise_conv2d_s8_params *p,
                                        const int8_t *input, const int8_t *filter,
                                        const int32_t *bias, int8_t *output);

#define MAX_INPUT 40000
#define MAX_CHANNELS 256
#define RANDOM_CASES 500

static int8_t input_buf[MAX_INPUT + 4];
static int8_t filter_buf[9 * MAX_CHANNELS * 4];
static int8_t reference[MAX_INPUT + HX_GUARD];
static int8_t candidate[MAX_INPUT + HX_GUARD];
static int8_t work[MAX_INPUT + HX_GUARD];
static int8_t plane[MAX_INPUT + HX_GUARD];
static int32_t bias_buf[MAX_CHANNELS], multiplier_buf[MAX_CHANNELS], shift_buf[MAX_CHANNELS];

static int32_t volume(edgec_dims d) { return d.n * d.h * d.w * d.c; }

static void guard(int8_t *buffer, int32_t count) { memset(buffer + count, 0x3C, HX_GUARD); }

static int guard_intact(const int8_t *buffer, int32_t count) {
  int32_t i;
  for (i = 0; i < HX_GUARD; ++i) {
    if (buffer[count + i] != 0x3C) return 0;
  }
  return 1;
}

/* Both ways against the portable plain kernel; 1 on a mismatch. */
static int run_case(hx_tally *apart, hx_tally *over, const edgec_depthwise_conv2d_s8_params *p,
                    const int32_t *bias, const char *text, uint64_t *portable, uint64_t *cortex_m) {
  const int32_t in_count = volume(p->input), count = volume(p->output);
  const int32_t pixels = p->input.h * p->input.w;
  int bad = 0;
  hx_poison(reference, candidate, count);
  guard(plane, pixels);
  HX_MEASURE(*portable, edgec_depthwise_conv2d_s8_portable(p, input_buf, filter_buf, bias, reference));
  edgec_depthwise_conv2d_inplace_s8(p, input_buf, filter_buf, bias, candidate, plane);
  bad |= hx_check(apart, reference, candidate, count, text) >= 0;
  bad |= !guard_intact(plane, pixels);
  /* In place: the result is the input buffer's first `count` bytes. */
  memcpy(work, input_buf, (size_t)in_count);
  guard(work, in_count);
  guard(plane, pixels);
  HX_MEASURE(*cortex_m, edgec_depthwise_conv2d_inplace_s8(p, work, filter_buf, bias, work, plane));
  bad |= !guard_intact(work, in_count) || !guard_intact(plane, pixels);
  hx_poison(reference, candidate, count);
  edgec_depthwise_conv2d_s8_portable(p, input_buf, filter_buf, bias, reference);
  memcpy(candidate, work, (size_t)count);
  bad |= hx_check(over, reference, candidate, count, text) >= 0;
  if (bad) hx_print(text);
  return bad;
}

static int32_t out_size(int32_t in, int32_t k, int32_t dilation, int32_t stride, int32_t pad_a,
                        int32_t pad_b) {
  return (in + pad_a + pad_b - ((k - 1) * dilation + 1)) / stride + 1;
}

static int random_case(edgec_depthwise_conv2d_s8_params *p) {
  int32_t pad_b, pad_r, c;
  const int mlperf = hx_chance(60); /* 3x3, no dilation: the DSP path */
  p->input.n = hx_chance(10) ? 2 : 1;
  p->input.h = hx_range(1, 30);
  p->input.w = hx_range(1, 30);
  p->input.c = hx_chance(30) ? hx_range(1, 7) : hx_range(8, 64);
  p->filter.h = mlperf ? 3 : hx_range(1, 5);
  p->filter.w = mlperf ? 3 : hx_range(1, 5);
  p->stride_h = hx_range(1, 2);
  p->stride_w = hx_chance(70) ? p->stride_h : hx_range(1, 3);
  p->dilation_h = !mlperf && hx_chance(30) ? 2 : 1;
  p->dilation_w = !mlperf && hx_chance(30) ? 2 : 1;
  p->filter.n = 1;
  p->filter.c = p->output.c = p->input.c;
  p->depth_multiplier = 1;
  p->pad_h = hx_range(0, (p->filter.h - 1) * p->dilation_h);
  p->pad_w = hx_range(0, (p->filter.w - 1) * p->dilation_w);
  pad_b = hx_range(0, (p->filter.h - 1) * p->dilation_h);
  pad_r = hx_range(0, (p->filter.w - 1) * p->dilation_w);
  p->output.n = p->input.n;
  p->output.h = out_size(p->input.h, p->filter.h, p->dilation_h, p->stride_h, p->pad_h, pad_b);
  p->output.w = out_size(p->input.w, p->filter.w, p->dilation_w, p->stride_w, p->pad_w, pad_r);
  if (p->output.h < 1 || p->output.w < 1) return 0;
  if (p->output.h * p->output.w > p->input.h * p->input.w) return 0;
  if (volume(p->input) > MAX_INPUT) return 0;
  p->input_offset = hx_chance(30) ? 128 : hx_range(-127, 128);
  p->output_offset = hx_chance(30) ? -128 : hx_range(-128, 127);
  p->act_min = hx_chance(50) ? -128 : hx_range(-128, 20);
  p->act_max = hx_chance(50) ? 127 : hx_range(p->act_min, 127);
  for (c = 0; c < p->input.c; ++c) {
    multiplier_buf[c] = hx_range(1 << 30, 0x7FFFFFFF);
    shift_buf[c] = hx_range(-12, 1);
    if (hx_chance(8)) shift_buf[c] = hx_range(-31, 12); /* past the fast form */
    if (hx_chance(3)) multiplier_buf[c] = hx_chance(50) ? 0 : hx_range(0, 0x7FFFFFFF);
    bias_buf[c] = hx_chance(5) ? hx_range(1 << 30, 0x7FFFFFFF) : hx_range(-(1 << 16), 1 << 16);
  }
  p->multiplier = multiplier_buf;
  p->shift = shift_buf;
  return 1;
}

static int random_cases(hx_tally *apart, hx_tally *over) {
  int done = 0, bad = 0;
  while (done < RANDOM_CASES) {
    edgec_depthwise_conv2d_s8_params p;
    uint64_t portable = 0, cortex_m = 0;
    if (!random_case(&p)) continue;
    hx_fill_s8(input_buf, volume(p.input) + 4, -128, 127);
    hx_fill_s8(filter_buf, volume(p.filter), hx_chance(10) ? -128 : -127, 127);
    over->macs += (uint64_t)volume(p.output) * (uint64_t)(p.filter.h * p.filter.w);
    bad += run_case(apart, over, &p, hx_chance(90) ? bias_buf : NULL, "depthwise in place random case",
                    &portable, &cortex_m);
    over->insns_portable += portable;
    over->insns_cortex_m += cortex_m;
    done++;
  }
  return bad;
}

typedef struct {
  const char *name;
  int32_t h, w, c, stride, pad, out_h, out_w;
} shape;

/* The MLPerf Tiny / MobileNetV2 depthwise layers: 3x3, SAME. */
static const shape shapes[] = {
    {"vww 48x48x8 3x3", 48, 48, 8, 1, 1, 48, 48},
    {"vww 48x48x16 3x3/2", 48, 48, 16, 2, 0, 24, 24},
    {"vww 24x24x32 3x3", 24, 24, 32, 1, 1, 24, 24},
    {"vww 12x12x64 3x3", 12, 12, 64, 1, 1, 12, 12},
    {"vww 6x6x128 3x3", 6, 6, 128, 1, 1, 6, 6},
};

static int bench(hx_tally *apart, hx_tally *over) {
  size_t i;
  int bad = 0;
  for (i = 0; i < sizeof shapes / sizeof shapes[0]; ++i) {
    const shape *s = &shapes[i];
    edgec_depthwise_conv2d_s8_params p;
    uint64_t portable = 0, cortex_m = 0;
    int32_t c, mismatch;
    p.input.n = p.output.n = p.filter.n = 1;
    p.input.h = s->h;
    p.input.w = s->w;
    p.input.c = p.filter.c = p.output.c = s->c;
    p.filter.h = p.filter.w = 3;
    p.output.h = s->out_h;
    p.output.w = s->out_w;
    p.stride_h = p.stride_w = s->stride;
    p.dilation_h = p.dilation_w = 1;
    p.pad_h = p.pad_w = s->pad;
    p.depth_multiplier = 1;
    p.input_offset = 128;
    p.output_offset = -128;
    p.act_min = -128;
    p.act_max = 127;
    p.multiplier = multiplier_buf;
    p.shift = shift_buf;
    for (c = 0; c < s->c; ++c) {
      multiplier_buf[c] = hx_range(1 << 30, 0x7FFFFFFF);
      shift_buf[c] = hx_range(-9, -6);
      bias_buf[c] = hx_range(-5000, 5000);
    }
    hx_fill_s8(input_buf, volume(p.input), -128, 127);
    hx_fill_s8(filter_buf, volume(p.filter), -127, 127);
    mismatch = run_case(apart, over, &p, bias_buf, s->name, &portable, &cortex_m);
    bad += mismatch;
    hx_bench_report("depthwise_conv2d_inplace_s8", s->name, (uint64_t)volume(p.output) * 9u, portable,
                    cortex_m, !mismatch);
  }
  return bad;
}

int hx_suite_depthwise_inplace(void) {
  hx_tally apart = {"edgec_depthwise_conv2d_inplace_s8 apart", 0, 0, 0, 0, 0};
  hx_tally over = {"edgec_depthwise_conv2d_inplace_s8 in place", 0, 0, 0, 0, 0};
  int bad;
  hx_seed(0x1D9Cu);
  bad = random_cases(&apart, &over);
  hx_tally_report(&apart);
  hx_tally_report(&over);
  bad += bench(&apart, &over);
  return bad + (int)(apart.mismatches + over.mismatches);
}
