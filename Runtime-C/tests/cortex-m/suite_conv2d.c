/*
 * CONV_2D: the cortex-m edgec_conv2d_s8 against the portable one (built with
 * its symbol renamed to edgec_conv2d_s8_portable) on random shapes and
 * quantization parameters, then on the MLPerf Tiny layer shapes.
 */
#include "edgec/kernels.h"
#include "harness.h"

void edgec_conv2d_s8_portable(const edgec_conv2d_s8_params *p, const int8_t *input,
                              const int8_t *filter, const int32_t *bias, int8_t *output, void *scratch,
                              int32_t scratch_bytes);

#define MAX_INPUT 32768
#define MAX_FILTER 65536
#define MAX_OUTPUT 40960
#define MAX_CHANNELS 512
#define RANDOM_CASES 600

static int8_t input_buf[MAX_INPUT + 4];
static int8_t filter_buf[MAX_FILTER + 4];
static int8_t reference[MAX_OUTPUT + HX_GUARD];
static int8_t candidate[MAX_OUTPUT + HX_GUARD];
static uint32_t scratch_buf[1536];
static int32_t bias_buf[MAX_CHANNELS];
static int32_t multiplier_buf[MAX_CHANNELS];
static int32_t shift_buf[MAX_CHANNELS];

static int32_t volume(edgec_dims d) { return d.n * d.h * d.w * d.c; }

static void describe(char *text, const edgec_conv2d_s8_params *p, int has_bias, int misalign) {
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
  hx_line_text(&line, " filter ");
  hx_line_int(&line, p->filter.n);
  hx_line_text(&line, "x");
  hx_line_int(&line, p->filter.h);
  hx_line_text(&line, "x");
  hx_line_int(&line, p->filter.w);
  hx_line_text(&line, "x");
  hx_line_int(&line, p->filter.c);
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
  hx_line_text(&line, " misalign ");
  hx_line_int(&line, misalign);
  for (i = 0; i <= line.length; ++i) text[i] = line.text[i];
}

/* Per-channel quantization as TFLite's QuantizeMultiplier makes it: Q31
 * multipliers in [2^30, 2^31) and small shifts, with rarer extremes. */
static void random_quantization(int32_t channels, int extremes) {
  int32_t c;
  for (c = 0; c < channels; ++c) {
    multiplier_buf[c] = hx_range(1 << 30, 0x7FFFFFFF);
    shift_buf[c] = hx_range(-12, extremes ? 1 : 0);
    if (extremes && hx_chance(10)) shift_buf[c] = hx_range(-31, 12);
    if (extremes && hx_chance(3)) multiplier_buf[c] = hx_chance(50) ? 0 : hx_range(0, 0x7FFFFFFF);
  }
}

static void random_bias(int32_t channels, int32_t magnitude) {
  int32_t c;
  for (c = 0; c < channels; ++c) bias_buf[c] = hx_range(-magnitude, magnitude);
}

/* Unused channels as TFLite's converter leaves them (most of VWW's later
 * layers): a bias of about +-2^30 and a shift of -20 to -31. */
static void dead_channels(int32_t channels) {
  int32_t c;
  for (c = 0; c < channels; ++c) {
    if (hx_chance(40)) {
      bias_buf[c] = (hx_chance(50) ? 1 : -1) * ((1 << 30) + hx_range(-256, 256));
      shift_buf[c] = hx_range(-31, -20);
    }
  }
}

/* Runs both kernels on the case in `p` and checks them; returns 1 if equal. */
static int run_case(hx_tally *tally, const edgec_conv2d_s8_params *p, int has_bias, int misalign,
                    uint64_t *portable, uint64_t *cortex_m) {
  const int8_t *input = input_buf + (misalign & 3);
  const int8_t *filter = filter_buf + ((misalign >> 2) & 3);
  const int32_t *bias = has_bias ? bias_buf : NULL;
  const int32_t count = volume(p->output);
  char text[240];
  hx_poison(reference, candidate, count);
  HX_MEASURE(*portable, edgec_conv2d_s8_portable(p, input, filter, bias, reference, NULL, 0));
  HX_MEASURE(*cortex_m, edgec_conv2d_s8(p, input, filter, bias, candidate, scratch_buf, (int32_t)sizeof scratch_buf));
  describe(text, p, has_bias, misalign);
  return hx_check(tally, reference, candidate, count, text) < 0;
}

static int random_case(edgec_conv2d_s8_params *p) {
  int32_t groups = 1, kind = hx_range(0, 9), eff_h, eff_w, pad_b, pad_r, in_c, out_c;
  p->input.n = hx_chance(20) ? hx_range(2, 3) : 1;
  in_c = hx_chance(35) ? 4 * hx_range(1, 16) : hx_range(1, 40);
  out_c = hx_range(1, 40);
  p->filter.h = hx_range(1, 5);
  p->filter.w = hx_range(1, 5);
  p->stride_h = hx_range(1, 3);
  p->stride_w = hx_range(1, 3);
  p->dilation_h = hx_chance(20) ? hx_range(2, 3) : 1;
  p->dilation_w = hx_chance(20) ? hx_range(2, 3) : 1;
  p->input.h = hx_range(1, 14);
  p->input.w = hx_range(1, 14);
  if (kind <= 2) { /* pointwise */
    p->filter.h = p->filter.w = 1;
    p->stride_h = p->stride_w = hx_chance(70) ? 1 : 2;
  } else if (kind == 3) { /* KWS's first layer: one channel, a tall kernel */
    in_c = 1;
    p->filter.h = hx_range(3, 10);
    p->filter.w = hx_range(2, 4);
    p->input.h = hx_range(p->filter.h, 30);
  } else if (kind == 4) { /* an image's first layer: three channels, 3x3 */
    in_c = 3;
    p->filter.h = p->filter.w = 3;
  } else if (kind == 5 && hx_chance(30)) { /* deeper than the fast path's buffer */
    p->filter.h = p->filter.w = 1;
    in_c = hx_range(560, 900);
    p->input.h = hx_range(1, 3);
    p->input.w = hx_range(1, 3);
    out_c = hx_range(1, 8);
  }
  if (kind >= 6 && hx_chance(12)) { /* grouped */
    groups = hx_range(2, 4);
    in_c = groups * hx_range(1, 8);
    out_c = groups * hx_range(1, 6);
  }
  p->input.c = in_c;
  p->filter.n = out_c;
  p->filter.c = in_c / groups;
  eff_h = (p->filter.h - 1) * p->dilation_h + 1;
  eff_w = (p->filter.w - 1) * p->dilation_w + 1;
  p->pad_h = kind <= 2 || hx_chance(30) ? 0 : hx_range(0, eff_h - 1);
  p->pad_w = kind <= 2 || hx_chance(30) ? 0 : hx_range(0, eff_w - 1);
  pad_b = kind <= 2 ? 0 : hx_range(0, eff_h - 1);
  pad_r = kind <= 2 ? 0 : hx_range(0, eff_w - 1);
  p->output.n = p->input.n;
  p->output.h = (p->input.h + p->pad_h + pad_b - eff_h) / p->stride_h + 1;
  p->output.w = (p->input.w + p->pad_w + pad_r - eff_w) / p->stride_w + 1;
  p->output.c = out_c;
  if (p->input.h + p->pad_h + pad_b < eff_h || p->input.w + p->pad_w + pad_r < eff_w) return 0;
  if (volume(p->input) > MAX_INPUT || volume(p->filter) > MAX_FILTER) return 0;
  if (volume(p->output) > MAX_OUTPUT) return 0;
  if ((int64_t)volume(p->output) * p->filter.h * p->filter.w * p->filter.c > 150000) return 0;
  p->input_offset = hx_chance(30) ? 128 : hx_range(-127, 128);
  p->output_offset = hx_chance(30) ? -128 : hx_range(-128, 127);
  if (hx_chance(60)) {
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
    edgec_conv2d_s8_params p;
    int has_bias, misalign;
    if (!random_case(&p)) continue;
    /* Half the cases quantized as TFLite's converter does (shifts <= 0),
     * which the kernels' fastest path takes; half with every corner. */
    random_quantization(p.output.c, hx_chance(50));
    random_bias(p.output.c, hx_chance(5) ? 0x7FFFFFFF : (hx_chance(50) ? 1 << 20 : 1 << 12));
    if (hx_chance(15)) dead_channels(p.output.c);
    has_bias = !hx_chance(10);
    misalign = hx_chance(75) ? 0 : hx_range(1, 15);
    hx_fill_s8(input_buf, volume(p.input) + 4, -128, 127);
    if (hx_chance(25)) { /* ReLU-like: mostly the zero point */
      int32_t i;
      for (i = 0; i < volume(p.input) + 4; ++i) {
        if (hx_chance(60)) input_buf[i] = (int8_t)(-p.input_offset < -128 ? -128 : -p.input_offset);
      }
    }
    hx_fill_s8(filter_buf, volume(p.filter) + 4, hx_chance(10) ? -128 : -127, 127);
    tally->macs += (uint64_t)volume(p.output) * (uint64_t)(p.filter.h * p.filter.w * p.filter.c);
    run_case(tally, &p, has_bias, misalign, &tally->insns_portable, &tally->insns_cortex_m);
    done++;
  }
}

typedef struct {
  const char *name;
  int32_t h, w, in_c, out_c, kh, kw, stride, pad_h, pad_w, out_h, out_w;
  int32_t dead; /* the share of unused channels, in percent */
} shape;

/* The CONV_2D layers of the MLPerf Tiny models (SAME padding as TFLite
 * computes it: the top/left share of the total). */
static const shape shapes[] = {
    {"kws conv1 49x10x1 10x4/2 ->64", 49, 10, 1, 64, 10, 4, 2, 4, 1, 25, 5, 0},
    {"kws pointwise 25x5x64 ->64", 25, 5, 64, 64, 1, 1, 1, 0, 0, 25, 5, 0},
    {"vww conv1 96x96x3 3x3/2 ->8", 96, 96, 3, 8, 3, 3, 2, 0, 0, 48, 48, 0},
    {"vww pointwise 48x48x8 ->16", 48, 48, 8, 16, 1, 1, 1, 0, 0, 48, 48, 0},
    {"vww pointwise 24x24x16 ->32", 24, 24, 16, 32, 1, 1, 1, 0, 0, 24, 24, 0},
    {"vww pointwise 24x24x32 ->32", 24, 24, 32, 32, 1, 1, 1, 0, 0, 24, 24, 0},
    {"vww pointwise 12x12x32 ->64", 12, 12, 32, 64, 1, 1, 1, 0, 0, 12, 12, 0},
    {"vww pointwise 12x12x64 ->64", 12, 12, 64, 64, 1, 1, 1, 0, 0, 12, 12, 0},
    {"vww pointwise 6x6x64 ->128", 6, 6, 64, 128, 1, 1, 1, 0, 0, 6, 6, 0},
    {"vww pointwise 6x6x128 ->128", 6, 6, 128, 128, 1, 1, 1, 0, 0, 6, 6, 0},
    {"vww pointwise 6x6x128 ->128, 75% unused channels", 6, 6, 128, 128, 1, 1, 1, 0, 0, 6, 6, 75},
    {"vww pointwise 3x3x128 ->256", 3, 3, 128, 256, 1, 1, 1, 0, 0, 3, 3, 0},
    {"vww pointwise 3x3x256 ->256", 3, 3, 256, 256, 1, 1, 1, 0, 0, 3, 3, 0},
    {"resnet8 conv1 32x32x3 3x3 ->16", 32, 32, 3, 16, 3, 3, 1, 1, 1, 32, 32, 0},
    {"resnet8 32x32x16 3x3 ->16", 32, 32, 16, 16, 3, 3, 1, 1, 1, 32, 32, 0},
    {"resnet8 32x32x16 3x3/2 ->32", 32, 32, 16, 32, 3, 3, 2, 0, 0, 16, 16, 0},
    {"resnet8 16x16x32 3x3 ->32", 16, 16, 32, 32, 3, 3, 1, 1, 1, 16, 16, 0},
    {"resnet8 32x32x16 1x1/2 ->32", 32, 32, 16, 32, 1, 1, 2, 0, 0, 16, 16, 0},
    {"resnet8 16x16x32 3x3/2 ->64", 16, 16, 32, 64, 3, 3, 2, 0, 0, 8, 8, 0},
    {"resnet8 8x8x64 3x3 ->64", 8, 8, 64, 64, 3, 3, 1, 1, 1, 8, 8, 0},
    {"resnet8 16x16x32 1x1/2 ->64", 16, 16, 32, 64, 1, 1, 2, 0, 0, 8, 8, 0},
};

static void bench(hx_tally *tally) {
  size_t i;
  for (i = 0; i < sizeof shapes / sizeof shapes[0]; ++i) {
    const shape *s = &shapes[i];
    edgec_conv2d_s8_params p;
    uint64_t portable = 0, cortex_m = 0, macs;
    int32_t c;
    int exact;
    p.input.n = 1;
    p.input.h = s->h;
    p.input.w = s->w;
    p.input.c = s->in_c;
    p.filter.n = s->out_c;
    p.filter.h = s->kh;
    p.filter.w = s->kw;
    p.filter.c = s->in_c;
    p.output.n = 1;
    p.output.h = s->out_h;
    p.output.w = s->out_w;
    p.output.c = s->out_c;
    p.stride_h = p.stride_w = s->stride;
    p.dilation_h = p.dilation_w = 1;
    p.pad_h = s->pad_h;
    p.pad_w = s->pad_w;
    p.input_offset = 128;
    p.output_offset = -128;
    p.act_min = -128;
    p.act_max = 127;
    p.multiplier = multiplier_buf;
    p.shift = shift_buf;
    random_quantization(s->out_c, 0);
    for (c = 0; c < s->out_c; ++c) shift_buf[c] = hx_range(-10, -5);
    random_bias(s->out_c, 1 << 14);
    for (c = 0; c < s->out_c; ++c) {
      if (hx_range(0, 99) < s->dead) {
        bias_buf[c] = (hx_chance(50) ? 1 : -1) * (1 << 30);
        shift_buf[c] = hx_range(-30, -25);
      }
    }
    hx_fill_s8(input_buf, volume(p.input), -128, 127);
    hx_fill_s8(filter_buf, volume(p.filter), -127, 127);
    macs = (uint64_t)volume(p.output) * (uint64_t)(s->kh * s->kw * s->in_c);
    exact = run_case(tally, &p, 1, 0, &portable, &cortex_m);
    hx_bench_report("conv2d_s8", s->name, macs, portable, cortex_m, exact);
  }
}

int hx_suite_conv2d(void) {
  hx_tally random = {"edgec_conv2d_s8 random", 0, 0, 0, 0, 0};
  hx_tally shapes_tally = {"edgec_conv2d_s8 MLPerf shapes", 0, 0, 0, 0, 0};
  hx_seed(0xC0DE2D01u);
  random_cases(&random);
  hx_tally_report(&random);
  bench(&shapes_tally);
  return (int)(random.mismatches + shapes_tally.mismatches);
}
