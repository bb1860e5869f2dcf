/*
 * AVERAGE_POOL_2D, MAX_POOL_2D and SOFTMAX: the cortex-m kernels against the
 * portable ones. Pools on random shapes (odd channel counts, windows clipped
 * by padding or empty, global pools up to 400 taps, saturated inputs);
 * softmax on depths 2..1000, rows 1..8, input scalings from tiny to extreme,
 * diff_min anywhere from above 0 to INT32_MIN; then the MLPerf Tiny shapes.
 */
#include <string.h>

#include "edgec/kernels.h"
#include "harness.h"

void edgec_avg_pool_s8_portable(const edgec_pool_s8_params *p, const int8_t *input,
                                int8_t *output);
void edgec_max_pool_s8_portable(const edgec_pool_s8_params *p, const int8_t *input,
                                int8_t *output);
void edgec_softmax_s8_portable(const edgec_softmax_s8_params *p, const int8_t *input,
                               int8_t *output);

#define MAX_ELEMENTS 32000
#define POOL_CASES 1000
#define SOFTMAX_CASES 500

static int8_t input_buf[MAX_ELEMENTS + 4];
static int8_t reference[MAX_ELEMENTS + HX_GUARD];
static int8_t candidate[MAX_ELEMENTS + HX_GUARD];

static int32_t volume(edgec_dims d) { return d.n * d.h * d.w * d.c; }

static void describe_pool(char *text, const char *op, const edgec_pool_s8_params *p) {
  hx_line line;
  int i;
  hx_line_start(&line, op);
  hx_line_text(&line, " in ");
  hx_line_int(&line, p->input.n);
  hx_line_text(&line, "x");
  hx_line_int(&line, p->input.h);
  hx_line_text(&line, "x");
  hx_line_int(&line, p->input.w);
  hx_line_text(&line, "x");
  hx_line_int(&line, p->input.c);
  hx_line_text(&line, " window ");
  hx_line_int(&line, p->filter_h);
  hx_line_text(&line, "x");
  hx_line_int(&line, p->filter_w);
  hx_line_text(&line, " stride ");
  hx_line_int(&line, p->stride_h);
  hx_line_text(&line, ",");
  hx_line_int(&line, p->stride_w);
  hx_line_text(&line, " pad ");
  hx_line_int(&line, p->pad_h);
  hx_line_text(&line, ",");
  hx_line_int(&line, p->pad_w);
  hx_line_text(&line, " act ");
  hx_line_int(&line, p->act_min);
  hx_line_text(&line, ",");
  hx_line_int(&line, p->act_max);
  for (i = 0; i <= line.length; ++i) text[i] = line.text[i];
}

static int pool_case(hx_tally *tally, const edgec_pool_s8_params *p, int average) {
  const int32_t count = volume(p->output);
  char text[240];
  describe_pool(text, average ? "avg" : "max", p);
  hx_poison(reference, candidate, count);
  tally->macs += (uint64_t)count * (uint64_t)(p->filter_h * p->filter_w);
  if (average) {
    HX_MEASURE(tally->insns_portable, edgec_avg_pool_s8_portable(p, input_buf, reference));
    HX_MEASURE(tally->insns_cortex_m, edgec_avg_pool_s8(p, input_buf, candidate));
  } else {
    HX_MEASURE(tally->insns_portable, edgec_max_pool_s8_portable(p, input_buf, reference));
    HX_MEASURE(tally->insns_cortex_m, edgec_max_pool_s8(p, input_buf, candidate));
  }
  return hx_check(tally, reference, candidate, count, text) < 0;
}

static void random_pools(hx_tally *avg, hx_tally *max) {
  int done = 0;
  while (done < POOL_CASES) {
    edgec_pool_s8_params p;
    const int global = hx_chance(20);
    p.input.n = hx_chance(15) ? 2 : 1;
    p.input.h = hx_range(1, 12);
    p.input.w = hx_range(1, 12);
    p.input.c = hx_chance(30) ? hx_range(1, 7) : 4 * hx_range(1, 24) + (hx_chance(25) ? hx_range(1, 3) : 0);
    if (global) {
      if (hx_chance(30)) { /* more taps than an int16 lane holds */
        p.input.h = hx_range(15, 20);
        p.input.w = hx_range(15, 20);
        p.input.c = hx_range(1, 20);
      }
      p.filter_h = p.stride_h = p.input.h;
      p.filter_w = p.stride_w = p.input.w;
      p.pad_h = p.pad_w = 0;
    } else {
      p.filter_h = hx_range(1, 4);
      p.filter_w = hx_range(1, 4);
      p.stride_h = hx_range(1, 3);
      p.stride_w = hx_range(1, 3);
      p.pad_h = hx_range(0, p.filter_h); /* up to a window of padding only */
      p.pad_w = hx_range(0, p.filter_w);
    }
    p.output.n = p.input.n;
    p.output.c = p.input.c;
    p.output.h = (p.input.h + 2 * p.pad_h - p.filter_h) / p.stride_h + 1;
    p.output.w = (p.input.w + 2 * p.pad_w - p.filter_w) / p.stride_w + 1;
    if (p.output.h < 1 || p.output.w < 1) continue;
    if (volume(p.input) > MAX_ELEMENTS || volume(p.output) > MAX_ELEMENTS) continue;
    if (hx_chance(50)) {
      p.act_min = -128;
      p.act_max = 127;
    } else {
      p.act_min = hx_range(-128, 10);
      p.act_max = hx_range(p.act_min, 127);
    }
    hx_fill_s8(input_buf, volume(p.input) + 4, -128, 127);
    if (hx_chance(15)) memset(input_buf, hx_chance(50) ? 0x80 : 0x7F, (size_t)volume(p.input));
    pool_case(done & 1 ? avg : max, &p, done & 1);
    done++;
  }
}

static void random_softmax(hx_tally *tally) {
  int i;
  for (i = 0; i < SOFTMAX_CASES; ++i) {
    edgec_softmax_s8_params p;
    const int32_t kind = hx_range(0, 3);
    int32_t count, k;
    char text[240];
    hx_line line;
    p.depth = kind == 0 ? hx_range(2, 16) : (kind == 1 ? hx_range(2, 100) : hx_range(2, 1000));
    p.outer = hx_range(1, 8);
    /* input_multiplier / left_shift as TFLite's PreprocessSoftmaxScaling makes them. */
    p.input_multiplier = hx_range(1 << 30, 0x7FFFFFFF);
    p.input_left_shift = hx_chance(25) ? hx_range(0, 31) : hx_range(18, 26);
    switch (hx_range(0, 3)) {
      case 0: p.diff_min = -hx_range(0, 300); break;
      case 1: p.diff_min = (int32_t)0x80000000u; break;
      case 2: p.diff_min = 1; break;
      default: p.diff_min = -hx_range(1, 255); break;
    }
    p.output_offset = hx_chance(25) ? hx_range(-128, 127) : -128;
    count = p.outer * p.depth;
    hx_fill_s8(input_buf, count + 4, -128, 127);
    if (hx_chance(20)) memset(input_buf, (int)hx_range(-128, 127), (size_t)count);
    if (hx_chance(25)) {
      for (k = 0; k < count; ++k) input_buf[k] = (int8_t)(input_buf[k] / 32);
    }
    hx_line_start(&line, "softmax outer ");
    hx_line_int(&line, p.outer);
    hx_line_text(&line, " depth ");
    hx_line_int(&line, p.depth);
    hx_line_text(&line, " multiplier ");
    hx_line_int(&line, p.input_multiplier);
    hx_line_text(&line, " left_shift ");
    hx_line_int(&line, p.input_left_shift);
    hx_line_text(&line, " diff_min ");
    hx_line_int(&line, p.diff_min);
    for (k = 0; k <= line.length; ++k) text[k] = line.text[k];
    hx_poison(reference, candidate, count);
    tally->macs += (uint64_t)count;
    HX_MEASURE(tally->insns_portable, edgec_softmax_s8_portable(&p, input_buf, reference));
    HX_MEASURE(tally->insns_cortex_m, edgec_softmax_s8(&p, input_buf, candidate));
    hx_check(tally, reference, candidate, count, text);
  }
}

/* The MLPerf Tiny pools (all global averages) and softmaxes. */
static void bench(hx_tally *tally) {
  static const struct {
    const char *name;
    int32_t h, w, c;
  } pools[] = {{"kws avg 25x5x64", 25, 5, 64}, {"vww avg 3x3x256", 3, 3, 256},
               {"resnet8 avg 8x8x64", 8, 8, 64}};
  static const struct {
    const char *name;
    int32_t depth;
  } softmaxes[] = {{"kws softmax 12", 12}, {"resnet8 softmax 10", 10}, {"vww softmax 2", 2}};
  size_t i;
  for (i = 0; i < sizeof pools / sizeof pools[0]; ++i) {
    edgec_pool_s8_params p;
    uint64_t portable = tally->insns_portable, cortex_m = tally->insns_cortex_m;
    const uint32_t mismatches = tally->mismatches;
    p.input.n = p.output.n = 1;
    p.input.h = p.filter_h = p.stride_h = pools[i].h;
    p.input.w = p.filter_w = p.stride_w = pools[i].w;
    p.input.c = p.output.c = pools[i].c;
    p.output.h = p.output.w = 1;
    p.pad_h = p.pad_w = 0;
    p.act_min = -128;
    p.act_max = 127;
    hx_fill_s8(input_buf, volume(p.input), -128, 127);
    pool_case(tally, &p, 1);
    hx_bench_report("avg_pool_s8 (per tap)", pools[i].name, (uint64_t)volume(p.input),
                    tally->insns_portable - portable, tally->insns_cortex_m - cortex_m,
                    tally->mismatches == mismatches);
  }
  for (i = 0; i < sizeof softmaxes / sizeof softmaxes[0]; ++i) {
    edgec_softmax_s8_params p;
    uint64_t portable = 0, cortex_m = 0;
    p.outer = 1;
    p.depth = softmaxes[i].depth;
    p.input_multiplier = 1717986918;
    p.input_left_shift = 22;
    p.diff_min = -248;
    p.output_offset = -128;
    hx_fill_s8(input_buf, p.depth, -128, 127);
    hx_poison(reference, candidate, p.depth);
    HX_MEASURE(portable, edgec_softmax_s8_portable(&p, input_buf, reference));
    HX_MEASURE(cortex_m, edgec_softmax_s8(&p, input_buf, candidate));
    hx_bench_report("softmax_s8 (per element)", softmaxes[i].name, (uint64_t)p.depth, portable,
                    cortex_m, hx_check(tally, reference, candidate, p.depth, softmaxes[i].name) < 0);
  }
}

int hx_suite_pool_softmax(void) {
  hx_tally avg = {"edgec_avg_pool_s8 random", 0, 0, 0, 0, 0};
  hx_tally max = {"edgec_max_pool_s8 random", 0, 0, 0, 0, 0};
  hx_tally softmax = {"edgec_softmax_s8 random", 0, 0, 0, 0, 0};
  hx_tally shapes = {"pools and softmax, MLPerf shapes", 0, 0, 0, 0, 0};
  hx_seed(0x5007u);
  random_pools(&avg, &max);
  hx_tally_report(&avg);
  hx_tally_report(&max);
  random_softmax(&softmax);
  hx_tally_report(&softmax);
  bench(&shapes);
  return (int)(avg.mismatches + max.mismatches + softmax.mismatches + shapes.mismatches);
}
