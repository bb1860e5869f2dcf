/*
 * FULLY_CONNECTED: the cortex-m edgec_fully_connected_s8 against the portable
 * one (symbol renamed to edgec_fully_connected_s8_portable) on random shapes,
 * both rounding modes, per-tensor and per-channel quantization, then on the
 * MLPerf Tiny layer shapes.
 */
#include <string.h>

#include "conv2d_cases.h"
#include "edgec/kernels.h"
#include "edgec_cm_dsp.h"
#include "harness.h"

void edgec_fully_connected_s8_portable(const edgec_fully_connected_s8_params *p,
                                       const int8_t *input, const int8_t *filter,
                                       const int32_t *bias, int8_t *output, void *scratch,
                                       int32_t scratch_bytes);

#define MAX_INPUT 32768
#define MAX_FILTER 98304
#define MAX_OUTPUT 16384
#define MAX_CHANNELS 1024
#define RANDOM_CASES 600

static int8_t input_buf[MAX_INPUT + 4];
static int8_t filter_buf[MAX_FILTER + 4];
static int8_t reference[MAX_OUTPUT + HX_GUARD];
static int8_t candidate[MAX_OUTPUT + HX_GUARD];
static int32_t bias_buf[MAX_CHANNELS];
static int32_t multiplier_buf[MAX_CHANNELS];
static int32_t shift_buf[MAX_CHANNELS];
static int32_t real_scale_buf[2 * MAX_CHANNELS];

/* Instructions of the cortex-m runs by scratch variant: none, part, full. */
static uint64_t insns[3];

static void describe(char *text, const edgec_fully_connected_s8_params *p, int has_bias,
                     int misalign, int32_t scratch_bytes) {
  hx_line line;
  int i;
  hx_line_start(&line, "batches ");
  hx_line_int(&line, p->batches);
  hx_line_text(&line, " depth ");
  hx_line_int(&line, p->accum_depth);
  hx_line_text(&line, " outputs ");
  hx_line_int(&line, p->output_depth);
  hx_line_text(&line, " off ");
  hx_line_int(&line, p->input_offset);
  hx_line_text(&line, ",");
  hx_line_int(&line, p->filter_offset);
  hx_line_text(&line, ",");
  hx_line_int(&line, p->output_offset);
  hx_line_text(&line, " act ");
  hx_line_int(&line, p->act_min);
  hx_line_text(&line, ",");
  hx_line_int(&line, p->act_max);
  hx_line_text(&line, p->per_channel ? " per-channel" : " per-tensor");
  hx_line_text(&line, p->rounding == EDGEC_ROUND_SINGLE ? " single-rounding" : " double-rounding");
  hx_line_text(&line, has_bias ? " bias" : " nobias");
  hx_line_text(&line, " misalign ");
  hx_line_int(&line, misalign);
  hx_line_text(&line, " scratch ");
  hx_line_int(&line, scratch_bytes);
  for (i = 0; i <= line.length; ++i) text[i] = line.text[i];
}

static void random_quantization(int32_t channels, int extremes) {
  int32_t c;
  for (c = 0; c < channels; ++c) {
    double scale = (double)hx_range(1, 1 << 20) / (double)(1 << 26);
    uint64_t bits;
    multiplier_buf[c] = hx_range(1 << 30, 0x7FFFFFFF);
    shift_buf[c] = hx_range(-12, extremes ? 1 : 0);
    if (extremes && hx_chance(10)) shift_buf[c] = hx_range(-31, 12);
    if (extremes && hx_chance(3)) multiplier_buf[c] = hx_chance(50) ? 0 : hx_range(0, 0x7FFFFFFF);
    memcpy(&bits, &scale, sizeof bits);
    real_scale_buf[2 * c] = (int32_t)(uint32_t)bits;
    real_scale_buf[2 * c + 1] = (int32_t)(uint32_t)(bits >> 32);
  }
}

/* The portable kernel once, then the cortex-m one with each scratch
 * variant (none, a random part, all: `variants` of them from the first);
 * returns 1 if every run was equal. */
static int run_case(hx_tally *tally, const edgec_fully_connected_s8_params *p, int has_bias,
                    int misalign, uint64_t *portable, uint64_t *cortex_m, int first, int last) {
  const int8_t *input = input_buf + (misalign & 3);
  const int8_t *filter = filter_buf + ((misalign >> 2) & 3);
  const int32_t *bias = has_bias ? bias_buf : NULL;
  const int32_t count = p->batches * p->output_depth;
  const int32_t full = edgec_cm_fc_scratch_bytes(p->batches, p->accum_depth, p->output_depth);
  const int32_t least = full == 0 ? 0
                                  : full - 36 * (p->output_depth - (p->output_depth < 4 ? p->output_depth : 4));
  char text[240];
  int variant, all = 1;
  hx_poison(reference, candidate, count);
  HX_MEASURE(*portable, edgec_fully_connected_s8_portable(p, input, filter, bias, reference, NULL, 0));
  for (variant = first; variant <= last; ++variant) {
    const int32_t bytes = hx_scratch_variant(variant, full, least, least);
    int32_t i;
    for (i = 0; i < count; ++i) candidate[i] = (int8_t)(i * 7 + 3);
    hx_scratch_poison(bytes);
    HX_MEASURE(cortex_m[variant], edgec_fully_connected_s8(p, input, filter, bias, candidate,
                                                           bytes > 0 ? hx_scratch : NULL, bytes));
    describe(text, p, has_bias, misalign, bytes);
    if (hx_check(tally, reference, candidate, count, text) >= 0) all = 0;
    if (!hx_scratch_intact(bytes)) {
      hx_line line;
      hx_line_start(&line, "SCRATCH OVERRUN edgec_fully_connected_s8: ");
      hx_line_text(&line, text);
      hx_line_end(&line);
      tally->mismatches++;
      all = 0;
    }
  }
  return all;
}

static void base_params(edgec_fully_connected_s8_params *p, int32_t batches, int32_t depth,
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
  p->multiplier = multiplier_buf;
  p->shift = shift_buf;
  p->real_scale = NULL;
}

static void random_cases(hx_tally *tally) {
  int done = 0;
  while (done < RANDOM_CASES) {
    edgec_fully_connected_s8_params p;
    int32_t batches = hx_chance(40) ? hx_range(2, 9) : 1;
    int32_t depth = hx_chance(30) ? 4 * hx_range(1, 64) : hx_range(1, 300);
    if (hx_chance(25)) depth = 8 << hx_range(0, 4); /* the fused row loops' depths */
    int32_t outputs = hx_range(1, 70);
    if (hx_chance(10)) { /* wider than twice the depth: the row widened into the output */
      depth = 8 * hx_range(1, 8);
      outputs = 4 * hx_range(depth / 2 + 1, depth / 2 + 12);
    }
    int has_bias, misalign;
    if (hx_chance(5)) depth = hx_range(2000, 3300); /* deep rows */
    if ((int64_t)batches * depth > MAX_INPUT || (int64_t)outputs * depth > MAX_FILTER) continue;
    if ((int64_t)batches * depth * outputs > 120000) continue;
    base_params(&p, batches, depth, outputs);
    p.input_offset = hx_chance(30) ? 128 : hx_range(-127, 128);
    p.output_offset = hx_range(-128, 127);
    if (hx_chance(35)) { /* as TFLite's converter makes them: the fused row loops */
      random_quantization(1, 0);
    } else {
      if (!hx_chance(60)) {
        p.act_min = hx_range(-128, 20);
        p.act_max = hx_range(p.act_min, 127);
      }
      p.per_channel = hx_chance(50);
      if (!p.per_channel && hx_chance(15)) p.filter_offset = hx_range(-127, 128);
      if (hx_chance(10)) {
        p.rounding = EDGEC_ROUND_SINGLE;
        p.real_scale = real_scale_buf;
      }
      random_quantization(p.per_channel ? outputs : 1, hx_chance(50));
    }
    {
      int32_t c, magnitude = hx_chance(5) ? 0x7FFFFFFF : (hx_chance(50) ? 1 << 20 : 1 << 12);
      for (c = 0; c < outputs; ++c) bias_buf[c] = hx_range(-magnitude, magnitude);
    }
    if (hx_chance(15)) { /* unused channels: bias about +-2^30, shift -20 to -31 */
      int32_t c;
      for (c = 0; c < outputs; ++c) {
        if (hx_chance(40)) bias_buf[c] = (hx_chance(50) ? 1 : -1) * ((1 << 30) + hx_range(-256, 256));
      }
      if (p.per_channel) {
        for (c = 0; c < outputs; ++c) {
          if (hx_chance(40)) shift_buf[c] = hx_range(-31, -20);
        }
      }
    }
    has_bias = !hx_chance(10);
    misalign = hx_chance(75) ? 0 : hx_range(1, 15);
    hx_fill_s8(input_buf, batches * depth + 4, -128, 127);
    hx_fill_s8(filter_buf, outputs * depth + 4, hx_chance(10) ? -128 : -127, 127);
    tally->macs += (uint64_t)batches * (uint64_t)depth * (uint64_t)outputs;
    run_case(tally, &p, has_bias, misalign, &tally->insns_portable, insns, 0, 2);
    done++;
  }
}

typedef struct {
  const char *name;
  int32_t batches, depth, outputs;
} shape;

static const shape shapes[] = {
    {"ad01 640->128", 1, 640, 128}, {"ad01 128->128", 1, 128, 128}, {"ad01 128->8", 1, 128, 8},
    {"ad01 8->128", 1, 8, 128},     {"ad01 128->640", 1, 128, 640}, {"kws 64->12", 1, 64, 12},
    {"vww 256->2", 1, 256, 2},      {"resnet8 64->10", 1, 64, 10},  {"batch 16 128->64", 16, 128, 64},
};

static void bench(hx_tally *tally) {
  size_t i;
  for (i = 0; i < sizeof shapes / sizeof shapes[0]; ++i) {
    const shape *s = &shapes[i];
    edgec_fully_connected_s8_params p;
    uint64_t portable = 0;
    int exact;
    int32_t c;
    base_params(&p, s->batches, s->depth, s->outputs);
    p.input_offset = i == 0 ? -89 : 128;
    random_quantization(1, 0);
    shift_buf[0] = hx_range(-10, -5);
    for (c = 0; c < s->outputs; ++c) bias_buf[c] = hx_range(-(1 << 14), 1 << 14);
    hx_fill_s8(input_buf, s->batches * s->depth, -128, 127);
    hx_fill_s8(filter_buf, s->outputs * s->depth, -127, 127);
    {
      uint64_t runs[3] = {0, 0, 0};
      exact = run_case(tally, &p, 1, 0, &portable, runs, 2, 2);
      hx_bench_report("fully_connected_s8", s->name, (uint64_t)s->batches * s->depth * s->outputs,
                      portable, runs[2], exact);
      portable = 0;
      exact = run_case(tally, &p, 1, 0, &portable, runs, 0, 0);
      hx_bench_report("fully_connected_s8 scratch-free", s->name,
                      (uint64_t)s->batches * s->depth * s->outputs, portable, runs[0], exact);
    }
  }
}

int hx_suite_fully_connected(void) {
  hx_tally random = {"edgec_fully_connected_s8 random", 0, 0, 0, 0, 0};
  hx_tally shapes_tally = {"edgec_fully_connected_s8 MLPerf shapes", 0, 0, 0, 0, 0};
  hx_seed(0xFC0FC0FCu);
  random_cases(&random);
  random.insns_cortex_m = insns[2];
  hx_tally_report(&random);
  {
    hx_line line;
    hx_line_start(&line, "edgec_fully_connected_s8 random by scratch: none ");
    hx_line_int(&line, (int64_t)insns[0]);
    hx_line_text(&line, ", part ");
    hx_line_int(&line, (int64_t)insns[1]);
    hx_line_text(&line, ", full ");
    hx_line_int(&line, (int64_t)insns[2]);
    hx_line_text(&line, " insns");
    hx_line_end(&line);
  }
  bench(&shapes_tally);
  return (int)(random.mismatches + shapes_tally.mismatches);
}
