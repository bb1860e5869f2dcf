/*
 * Random CONV_2D cases shared by the conv2d and conv2d_add suites
 * (conv2d_cases.h).
 */
#include "conv2d_cases.h"

#include "harness.h"

int8_t hx_conv_input[HX_CONV_MAX_INPUT + 4];
int8_t hx_conv_filter[HX_CONV_MAX_FILTER + 4];
int32_t hx_conv_bias[HX_CONV_MAX_CHANNELS];
int32_t hx_conv_multiplier[HX_CONV_MAX_CHANNELS];
int32_t hx_conv_shift[HX_CONV_MAX_CHANNELS];
uint32_t hx_scratch[HX_SCRATCH_WORDS + 4];

int32_t hx_volume(edgec_dims d) { return d.n * d.h * d.w * d.c; }

/* Per-channel quantization as TFLite's QuantizeMultiplier makes it: Q31
 * multipliers in [2^30, 2^31) and small shifts, with rarer extremes. */
static void random_quantization(int32_t channels, int extremes) {
  int32_t c;
  for (c = 0; c < channels; ++c) {
    hx_conv_multiplier[c] = hx_range(1 << 30, 0x7FFFFFFF);
    hx_conv_shift[c] = hx_range(-12, extremes ? 1 : 0);
    if (extremes && hx_chance(10)) hx_conv_shift[c] = hx_range(-31, 12);
    if (extremes && hx_chance(3)) {
      hx_conv_multiplier[c] = hx_chance(50) ? 0 : hx_range(0, 0x7FFFFFFF);
    }
  }
}

static void random_bias(int32_t channels, int32_t magnitude) {
  int32_t c;
  for (c = 0; c < channels; ++c) hx_conv_bias[c] = hx_range(-magnitude, magnitude);
}

/* Unused channels as TFLite's converter leaves them (most of VWW's later
 * layers): a bias of about +-2^30 and a shift of -20 to -31. */
static void dead_channels(int32_t channels) {
  int32_t c;
  for (c = 0; c < channels; ++c) {
    if (hx_chance(40)) {
      hx_conv_bias[c] = (hx_chance(50) ? 1 : -1) * ((1 << 30) + hx_range(-256, 256));
      hx_conv_shift[c] = hx_range(-31, -20);
    }
  }
}

/* A random shape; 0 when the draw does not fit the buffers. */
static int random_shape(edgec_conv2d_s8_params *p) {
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
  } else if (kind == 5 && hx_chance(30)) { /* deep: chunks in a partial scratch */
    p->filter.h = p->filter.w = 1;
    in_c = hx_range(560, 900);
    p->input.h = hx_range(1, 3);
    p->input.w = hx_range(1, 3);
    out_c = hx_range(1, 8);
  } else if (kind == 6 && hx_chance(50)) { /* 3x3, whole groups: the pair loop */
    in_c = 4 * hx_range(1, 12);
    out_c = 4 * hx_range(1, 8) + (hx_chance(30) ? hx_range(1, 3) : 0);
    p->filter.h = p->filter.w = 3;
    p->stride_h = p->stride_w = hx_chance(70) ? 1 : 2;
    p->dilation_h = p->dilation_w = 1;
    p->input.h = hx_range(3, 14);
    p->input.w = hx_range(3, 14);
  }
  if (kind >= 7 && hx_chance(12)) { /* grouped */
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
  if (hx_volume(p->input) > HX_CONV_MAX_INPUT || hx_volume(p->filter) > HX_CONV_MAX_FILTER) return 0;
  if (hx_volume(p->output) > HX_CONV_MAX_OUTPUT) return 0;
  if ((int64_t)hx_volume(p->output) * p->filter.h * p->filter.w * p->filter.c > 150000) return 0;
  p->input_offset = hx_chance(30) ? 128 : hx_range(-127, 128);
  p->output_offset = hx_chance(30) ? -128 : hx_range(-128, 127);
  if (hx_chance(60)) {
    p->act_min = -128;
    p->act_max = 127;
  } else {
    p->act_min = hx_range(-128, 20);
    p->act_max = hx_range(p->act_min, 127);
  }
  p->multiplier = hx_conv_multiplier;
  p->shift = hx_conv_shift;
  return 1;
}

void hx_conv_random_case(edgec_conv2d_s8_params *p, int *has_bias, int *misalign) {
  while (!random_shape(p)) {
  }
  /* Half the cases quantized as TFLite's converter does (shifts <= 0),
   * which the kernels' fastest paths take; half with every corner. */
  random_quantization(p->output.c, hx_chance(50));
  random_bias(p->output.c, hx_chance(5) ? 0x7FFFFFFF : (hx_chance(50) ? 1 << 20 : 1 << 12));
  if (hx_chance(15)) dead_channels(p->output.c);
  *has_bias = !hx_chance(10);
  *misalign = hx_chance(75) ? 0 : hx_range(1, 15);
  hx_fill_s8(hx_conv_input, hx_volume(p->input) + 4, -128, 127);
  if (hx_chance(25)) { /* ReLU-like: mostly the zero point */
    int32_t i;
    for (i = 0; i < hx_volume(p->input) + 4; ++i) {
      if (hx_chance(60)) hx_conv_input[i] = (int8_t)(-p->input_offset < -128 ? -128 : -p->input_offset);
    }
  }
  hx_fill_s8(hx_conv_filter, hx_volume(p->filter) + 4, hx_chance(10) ? -128 : -127, 127);
}

void hx_conv_layer(edgec_conv2d_s8_params *p, int32_t h, int32_t w, int32_t in_c, int32_t out_c,
                   int32_t kh, int32_t kw, int32_t stride, int32_t pad_h, int32_t pad_w,
                   int32_t out_h, int32_t out_w, int32_t dead) {
  int32_t c;
  p->input.n = 1;
  p->input.h = h;
  p->input.w = w;
  p->input.c = in_c;
  p->filter.n = out_c;
  p->filter.h = kh;
  p->filter.w = kw;
  p->filter.c = in_c;
  p->output.n = 1;
  p->output.h = out_h;
  p->output.w = out_w;
  p->output.c = out_c;
  p->stride_h = p->stride_w = stride;
  p->dilation_h = p->dilation_w = 1;
  p->pad_h = pad_h;
  p->pad_w = pad_w;
  p->input_offset = 128;
  p->output_offset = -128;
  p->act_min = -128;
  p->act_max = 127;
  p->multiplier = hx_conv_multiplier;
  p->shift = hx_conv_shift;
  random_quantization(out_c, 0);
  for (c = 0; c < out_c; ++c) hx_conv_shift[c] = hx_range(-10, -5);
  random_bias(out_c, 1 << 14);
  for (c = 0; c < out_c; ++c) {
    if (hx_range(0, 99) < dead) {
      hx_conv_bias[c] = (hx_chance(50) ? 1 : -1) * (1 << 30);
      hx_conv_shift[c] = hx_range(-30, -25);
    }
  }
  hx_fill_s8(hx_conv_input, hx_volume(p->input), -128, 127);
  hx_fill_s8(hx_conv_filter, hx_volume(p->filter), -127, 127);
}

static void dims(hx_line *line, edgec_dims d) {
  hx_line_int(line, d.n);
  hx_line_text(line, "x");
  hx_line_int(line, d.h);
  hx_line_text(line, "x");
  hx_line_int(line, d.w);
  hx_line_text(line, "x");
  hx_line_int(line, d.c);
}

void hx_conv_describe(char *text, const edgec_conv2d_s8_params *p, int has_bias, int misalign,
                      int32_t scratch_bytes) {
  hx_line line;
  int i;
  hx_line_start(&line, "in ");
  dims(&line, p->input);
  hx_line_text(&line, " filter ");
  dims(&line, p->filter);
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
  hx_line_text(&line, " scratch ");
  hx_line_int(&line, scratch_bytes);
  for (i = 0; i <= line.length; ++i) text[i] = line.text[i];
}

int32_t hx_scratch_variant(int variant, int32_t full, int32_t block_least, int32_t row_least) {
  if (variant == 0 || full == 0) return 0;
  if (variant == 2) return full;
  if (hx_chance(40) && block_least > 0) { /* a block path's edge, either side */
    return (hx_chance(50) ? block_least : row_least) - (hx_chance(50) ? 4 : 0);
  }
  return 4 * hx_range(0, full / 4 - 1);
}

int32_t hx_conv_least(const edgec_conv2d_s8_params *p, int32_t columns) {
  const int32_t groups = (p->filter.h * p->filter.w * p->filter.c + 3) / 4;
  const int32_t channels = p->output.c < 4 ? p->output.c : 4;
  if (p->filter.c != p->input.c) return 0;
  return 4 * (2 * columns * groups + (p->input.c % 4 != 0 ? groups : 0) + 9 * channels);
}

void hx_scratch_poison(int32_t bytes) {
  int32_t i;
  for (i = 0; i < HX_SCRATCH_WORDS + 4; ++i) hx_scratch[i] = 0xDEADBEEFu ^ (uint32_t)i;
  (void)bytes;
}

int hx_scratch_intact(int32_t bytes) {
  int32_t i;
  for (i = (bytes + 3) / 4; i < (bytes + 3) / 4 + 4 && i < HX_SCRATCH_WORDS + 4; ++i) {
    if (hx_scratch[i] != (0xDEADBEEFu ^ (uint32_t)i)) return 0;
  }
  return 1;
}
