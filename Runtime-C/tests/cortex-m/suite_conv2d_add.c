/*
 * CONV_2D with a fused residual ADD: the cortex-m edgec_conv2d_add_s8
 * against the portable edgec_conv2d_s8 followed by the portable edgec_add_s8
 * (the two operators it replaces), on the random convolutions of
 * conv2d_cases.c with random ADD quantization. Every case runs in place
 * (output == skip, as the compiler emits it) and into a separate output,
 * each with no scratch, a random part of the full-speed scratch and all of
 * it. Then ResNet-8's residual blocks, with and without scratch.
 */
#include <string.h>

#include "conv2d_cases.h"
#include "edgec/kernels.h"
#include "edgec_cm_dsp.h"
#include "harness.h"

void edgec_conv2d_s8_portable(const edgec_conv2d_s8_params *p, const int8_t *input,
                              const int8_t *filter, const int32_t *bias, int8_t *output,
                              void *scratch, int32_t scratch_bytes);
void edgec_add_s8_portable(const edgec_add_s8_params *p, const int8_t *input1,
                           const int8_t *input2, int8_t *output);

#define RANDOM_CASES 300

static int8_t skip_buf[HX_CONV_MAX_OUTPUT];
static int8_t conv_values[HX_CONV_MAX_OUTPUT];
static int8_t reference[HX_CONV_MAX_OUTPUT + HX_GUARD];
static int8_t candidate[HX_CONV_MAX_OUTPUT + HX_GUARD];
static uint64_t insns[3];

/* TFLite's ADD quantization (input multipliers below one after a left
 * shift of 20), with rarer parameters outside the fast epilogue's range. */
static void random_add(edgec_residual_s8 *a) {
  a->conv_offset = hx_chance(30) ? 128 : hx_range(-127, 128);
  a->skip_offset = hx_chance(30) ? 128 : hx_range(-127, 128);
  a->output_offset = hx_range(-128, 127);
  a->left_shift = 20;
  a->conv_multiplier = hx_range(1 << 30, 0x7FFFFFFF);
  a->conv_shift = hx_range(-3, 0);
  a->skip_multiplier = hx_range(1 << 30, 0x7FFFFFFF);
  a->skip_shift = hx_range(-3, 0);
  a->output_multiplier = hx_range(1 << 30, 0x7FFFFFFF);
  a->output_shift = hx_range(-22, -15);
  a->act_min = -128;
  a->act_max = 127;
  if (hx_chance(25)) { /* ReLU after the ADD */
    a->act_min = hx_range(-128, 0);
    a->act_max = hx_range(a->act_min, 127);
  }
  if (hx_chance(8)) a->conv_shift = hx_range(1, 2);   /* the exact epilogue */
  if (hx_chance(5)) a->output_shift = hx_range(0, 2); /* the exact epilogue */
}

static void add_params(const edgec_residual_s8 *a, int32_t count, edgec_add_s8_params *add) {
  memset(add, 0, sizeof *add);
  add->broadcast.rank = 1;
  add->broadcast.dims[0] = count;
  add->broadcast.stride1[0] = add->broadcast.stride2[0] = 1;
  add->input1_offset = a->conv_offset;
  add->input2_offset = a->skip_offset;
  add->output_offset = a->output_offset;
  add->left_shift = a->left_shift;
  add->input1_multiplier = a->conv_multiplier;
  add->input1_shift = a->conv_shift;
  add->input2_multiplier = a->skip_multiplier;
  add->input2_shift = a->skip_shift;
  add->output_multiplier = a->output_multiplier;
  add->output_shift = a->output_shift;
  add->act_min = a->act_min;
  add->act_max = a->act_max;
}

/* The reference: portable CONV_2D, then portable ADD; returns the instructions. */
static uint64_t reference_run(const edgec_conv2d_add_s8_params *p, const int8_t *input,
                              const int8_t *filter, const int32_t *bias) {
  const int32_t count = hx_volume(p->conv.output);
  edgec_add_s8_params add;
  uint64_t spent = 0;
  int32_t i;
  add_params(&p->add, count, &add);
  for (i = 0; i < count + HX_GUARD; ++i) reference[i] = (int8_t)0x5A;
  HX_MEASURE(spent, edgec_conv2d_s8_portable(&p->conv, input, filter, bias, conv_values, 0, 0));
  HX_MEASURE(spent, edgec_add_s8_portable(&add, conv_values, skip_buf, reference));
  return spent;
}

/* The fused kernel in place (over a copy of the skip tensor) or not. */
static int check(hx_tally *tally, const edgec_conv2d_add_s8_params *p, const int8_t *input,
                 const int8_t *filter, const int32_t *bias, int has_bias, int misalign,
                 int in_place, int32_t bytes, uint64_t *count) {
  const int32_t n = hx_volume(p->conv.output);
  char text[240];
  int32_t i;
  int bad;
  for (i = 0; i < n + HX_GUARD; ++i) candidate[i] = (int8_t)(i < n ? i * 7 + 3 : 0x5A);
  if (in_place) memcpy(candidate, skip_buf, (size_t)n);
  hx_scratch_poison(bytes);
  HX_MEASURE(*count, edgec_conv2d_add_s8(p, input, filter, bias, in_place ? candidate : skip_buf,
                                         candidate, bytes > 0 ? hx_scratch : 0, bytes));
  hx_conv_describe(text, &p->conv, has_bias, misalign, bytes);
  bad = hx_check(tally, reference, candidate, n, text) >= 0;
  if (!hx_scratch_intact(bytes)) {
    hx_line line;
    hx_line_start(&line, "SCRATCH OVERRUN edgec_conv2d_add_s8: ");
    hx_line_text(&line, text);
    hx_line_end(&line);
    tally->mismatches++;
    bad = 1;
  }
  return !bad;
}

static int32_t full_scratch(const edgec_conv2d_s8_params *p) {
  return edgec_cm_conv_scratch_bytes(p->filter.h, p->filter.w, p->input.c, p->filter.c,
                                     p->output.c);
}

static void random_cases(hx_tally *tally) {
  int done, variant;
  for (done = 0; done < RANDOM_CASES; ++done) {
    edgec_conv2d_add_s8_params p;
    int has_bias, misalign;
    const int8_t *input, *filter;
    const int32_t *bias;
    int32_t full, count;
    hx_conv_random_case(&p.conv, &has_bias, &misalign);
    random_add(&p.add);
    input = hx_conv_input + (misalign & 3);
    filter = hx_conv_filter + ((misalign >> 2) & 3);
    bias = has_bias ? hx_conv_bias : 0;
    count = hx_volume(p.conv.output);
    hx_fill_s8(skip_buf, count, -128, 127);
    full = full_scratch(&p.conv);
    tally->macs +=
        (uint64_t)count * (uint64_t)(p.conv.filter.h * p.conv.filter.w * p.conv.filter.c);
    tally->insns_portable += reference_run(&p, input, filter, bias);
    for (variant = 0; variant < 3; ++variant) {
      const int32_t bytes = hx_scratch_variant(variant, full, hx_conv_least(&p.conv, 4),
                                               hx_conv_least(&p.conv, 1));
      check(tally, &p, input, filter, bias, has_bias, misalign, 1, bytes, &insns[variant]);
      check(tally, &p, input, filter, bias, has_bias, misalign, 0, bytes, &insns[variant]);
    }
  }
  tally->insns_cortex_m = insns[2] / 2;
}

/* ResNet-8's residual blocks: the second 3x3 convolution of each stack with
 * the stack's input (or its 1x1 projection) added. */
static void bench(hx_tally *tally) {
  static const struct {
    const char *name;
    int32_t size, channels;
  } blocks[] = {{"resnet8 32x32x16 3x3 ->16 + add", 32, 16},
                {"resnet8 16x16x32 3x3 ->32 + add", 16, 32},
                {"resnet8 8x8x64 3x3 ->64 + add", 8, 64}};
  size_t i;
  for (i = 0; i < sizeof blocks / sizeof blocks[0]; ++i) {
    const int32_t s = blocks[i].size, c = blocks[i].channels;
    edgec_conv2d_add_s8_params p;
    uint64_t portable, with = 0, without = 0, macs;
    int exact;
    hx_conv_layer(&p.conv, s, s, c, c, 3, 3, 1, 1, 1, s, s, 0);
    random_add(&p.add);
    p.add.conv_shift = p.add.skip_shift = 0;
    p.add.output_shift = -19;
    p.add.act_min = -128; /* ResNet-8's ReLU after the ADD: the output zero point */
    p.add.act_max = 127;
    hx_fill_s8(skip_buf, s * s * c, -128, 127);
    macs = (uint64_t)(s * s * c) * (uint64_t)(9 * c);
    portable = reference_run(&p, hx_conv_input, hx_conv_filter, hx_conv_bias);
    exact = check(tally, &p, hx_conv_input, hx_conv_filter, hx_conv_bias, 1, 0, 1,
                  full_scratch(&p.conv), &with);
    hx_bench_report("conv2d_add_s8 (in place)", blocks[i].name, macs, portable, with, exact);
    exact = check(tally, &p, hx_conv_input, hx_conv_filter, hx_conv_bias, 1, 0, 1, 0, &without);
    hx_bench_report("conv2d_add_s8 (in place) scratch-free", blocks[i].name, macs, portable,
                    without, exact);
  }
}

int hx_suite_conv2d_add(void) {
  hx_tally random = {"edgec_conv2d_add_s8 random", 0, 0, 0, 0, 0};
  hx_tally blocks = {"edgec_conv2d_add_s8 ResNet-8 blocks", 0, 0, 0, 0, 0};
  hx_line line;
  hx_seed(0xADD2C0DEu);
  random_cases(&random);
  hx_tally_report(&random);
  hx_line_start(&line, "edgec_conv2d_add_s8 random by scratch (in place and not): none ");
  hx_line_int(&line, (int64_t)insns[0]);
  hx_line_text(&line, ", part ");
  hx_line_int(&line, (int64_t)insns[1]);
  hx_line_text(&line, ", full ");
  hx_line_int(&line, (int64_t)insns[2]);
  hx_line_text(&line, " insns");
  hx_line_end(&line);
  bench(&blocks);
  return (int)(random.mismatches + blocks.mismatches);
}
