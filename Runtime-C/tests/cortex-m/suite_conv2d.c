/*
 * CONV_2D: the cortex-m edgec_conv2d_s8 against the portable one (built with
 * its symbol renamed to edgec_conv2d_s8_portable) on random shapes and
 * quantization parameters (conv2d_cases.c), each run three times — without
 * scratch, with a random part of the full-speed scratch, with all of it —
 * then on the MLPerf Tiny layer shapes with and without scratch. The kernel
 * must not write past the scratch it is given.
 */
#include "conv2d_cases.h"
#include "edgec/kernels.h"
#include "edgec_cm_dsp.h"
#include "harness.h"

void edgec_conv2d_s8_portable(const edgec_conv2d_s8_params *p, const int8_t *input,
                              const int8_t *filter, const int32_t *bias, int8_t *output,
                              void *scratch, int32_t scratch_bytes);

#define RANDOM_CASES 600

static int8_t reference[HX_CONV_MAX_OUTPUT + HX_GUARD];
static int8_t candidate[HX_CONV_MAX_OUTPUT + HX_GUARD];

/* Instructions of the cortex-m runs by scratch variant: none, part, full. */
static uint64_t insns[3];

static int32_t full_scratch(const edgec_conv2d_s8_params *p) {
  return edgec_cm_conv_scratch_bytes(p->filter.h, p->filter.w, p->input.c, p->filter.c,
                                     p->output.c);
}

/* The cortex-m kernel with `bytes` of scratch against `reference`. */
static int check_variant(hx_tally *tally, const edgec_conv2d_s8_params *p, const int8_t *input,
                         const int8_t *filter, const int32_t *bias, int has_bias, int misalign,
                         int32_t bytes, uint64_t *count) {
  const int32_t n = hx_volume(p->output);
  char text[240];
  int32_t i, bad;
  for (i = 0; i < n + HX_GUARD; ++i) candidate[i] = (int8_t)(i < n ? i * 7 + 3 : 0x5A);
  hx_scratch_poison(bytes);
  HX_MEASURE(*count, edgec_conv2d_s8(p, input, filter, bias, candidate, bytes > 0 ? hx_scratch : 0,
                                     bytes));
  hx_conv_describe(text, p, has_bias, misalign, bytes);
  bad = hx_check(tally, reference, candidate, n, text) >= 0;
  if (!hx_scratch_intact(bytes)) {
    hx_line line;
    hx_line_start(&line, "SCRATCH OVERRUN edgec_conv2d_s8: ");
    hx_line_text(&line, text);
    hx_line_end(&line);
    tally->mismatches++;
    bad = 1;
  }
  return !bad;
}

static void random_cases(hx_tally *tally) {
  int done, variant;
  for (done = 0; done < RANDOM_CASES; ++done) {
    edgec_conv2d_s8_params p;
    int has_bias, misalign;
    const int8_t *input, *filter;
    const int32_t *bias;
    int32_t full;
    hx_conv_random_case(&p, &has_bias, &misalign);
    input = hx_conv_input + (misalign & 3);
    filter = hx_conv_filter + ((misalign >> 2) & 3);
    bias = has_bias ? hx_conv_bias : 0;
    full = full_scratch(&p);
    tally->macs += (uint64_t)hx_volume(p.output) * (uint64_t)(p.filter.h * p.filter.w * p.filter.c);
    hx_poison(reference, candidate, hx_volume(p.output));
    HX_MEASURE(tally->insns_portable,
               edgec_conv2d_s8_portable(&p, input, filter, bias, reference, 0, 0));
    for (variant = 0; variant < 3; ++variant) {
      const int32_t bytes =
          hx_scratch_variant(variant, full, hx_conv_least(&p, 4), hx_conv_least(&p, 1));
      check_variant(tally, &p, input, filter, bias, has_bias, misalign, bytes, &insns[variant]);
    }
  }
  tally->insns_cortex_m = insns[2];
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
    uint64_t portable = 0, with = 0, without = 0, macs;
    int exact;
    hx_conv_layer(&p, s->h, s->w, s->in_c, s->out_c, s->kh, s->kw, s->stride, s->pad_h, s->pad_w,
                  s->out_h, s->out_w, s->dead);
    macs = (uint64_t)hx_volume(p.output) * (uint64_t)(s->kh * s->kw * s->in_c);
    hx_poison(reference, candidate, hx_volume(p.output));
    HX_MEASURE(portable, edgec_conv2d_s8_portable(&p, hx_conv_input, hx_conv_filter, hx_conv_bias,
                                                  reference, 0, 0));
    exact = check_variant(tally, &p, hx_conv_input, hx_conv_filter, hx_conv_bias, 1, 0,
                          full_scratch(&p), &with);
    hx_bench_report("conv2d_s8", s->name, macs, portable, with, exact);
    exact = check_variant(tally, &p, hx_conv_input, hx_conv_filter, hx_conv_bias, 1, 0, 0, &without);
    hx_bench_report("conv2d_s8 scratch-free", s->name, macs, portable, without, exact);
  }
}

int hx_suite_conv2d(void) {
  hx_tally random = {"edgec_conv2d_s8 random", 0, 0, 0, 0, 0};
  hx_tally shapes_tally = {"edgec_conv2d_s8 MLPerf shapes", 0, 0, 0, 0, 0};
  hx_line line;
  hx_seed(0xC0DE2D01u);
  random_cases(&random);
  hx_tally_report(&random);
  hx_line_start(&line, "edgec_conv2d_s8 random by scratch: none ");
  hx_line_int(&line, (int64_t)insns[0]);
  hx_line_text(&line, ", part ");
  hx_line_int(&line, (int64_t)insns[1]);
  hx_line_text(&line, ", full ");
  hx_line_int(&line, (int64_t)insns[2]);
  hx_line_text(&line, " insns");
  hx_line_end(&line);
  bench(&shapes_tally);
  return (int)(random.mismatches + shapes_tally.mismatches);
}
