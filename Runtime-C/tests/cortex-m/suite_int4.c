/*
 * Packed int4 weights: the cortex-m edgec_conv2d_s8w4, edgec_fully_connected_s8w4
 * and edgec_depthwise_conv2d_s8w4 against the portable ones (symbols renamed
 * to *_portable) on the same data. The int8 suites' random filter bytes are
 * valid packed int4 data (two weights a byte), so the conv cases come from
 * conv2d_cases.c; odd element counts (a last byte whose high nibble is not
 * the tensor's) come with them. Conv and FC run without scratch, with a
 * random part of the full-speed scratch and with all of it, which must not
 * be overrun. Then the MLPerf Tiny layer shapes, as a benchmark.
 */
#include "conv2d_cases.h"
#include "edgec/kernels.h"
#include "edgec_cm_int4.h"
#include "harness.h"

void edgec_conv2d_s8w4_portable(const edgec_conv2d_s8_params *p, const int8_t *input,
                                const int8_t *filter, const int32_t *bias, int8_t *output,
                                void *scratch, int32_t scratch_bytes);
void edgec_fully_connected_s8w4_portable(const edgec_fully_connected_s8_params *p,
                                         const int8_t *input, const int8_t *filter,
                                         const int32_t *bias, int8_t *output, void *scratch,
                                         int32_t scratch_bytes);
void edgec_depthwise_conv2d_s8w4_portable(const edgec_depthwise_conv2d_s8_params *p,
                                          const int8_t *input, const int8_t *filter,
                                          const int32_t *bias, int8_t *output);

#define CONV_CASES 400
#define FC_CASES 400
#define DW_CASES 300

static int8_t reference[HX_CONV_MAX_OUTPUT + HX_GUARD];
static int8_t candidate[HX_CONV_MAX_OUTPUT + HX_GUARD];
static int32_t real_scale[2 * HX_CONV_MAX_CHANNELS];

/* Instructions of the cortex-m runs by scratch variant: none, part, full. */
static uint64_t conv_insns[3], fc_insns[3];

/* A call's label for a mismatch line. */
static void label(char *text, const char *kernel, int32_t a, int32_t b, int32_t c, int32_t d,
                  int32_t bytes) {
  hx_line line;
  int i;
  hx_line_start(&line, kernel);
  hx_line_text(&line, " dims ");
  hx_line_int(&line, a);
  hx_line_text(&line, ",");
  hx_line_int(&line, b);
  hx_line_text(&line, ",");
  hx_line_int(&line, c);
  hx_line_text(&line, ",");
  hx_line_int(&line, d);
  hx_line_text(&line, " scratch ");
  hx_line_int(&line, bytes);
  for (i = 0; i <= line.length; ++i) text[i] = line.text[i];
}

/* The candidate's output poisoned, its scratch poisoned; after the call,
 * outputs and the scratch guard checked. */
static int conv_variant(hx_tally *tally, const edgec_conv2d_s8_params *p, const int8_t *input,
                        const int8_t *filter, const int32_t *bias, int has_bias, int misalign,
                        int32_t bytes, uint64_t *count) {
  const int32_t n = hx_volume(p->output);
  char text[240];
  int32_t i;
  int ok;
  for (i = 0; i < n + HX_GUARD; ++i) candidate[i] = (int8_t)(i < n ? i * 7 + 3 : 0x5A);
  hx_scratch_poison(bytes);
  HX_MEASURE(*count, edgec_conv2d_s8w4(p, input, filter, bias, candidate,
                                       bytes > 0 ? hx_scratch : 0, bytes));
  hx_conv_describe(text, p, has_bias, misalign, bytes);
  ok = hx_check(tally, reference, candidate, n, text) < 0;
  if (!hx_scratch_intact(bytes)) {
    hx_print("SCRATCH OVERRUN edgec_conv2d_s8w4\n");
    tally->mismatches++;
    ok = 0;
  }
  return ok;
}

static void conv_random(hx_tally *tally) {
  int done, variant;
  for (done = 0; done < CONV_CASES; ++done) {
    edgec_conv2d_s8_params p;
    int has_bias, misalign;
    const int8_t *input, *filter;
    const int32_t *bias;
    int32_t full;
    hx_conv_random_case(&p, &has_bias, &misalign);
    input = hx_conv_input + (misalign & 3);
    filter = hx_conv_filter + ((misalign >> 2) & 3);
    bias = has_bias ? hx_conv_bias : 0;
    full = edgec_cm_int4_conv_scratch_bytes(p.filter.h, p.filter.w, p.input.c, p.filter.c, p.output.c);
    tally->macs += (uint64_t)hx_volume(p.output) * (uint64_t)(p.filter.h * p.filter.w * p.filter.c);
    hx_poison(reference, candidate, hx_volume(p.output));
    HX_MEASURE(tally->insns_portable,
               edgec_conv2d_s8w4_portable(&p, input, filter, bias, reference, 0, 0));
    for (variant = 0; variant < 3; ++variant) {
      /* A random part lands on either side of the column-only path's least
       * (the full size without the sums) 40% of the time. */
      const int32_t least = full > 0 ? full - 16 * p.output.c : 0;
      const int32_t bytes = hx_scratch_variant(variant, full, least, least);
      conv_variant(tally, &p, input, filter, bias, has_bias, misalign, bytes, &conv_insns[variant]);
    }
  }
  tally->insns_cortex_m = conv_insns[2];
}

static int fc_variant(hx_tally *tally, const edgec_fully_connected_s8_params *p,
                      const int8_t *input, const int8_t *filter, const int32_t *bias,
                      int32_t bytes, uint64_t *count) {
  const int32_t n = p->batches * p->output_depth;
  char text[240];
  int32_t i;
  int ok;
  for (i = 0; i < n + HX_GUARD; ++i) candidate[i] = (int8_t)(i < n ? i * 7 + 3 : 0x5A);
  hx_scratch_poison(bytes);
  HX_MEASURE(*count, edgec_fully_connected_s8w4(p, input, filter, bias, candidate,
                                                bytes > 0 ? hx_scratch : 0, bytes));
  label(text, p->rounding == EDGEC_ROUND_SINGLE ? "fc single" : "fc double", p->batches,
        p->accum_depth, p->output_depth, p->input_offset * 1000 + p->filter_offset, bytes);
  ok = hx_check(tally, reference, candidate, n, text) < 0;
  if (!hx_scratch_intact(bytes)) {
    hx_print("SCRATCH OVERRUN edgec_fully_connected_s8w4\n");
    tally->mismatches++;
    ok = 0;
  }
  return ok;
}

static void fc_params(edgec_fully_connected_s8_params *p, int32_t batches, int32_t depth,
                      int32_t outputs) {
  p->batches = batches;
  p->accum_depth = depth;
  p->output_depth = outputs;
  p->input_offset = 128;
  p->filter_offset = 0;
  p->output_offset = -128;
  p->act_min = -128;
  p->act_max = 127;
  p->per_channel = 0;
  p->rounding = EDGEC_ROUND_DOUBLE;
  p->multiplier = hx_conv_multiplier;
  p->shift = hx_conv_shift;
  p->real_scale = 0;
}

static void fc_random(hx_tally *tally) {
  int done = 0, variant;
  while (done < FC_CASES) {
    edgec_fully_connected_s8_params p;
    const int32_t batches = hx_chance(30) ? hx_range(2, 6) : 1;
    const int32_t depth = hx_chance(10) ? hx_range(1000, 3000) : hx_range(1, 300);
    const int32_t outputs = hx_range(1, 70);
    const int misalign = hx_chance(75) ? 0 : hx_range(1, 15);
    const int8_t *input = hx_conv_input + (misalign & 3), *filter = hx_conv_filter + (misalign >> 2);
    const int32_t *bias = hx_chance(90) ? hx_conv_bias : 0;
    const int32_t channels = outputs;
    int32_t c, full;
    if (batches * depth > HX_CONV_MAX_INPUT || outputs * depth > 2 * HX_CONV_MAX_FILTER) continue;
    if ((int64_t)batches * depth * outputs > 100000) continue;
    fc_params(&p, batches, depth, outputs);
    p.input_offset = hx_chance(30) ? 128 : hx_range(-127, 128);
    p.output_offset = hx_range(-128, 127);
    p.per_channel = hx_chance(50);
    if (!p.per_channel && hx_chance(15)) p.filter_offset = hx_range(-127, 128);
    if (!hx_chance(60)) {
      p.act_min = hx_range(-128, 20);
      p.act_max = hx_range(p.act_min, 127);
    }
    for (c = 0; c < channels; ++c) {
      const double scale = (double)hx_range(1, 1 << 20) / (double)(1 << 24);
      uint64_t bits;
      hx_conv_multiplier[c] = hx_range(1 << 30, 0x7FFFFFFF);
      hx_conv_shift[c] = hx_chance(10) ? hx_range(-31, 8) : hx_range(-12, 0);
      hx_conv_bias[c] = hx_range(-(1 << 16), 1 << 16);
      __builtin_memcpy(&bits, &scale, sizeof bits);
      real_scale[2 * c] = (int32_t)(uint32_t)bits;
      real_scale[2 * c + 1] = (int32_t)(uint32_t)(bits >> 32);
    }
    if (hx_chance(25)) {
      p.rounding = EDGEC_ROUND_SINGLE;
      p.real_scale = real_scale;
    }
    hx_fill_s8(hx_conv_input, batches * depth + 4, -128, 127);
    hx_fill_s8(hx_conv_filter, (outputs * depth + 1) / 2 + 4, -128, 127);
    full = edgec_cm_int4_fc_scratch_bytes(depth, outputs);
    tally->macs += (uint64_t)batches * (uint64_t)depth * (uint64_t)outputs;
    hx_poison(reference, candidate, batches * outputs);
    HX_MEASURE(tally->insns_portable,
               edgec_fully_connected_s8w4_portable(&p, input, filter, bias, reference, 0, 0));
    for (variant = 0; variant < 3; ++variant) {
      const int32_t least = full - 4 * outputs; /* the widened row alone */
      fc_variant(tally, &p, input, filter, bias, hx_scratch_variant(variant, full, least, least),
                 &fc_insns[variant]);
    }
    done++;
  }
  tally->insns_cortex_m = fc_insns[2];
}

/* A random depthwise case in the conv buffers; 0 if it does not fit. */
static int dw_random_case(edgec_depthwise_conv2d_s8_params *p) {
  const int32_t dm = hx_chance(15) ? hx_range(2, 3) : 1;
  const int32_t in_c = hx_chance(30) ? hx_range(1, 7) : hx_range(8, 70);
  int32_t pad_b, pad_r, eff_h, eff_w, c;
  p->input.n = p->output.n = hx_chance(15) ? 2 : 1;
  p->filter.n = 1;
  p->input.h = hx_range(1, 12);
  p->input.w = hx_range(1, 12);
  p->filter.h = hx_chance(60) ? 3 : hx_range(1, 5);
  p->filter.w = p->filter.h == 3 && hx_chance(80) ? 3 : hx_range(1, 5);
  p->stride_h = hx_range(1, 2);
  p->stride_w = hx_range(1, 2);
  p->dilation_h = hx_chance(20) ? 2 : 1;
  p->dilation_w = hx_chance(20) ? 2 : 1;
  p->input.c = in_c;
  p->filter.c = p->output.c = in_c * dm;
  p->depth_multiplier = dm;
  eff_h = (p->filter.h - 1) * p->dilation_h + 1;
  eff_w = (p->filter.w - 1) * p->dilation_w + 1;
  p->pad_h = hx_range(0, eff_h - 1);
  p->pad_w = hx_range(0, eff_w - 1);
  pad_b = hx_range(0, eff_h - 1);
  pad_r = hx_range(0, eff_w - 1);
  if (p->input.h + p->pad_h + pad_b < eff_h || p->input.w + p->pad_w + pad_r < eff_w) return 0;
  p->output.h = (p->input.h + p->pad_h + pad_b - eff_h) / p->stride_h + 1;
  p->output.w = (p->input.w + p->pad_w + pad_r - eff_w) / p->stride_w + 1;
  if (hx_volume(p->input) > HX_CONV_MAX_INPUT || hx_volume(p->output) > HX_CONV_MAX_OUTPUT) return 0;
  if (p->output.c > HX_CONV_MAX_CHANNELS) return 0;
  p->input_offset = hx_chance(30) ? 128 : hx_range(-127, 128);
  p->output_offset = hx_range(-128, 127);
  p->act_min = -128;
  p->act_max = 127;
  if (hx_chance(40)) {
    p->act_min = hx_range(-128, 20);
    p->act_max = hx_range(p->act_min, 127);
  }
  p->multiplier = hx_conv_multiplier;
  p->shift = hx_conv_shift;
  for (c = 0; c < p->output.c; ++c) {
    hx_conv_multiplier[c] = hx_range(1 << 30, 0x7FFFFFFF);
    hx_conv_shift[c] = hx_chance(10) ? hx_range(-31, 8) : hx_range(-12, 0);
    hx_conv_bias[c] = hx_chance(5) ? hx_range(-0x7FFFFFFF, 0x7FFFFFFF) : hx_range(-(1 << 16), 1 << 16);
  }
  hx_fill_s8(hx_conv_input, hx_volume(p->input), -128, 127);
  hx_fill_s8(hx_conv_filter, (hx_volume(p->filter) + 1) / 2, -128, 127);
  return 1;
}

static int dw_run(hx_tally *tally, const edgec_depthwise_conv2d_s8_params *p, const int32_t *bias,
                  uint64_t *portable, uint64_t *cortex_m) {
  const int32_t n = hx_volume(p->output);
  char text[240];
  hx_poison(reference, candidate, n);
  HX_MEASURE(*portable, edgec_depthwise_conv2d_s8w4_portable(p, hx_conv_input, hx_conv_filter,
                                                             bias, reference));
  HX_MEASURE(*cortex_m,
             edgec_depthwise_conv2d_s8w4(p, hx_conv_input, hx_conv_filter, bias, candidate));
  label(text, "dw", p->input.h * 100 + p->input.w, p->input.c * 10 + p->depth_multiplier,
        p->filter.h * 10 + p->filter.w, p->stride_h * 10 + p->stride_w, 0);
  return hx_check(tally, reference, candidate, n, text) < 0;
}

static void dw_random(hx_tally *tally) {
  int done = 0;
  while (done < DW_CASES) {
    edgec_depthwise_conv2d_s8_params p;
    if (!dw_random_case(&p)) continue;
    tally->macs += (uint64_t)hx_volume(p.output) * (uint64_t)(p.filter.h * p.filter.w);
    dw_run(tally, &p, hx_chance(90) ? hx_conv_bias : 0, &tally->insns_portable,
           &tally->insns_cortex_m);
    done++;
  }
}

typedef struct {
  const char *name;
  int32_t h, w, in_c, out_c, kh, kw, stride, pad_h, pad_w, out_h, out_w;
} shape;

/* MLPerf Tiny CONV_2D layers (SAME padding's top/left share). */
static const shape conv_shapes[] = {
    {"kws conv1 49x10x1 10x4/2 ->64", 49, 10, 1, 64, 10, 4, 2, 4, 1, 25, 5},
    {"kws pointwise 25x5x64 ->64", 25, 5, 64, 64, 1, 1, 1, 0, 0, 25, 5},
    {"vww conv1 96x96x3 3x3/2 ->8", 96, 96, 3, 8, 3, 3, 2, 0, 0, 48, 48},
    {"vww pointwise 24x24x32 ->32", 24, 24, 32, 32, 1, 1, 1, 0, 0, 24, 24},
    {"vww pointwise 6x6x128 ->128", 6, 6, 128, 128, 1, 1, 1, 0, 0, 6, 6},
    {"resnet8 conv1 32x32x3 3x3 ->16", 32, 32, 3, 16, 3, 3, 1, 1, 1, 32, 32},
    {"resnet8 32x32x16 3x3 ->16", 32, 32, 16, 16, 3, 3, 1, 1, 1, 32, 32},
    {"resnet8 16x16x32 3x3 ->32", 16, 16, 32, 32, 3, 3, 1, 1, 1, 16, 16},
    {"resnet8 8x8x64 3x3 ->64", 8, 8, 64, 64, 3, 3, 1, 1, 1, 8, 8},
};

/* MLPerf Tiny FULLY_CONNECTED layers: batches, depth, outputs in h, w, out_c. */
static const shape fc_shapes[] = {
    {"ad01 640->128", 1, 640, 0, 128, 0, 0, 0, 0, 0, 0, 0},
    {"ad01 128->128", 1, 128, 0, 128, 0, 0, 0, 0, 0, 0, 0},
    {"ad01 128->640", 1, 128, 0, 640, 0, 0, 0, 0, 0, 0, 0},
    {"kws 64->12", 1, 64, 0, 12, 0, 0, 0, 0, 0, 0, 0},
    {"resnet8 64->10", 1, 64, 0, 10, 0, 0, 0, 0, 0, 0, 0},
};

/* MLPerf Tiny DEPTHWISE_CONV_2D layers (3x3): h, w, c, stride, pad, out. */
static const shape dw_shapes[] = {
    {"kws 25x5x64 3x3", 25, 5, 64, 64, 3, 3, 1, 1, 1, 25, 5},
    {"vww 48x48x8 3x3", 48, 48, 8, 8, 3, 3, 1, 1, 1, 48, 48},
    {"vww 24x24x32 3x3/2", 24, 24, 32, 32, 3, 3, 2, 0, 0, 12, 12},
    {"vww 6x6x128 3x3", 6, 6, 128, 128, 3, 3, 1, 1, 1, 6, 6},
};

static void bench(hx_tally *tally) {
  size_t i;
  for (i = 0; i < sizeof conv_shapes / sizeof conv_shapes[0]; ++i) {
    const shape *s = &conv_shapes[i];
    edgec_conv2d_s8_params p;
    uint64_t portable = 0, with = 0, without = 0, macs;
    int exact;
    hx_conv_layer(&p, s->h, s->w, s->in_c, s->out_c, s->kh, s->kw, s->stride, s->pad_h, s->pad_w,
                  s->out_h, s->out_w, 0);
    macs = (uint64_t)hx_volume(p.output) * (uint64_t)(s->kh * s->kw * s->in_c);
    hx_poison(reference, candidate, hx_volume(p.output));
    HX_MEASURE(portable, edgec_conv2d_s8w4_portable(&p, hx_conv_input, hx_conv_filter,
                                                    hx_conv_bias, reference, 0, 0));
    exact = conv_variant(tally, &p, hx_conv_input, hx_conv_filter, hx_conv_bias, 1, 0,
                         edgec_cm_int4_conv_scratch_bytes(s->kh, s->kw, s->in_c, s->in_c, s->out_c),
                         &with);
    hx_bench_report("conv2d_s8w4", s->name, macs, portable, with, exact);
    exact = conv_variant(tally, &p, hx_conv_input, hx_conv_filter, hx_conv_bias, 1, 0, 0, &without);
    hx_bench_report("conv2d_s8w4 scratch-free", s->name, macs, portable, without, exact);
  }
  for (i = 0; i < sizeof fc_shapes / sizeof fc_shapes[0]; ++i) {
    const shape *s = &fc_shapes[i];
    edgec_fully_connected_s8_params p;
    uint64_t portable = 0, with = 0, without = 0;
    const uint64_t macs = (uint64_t)s->h * (uint64_t)s->w * (uint64_t)s->out_c;
    int32_t c;
    int exact;
    fc_params(&p, s->h, s->w, s->out_c);
    hx_conv_multiplier[0] = hx_range(1 << 30, 0x7FFFFFFF);
    hx_conv_shift[0] = hx_range(-10, -5);
    for (c = 0; c < s->out_c; ++c) hx_conv_bias[c] = hx_range(-(1 << 14), 1 << 14);
    hx_fill_s8(hx_conv_input, s->h * s->w, -128, 127);
    hx_fill_s8(hx_conv_filter, (s->out_c * s->w + 1) / 2, -128, 127);
    hx_poison(reference, candidate, s->h * s->out_c);
    HX_MEASURE(portable, edgec_fully_connected_s8w4_portable(&p, hx_conv_input, hx_conv_filter,
                                                             hx_conv_bias, reference, 0, 0));
    exact = fc_variant(tally, &p, hx_conv_input, hx_conv_filter, hx_conv_bias,
                       edgec_cm_int4_fc_scratch_bytes(s->w, s->out_c), &with);
    hx_bench_report("fully_connected_s8w4", s->name, macs, portable, with, exact);
    exact = fc_variant(tally, &p, hx_conv_input, hx_conv_filter, hx_conv_bias, 0, &without);
    hx_bench_report("fully_connected_s8w4 scratch-free", s->name, macs, portable, without, exact);
  }
  for (i = 0; i < sizeof dw_shapes / sizeof dw_shapes[0]; ++i) {
    const shape *s = &dw_shapes[i];
    edgec_depthwise_conv2d_s8_params p;
    uint64_t portable = 0, cortex_m = 0, macs;
    int32_t c;
    int exact;
    p.input.n = p.output.n = p.filter.n = 1;
    p.input.h = s->h;
    p.input.w = s->w;
    p.input.c = p.filter.c = p.output.c = s->in_c;
    p.filter.h = p.filter.w = 3;
    p.output.h = s->out_h;
    p.output.w = s->out_w;
    p.stride_h = p.stride_w = s->stride;
    p.dilation_h = p.dilation_w = 1;
    p.pad_h = s->pad_h;
    p.pad_w = s->pad_w;
    p.depth_multiplier = 1;
    p.input_offset = 128;
    p.output_offset = -128;
    p.act_min = -128;
    p.act_max = 127;
    p.multiplier = hx_conv_multiplier;
    p.shift = hx_conv_shift;
    for (c = 0; c < s->in_c; ++c) {
      hx_conv_multiplier[c] = hx_range(1 << 30, 0x7FFFFFFF);
      hx_conv_shift[c] = hx_range(-9, -6);
      hx_conv_bias[c] = hx_range(-5000, 5000);
    }
    hx_fill_s8(hx_conv_input, hx_volume(p.input), -128, 127);
    hx_fill_s8(hx_conv_filter, (hx_volume(p.filter) + 1) / 2, -128, 127);
    macs = (uint64_t)hx_volume(p.output) * 9u;
    exact = dw_run(tally, &p, hx_conv_bias, &portable, &cortex_m);
    hx_bench_report("depthwise_conv2d_s8w4", s->name, macs, portable, cortex_m, exact);
  }
}

static void by_scratch(const char *kernel, const uint64_t *insns) {
  hx_line line;
  hx_line_start(&line, kernel);
  hx_line_text(&line, " random by scratch: none ");
  hx_line_int(&line, (int64_t)insns[0]);
  hx_line_text(&line, ", part ");
  hx_line_int(&line, (int64_t)insns[1]);
  hx_line_text(&line, ", full ");
  hx_line_int(&line, (int64_t)insns[2]);
  hx_line_text(&line, " insns");
  hx_line_end(&line);
}

int hx_suite_int4(void) {
  hx_tally conv = {"edgec_conv2d_s8w4 random", 0, 0, 0, 0, 0};
  hx_tally fc = {"edgec_fully_connected_s8w4 random", 0, 0, 0, 0, 0};
  hx_tally dw = {"edgec_depthwise_conv2d_s8w4 random", 0, 0, 0, 0, 0};
  hx_tally shapes_tally = {"int4 MLPerf shapes", 0, 0, 0, 0, 0};
  hx_seed(0x1A7E4A11u);
  conv_random(&conv);
  hx_tally_report(&conv);
  by_scratch("edgec_conv2d_s8w4", conv_insns);
  fc_random(&fc);
  hx_tally_report(&fc);
  by_scratch("edgec_fully_connected_s8w4", fc_insns);
  dw_random(&dw);
  hx_tally_report(&dw);
  bench(&shapes_tally);
  return (int)(conv.mismatches + fc.mismatches + dw.mismatches + shapes_tally.mismatches);
}
