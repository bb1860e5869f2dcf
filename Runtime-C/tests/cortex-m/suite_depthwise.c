/*
 * DEPTHWISE_CONV_2D: the cortex-m edgec_depthwise_conv2d_s8 against the
 * portable one on random shapes and quantization parameters (odd channel
 * counts, depth multipliers, strides, dilations, paddings, the 3x3 sliding
 * path's long lines, extreme shifts and biases that force the scalar
 * fallback, unused channels with zero weights and huge biases), then on the
 * MLPerf Tiny layer shapes.
 */
#include "edgec/kernels.h"
#include "harness.h"

void edgec_depthwise_conv2d_s8_portable(const edgec_depthwise_conv2d_s8_params *p,
                                        const int8_t *input, const int8_t *filter,
                                        const int32_t *bias, int8_t *output);

#define MAX_INPUT 40000
#define MAX_FILTER 8192
#define MAX_OUTPUT 40000
#define MAX_CHANNELS 1024
#define RANDOM_CASES 500

static int8_t input_buf[MAX_INPUT + 4];
static int8_t filter_buf[MAX_FILTER + 4];
static int8_t reference[MAX_OUTPUT + HX_GUARD];
static int8_t candidate[MAX_OUTPUT + HX_GUARD];
static int32_t bias_buf[MAX_CHANNELS];
static int32_t multiplier_buf[MAX_CHANNELS];
static int32_t shift_buf[MAX_CHANNELS];

static int32_t volume(edgec_dims d) { return d.n * d.h * d.w * d.c; }

static void describe(char *text, const edgec_depthwise_conv2d_s8_params *p, int has_bias) {
  hx_line line;
  int i;
  hx_line_start(&line, "in ");
  hx_line_int(&line, p->input.n);
  hx_line_text(&line, "x");
  hx_line_int(&line, p->input.h);
  hx_line_text(&line, "x");
  hx_line_int(&line, p->input.w);
  hx_line_text(&line, "x");
  hx_line_int(&line, p->input.c);
  hx_line_text(&line, " k ");
  hx_line_int(&line, p->filter.h);
  hx_line_text(&line, "x");
  hx_line_int(&line, p->filter.w);
  hx_line_text(&line, " dm ");
  hx_line_int(&line, p->depth_multiplier);
  hx_line_text(&line, " out ");
  hx_line_int(&line, p->output.h);
  hx_line_text(&line, "x");
  hx_line_int(&line, p->output.w);
  hx_line_text(&line, " stride ");
  hx_line_int(&line, p->stride_h);
  hx_line_text(&line, ",");
  hx_line_int(&line, p->stride_w);
  hx_line_text(&line, " dil ");
  hx_line_int(&line, p->dilation_h);
  hx_line_text(&line, ",");
  hx_line_int(&line, p->dilation_w);
  hx_line_text(&line, " pad ");
  hx_line_int(&line, p->pad_h);
  hx_line_text(&line, ",");
  hx_line_int(&line, p->pad_w);
  hx_line_text(&line, " off ");
  hx_line_int(&line, p->input_offset);
  hx_line_text(&line, ",");
  hx_line_int(&line, p->output_offset);
  hx_line_text(&line, " act ");
  hx_line_int(&line, p->act_min);
  hx_line_text(&line, ",");
  hx_line_int(&line, p->act_max);
  hx_line_text(&line, has_bias ? " bias" : " nobias");
  for (i = 0; i <= line.length; ++i) text[i] = line.text[i];
}

/* Q31 multipliers in [2^30, 2^31) and the small shifts of real layers, with
 * rarer extremes (left shifts, shifts past the fast form's range, 0). */
static void random_quantization(int32_t channels, int extremes) {
  int32_t c;
  for (c = 0; c < channels; ++c) {
    multiplier_buf[c] = hx_range(1 << 30, 0x7FFFFFFF);
    shift_buf[c] = hx_range(-12, 1);
    if (extremes && hx_chance(10)) shift_buf[c] = hx_range(-31, 12);
    if (extremes && hx_chance(3)) multiplier_buf[c] = hx_chance(50) ? 0 : hx_range(0, 0x7FFFFFFF);
  }
}

static int run_case(hx_tally *tally, const edgec_depthwise_conv2d_s8_params *p, int has_bias,
                    uint64_t *portable, uint64_t *cortex_m) {
  const int32_t *bias = has_bias ? bias_buf : NULL;
  const int32_t count = volume(p->output);
  char text[240];
  hx_poison(reference, candidate, count);
  HX_MEASURE(*portable, edgec_depthwise_conv2d_s8_portable(p, input_buf, filter_buf, bias, reference));
  HX_MEASURE(*cortex_m, edgec_depthwise_conv2d_s8(p, input_buf, filter_buf, bias, candidate));
  describe(text, p, has_bias);
  return hx_check(tally, reference, candidate, count, text) < 0;
}

static int32_t out_size(int32_t in, int32_t k, int32_t dilation, int32_t stride, int32_t pad_a,
                        int32_t pad_b) {
  return (in + pad_a + pad_b - ((k - 1) * dilation + 1)) / stride + 1;
}

static int random_case(edgec_depthwise_conv2d_s8_params *p) {
  const int32_t kind = hx_range(0, 9);
  int32_t dm = hx_chance(15) ? hx_range(2, 4) : 1, in_c, pad_b, pad_r;
  in_c = hx_chance(30) ? hx_range(1, 7) : 4 * hx_range(1, 24) + (hx_chance(25) ? hx_range(1, 3) : 0);
  p->input.n = hx_chance(15) ? 2 : 1;
  p->input.h = hx_range(1, 12);
  p->input.w = hx_range(1, 12);
  p->filter.h = hx_range(1, 5);
  p->filter.w = hx_range(1, 5);
  p->stride_h = hx_range(1, 3);
  p->stride_w = hx_chance(50) ? p->stride_h : hx_range(1, 3);
  p->dilation_h = hx_chance(20) ? 2 : 1;
  p->dilation_w = hx_chance(20) ? 2 : 1;
  if (kind <= 5) { /* the MLPerf kind: 3x3, no dilation, often long lines */
    p->filter.h = p->filter.w = 3;
    p->dilation_h = p->dilation_w = 1;
    p->stride_h = p->stride_w = hx_chance(70) ? 1 : 2;
    if (hx_chance(40)) {
      p->input.h = hx_range(1, 6);
      p->input.w = hx_range(40, 70);
      in_c = hx_range(1, 12);
      if (hx_chance(50)) { /* tall rather than wide */
        const int32_t t = p->input.h;
        p->input.h = p->input.w;
        p->input.w = t;
      }
    }
  }
  p->input.c = in_c;
  p->filter.n = 1;
  p->filter.c = in_c * dm;
  p->depth_multiplier = dm;
  p->pad_h = hx_range(0, (p->filter.h - 1) * p->dilation_h);
  p->pad_w = hx_range(0, (p->filter.w - 1) * p->dilation_w);
  pad_b = hx_range(0, (p->filter.h - 1) * p->dilation_h);
  pad_r = hx_range(0, (p->filter.w - 1) * p->dilation_w);
  p->output.n = p->input.n;
  p->output.h = out_size(p->input.h, p->filter.h, p->dilation_h, p->stride_h, p->pad_h, pad_b);
  p->output.w = out_size(p->input.w, p->filter.w, p->dilation_w, p->stride_w, p->pad_w, pad_r);
  p->output.c = in_c * dm;
  if (p->output.h < 1 || p->output.w < 1) return 0;
  if (volume(p->input) > MAX_INPUT || volume(p->output) > MAX_OUTPUT) return 0;
  if (volume(p->filter) > MAX_FILTER || p->output.c > MAX_CHANNELS) return 0;
  p->input_offset = hx_chance(30) ? 128 : hx_range(-127, 128);
  p->output_offset = hx_chance(30) ? -128 : hx_range(-128, 127);
  if (hx_chance(50)) {
    p->act_min = -128;
    p->act_max = 127;
  } else {
    p->act_min = hx_range(-128, 20);
    p->act_max = hx_range(p->act_min, 127);
  }
  p->multiplier = multiplier_buf;
  p->shift = shift_buf;
  return 1;
}

static void random_cases(hx_tally *tally) {
  int done = 0;
  while (done < RANDOM_CASES) {
    edgec_depthwise_conv2d_s8_params p;
    int32_t c, magnitude;
    if (!random_case(&p)) continue;
    random_quantization(p.output.c, 1);
    magnitude = hx_chance(5) ? 0x7FFFFFFF : (hx_chance(50) ? 1 << 20 : 1 << 14);
    for (c = 0; c < p.output.c; ++c) bias_buf[c] = hx_range(-magnitude, magnitude);
    hx_fill_s8(input_buf, volume(p.input) + 4, -128, 127);
    hx_fill_s8(filter_buf, volume(p.filter) + 4, hx_chance(10) ? -128 : -127, 127);
    if (hx_chance(15)) { /* unused channels: all weights 0, a bias too large for the fast form */
      int32_t t, n = hx_range(1, 4);
      while (n-- > 0) {
        c = hx_range(0, p.output.c - 1);
        for (t = 0; t < p.filter.h * p.filter.w; ++t) filter_buf[t * p.filter.c + c] = 0;
        bias_buf[c] = hx_chance(50) ? hx_range(1 << 30, 0x7FFFFFFF) : -hx_range(1 << 30, 0x7FFFFFFF);
      }
    }
    tally->macs += (uint64_t)volume(p.output) * (uint64_t)(p.filter.h * p.filter.w);
    run_case(tally, &p, !hx_chance(10), &tally->insns_portable, &tally->insns_cortex_m);
    done++;
  }
}

typedef struct {
  const char *name;
  int32_t h, w, c, stride, pad, out_h, out_w;
} shape;

/* The DEPTHWISE_CONV_2D layers of the MLPerf Tiny models: 3x3, SAME (the
 * top/left share of the padding, as TFLite computes it). */
static const shape shapes[] = {
    {"kws 25x5x64 3x3", 25, 5, 64, 1, 1, 25, 5},
    {"vww 48x48x8 3x3", 48, 48, 8, 1, 1, 48, 48},
    {"vww 48x48x16 3x3/2", 48, 48, 16, 2, 0, 24, 24},
    {"vww 24x24x32 3x3", 24, 24, 32, 1, 1, 24, 24},
    {"vww 24x24x32 3x3/2", 24, 24, 32, 2, 0, 12, 12},
    {"vww 12x12x64 3x3", 12, 12, 64, 1, 1, 12, 12},
    {"vww 12x12x64 3x3/2", 12, 12, 64, 2, 0, 6, 6},
    {"vww 6x6x128 3x3", 6, 6, 128, 1, 1, 6, 6},
    {"vww 6x6x128 3x3/2", 6, 6, 128, 2, 0, 3, 3},
    {"vww 3x3x256 3x3", 3, 3, 256, 1, 1, 3, 3},
};

static void bench(hx_tally *tally) {
  size_t i;
  for (i = 0; i < sizeof shapes / sizeof shapes[0]; ++i) {
    const shape *s = &shapes[i];
    edgec_depthwise_conv2d_s8_params p;
    uint64_t portable = 0, cortex_m = 0, macs;
    int32_t c;
    int exact;
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
    random_quantization(s->c, 0);
    for (c = 0; c < s->c; ++c) {
      shift_buf[c] = hx_range(-9, -6);
      bias_buf[c] = hx_range(-5000, 5000);
    }
    hx_fill_s8(input_buf, volume(p.input), -128, 127);
    hx_fill_s8(filter_buf, volume(p.filter), -127, 127);
    macs = (uint64_t)volume(p.output) * 9u;
    exact = run_case(tally, &p, 1, &portable, &cortex_m);
    hx_bench_report("depthwise_conv2d_s8", s->name, macs, portable, cortex_m, exact);
  }
}

int hx_suite_depthwise(void) {
  hx_tally random = {"edgec_depthwise_conv2d_s8 random", 0, 0, 0, 0, 0};
  hx_tally shapes_tally = {"edgec_depthwise_conv2d_s8 MLPerf shapes", 0, 0, 0, 0, 0};
  hx_seed(0xD3E9u);
  random_cases(&random);
  hx_tally_report(&random);
  bench(&shapes_tally);
  return (int)(random.mismatches + shapes_tally.mismatches);
}
