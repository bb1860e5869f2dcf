/*
 * edgec_conv2d_s8w4 (Cortex-M, DSP extension): int8 CONV_2D with packed int4
 * weights, bit-exact with the portable kernel (hence with edgec_conv2d_s8 on
 * the unpacked weights). Filter rows are read packed, eight weights a word,
 * through edgec_cm_int4.h's dot products.
 *
 * - With the scratch of edgec_cm_int4_conv_scratch_bytes, each output
 *   pixel's receptive field is widened once into a column (gathered as int8
 *   first, the zero point in the padding, unless its kernel rows are whole
 *   groups of eight inside the input) and every filter row runs against it
 *   in one call (edgec_cm_int4_all_rows), then requantized from per-channel
 *   records made once per call; with room for the column but not for the
 *   sums and records, one call per filter row.
 * - With less (none, at a model's peak step), and for grouped layers, each
 *   dot product widens the input on the fly, over the taps inside the input
 *   only: one run per kernel row when dilation_w is 1 and the filter is as
 *   deep as the input, else one per tap.
 * The sums wrap in uint32_t as the portable kernel's do.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_cm_dot.h"
#include "edgec_cm_int4.h"

static inline int8_t edgec_cm_conv_w4_out(const edgec_conv2d_s8_params *p, uint32_t acc,
                                          const int32_t *bias, int32_t oc) {
  int32_t y;
  if (bias != NULL) acc += (uint32_t)bias[oc];
  y = edgec_cm_int4_requantize((int32_t)acc, p->multiplier[oc], p->shift[oc], p->output_offset);
  return (int8_t)edgec_clamp(y, p->act_min, p->act_max);
}

/* The records of every channel (edgec_cm_int4.h), for sums bounded by
 * depth · 8 · (128 + |input_offset|) plus the bias. */
static void edgec_cm_conv_w4_records(const edgec_conv2d_s8_params *p, const int32_t *bias,
                                     edgec_cm_int4_record *records) {
  const int32_t offset = p->input_offset < 0 ? -p->input_offset : p->input_offset;
  const int64_t products = (int64_t)p->filter.h * p->filter.w * p->filter.c * 8 * (128 + offset);
  int32_t oc;
  for (oc = 0; oc < p->output.c; ++oc) {
    const int64_t b = bias != NULL ? (int64_t)bias[oc] : 0;
    edgec_cm_int4_record_prepare(p->multiplier[oc], p->shift[oc], p->output_offset,
                                 products + (b < 0 ? -b : b), &records[oc]);
  }
}

/* Every output channel of one pixel from its widened column: all the sums
 * first, requantized from the records, when the scratch has room for them
 * (`sums` not NULL), else one dot product at a time. */
static void edgec_cm_conv_w4_column(const edgec_conv2d_s8_params *p, const int8_t *filter,
                                    const int32_t *bias, const uint32_t *column, uint32_t *sums,
                                    const edgec_cm_int4_record *records, int8_t *out) {
  const int32_t depth = p->filter.h * p->filter.w * p->filter.c;
  int32_t oc;
  if (sums != NULL) {
    edgec_cm_int4_all_rows(filter, p->output.c, depth, column, sums);
    for (oc = 0; oc < p->output.c; ++oc) {
      const edgec_cm_int4_record *r = &records[oc];
      const int32_t acc = (int32_t)(sums[oc] + (bias != NULL ? (uint32_t)bias[oc] : 0u));
      const int32_t y =
          r->shift != 0
              ? edgec_cm_requantize((int32_t)((uint32_t)acc << 1), r->multiplier, r->round, r->shift)
              : edgec_multiply_by_quantized_multiplier(acc, p->multiplier[oc], p->shift[oc]) +
                    p->output_offset;
      out[oc] = (int8_t)edgec_clamp(y, p->act_min, p->act_max);
    }
    return;
  }
  for (oc = 0; oc < p->output.c; ++oc) {
    out[oc] = edgec_cm_conv_w4_out(p, edgec_cm_int4_dot_wide(filter, oc * depth, depth, column),
                                   bias, oc);
  }
}

/* The receptive field of the pixel whose top-left tap is (iy0, ix0), as
 * int8 with the zero point in the padding. */
static void edgec_cm_conv_w4_gather(const edgec_conv2d_s8_params *p, const int8_t *image,
                                    int32_t iy0, int32_t ix0, int8_t *field) {
  const int32_t c = p->input.c;
  const uint32_t zero4 = (uint32_t)(uint8_t)(int8_t)(-p->input_offset) * 0x01010101u;
  int32_t ky, kx;
  for (ky = 0; ky < p->filter.h; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    for (kx = 0; kx < p->filter.w; ++kx) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      if (iy < 0 || iy >= p->input.h || ix < 0 || ix >= p->input.w) {
        field = edgec_cm_fill(field, zero4, c);
      } else {
        field = edgec_cm_copy(field, image + (iy * p->input.w + ix) * c, c);
      }
    }
  }
}

static void edgec_cm_conv_w4_wide(const edgec_conv2d_s8_params *p, const int8_t *input,
                                  const int8_t *filter, const int32_t *bias, int8_t *output,
                                  uint32_t *scratch, int with_sums) {
  const edgec_dims in = p->input, f = p->filter, out = p->output;
  const int32_t depth = f.h * f.w * f.c, row_bytes = f.w * in.c;
  const int32_t span_h = (f.h - 1) * p->dilation_h + 1, span_w = (f.w - 1) * p->dilation_w + 1;
  const uint32_t offset_pair = edgec_cm_pair16(p->input_offset);
  /* Kernel rows widened straight from the input: contiguous, whole groups. */
  const int rows_direct = p->dilation_w == 1 && (row_bytes & 7) == 0;
  uint32_t *const column = scratch;
  int8_t *const field = (int8_t *)(scratch + 4 * ((depth + 7) >> 3));
  uint32_t *const sums = with_sums ? scratch + 6 * ((depth + 7) >> 3) : NULL;
  edgec_cm_int4_record *const records =
      (edgec_cm_int4_record *)(void *)(scratch + 6 * ((depth + 7) >> 3) + out.c);
  int32_t b, oy, ox, ky;
  if (with_sums) edgec_cm_conv_w4_records(p, bias, records);
  for (b = 0; b < out.n; ++b) {
    const int8_t *image = input + b * in.h * in.w * in.c;
    for (oy = 0; oy < out.h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      for (ox = 0; ox < out.w; ++ox, output += out.c) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        if (rows_direct && iy0 >= 0 && iy0 + span_h <= in.h && ix0 >= 0 && ix0 + span_w <= in.w) {
          const int8_t *src = image + (iy0 * in.w + ix0) * in.c;
          for (ky = 0; ky < f.h; ++ky, src += p->dilation_h * in.w * in.c) {
            edgec_cm_int4_widen(src, row_bytes, offset_pair, column + ky * (row_bytes >> 1));
          }
        } else {
          edgec_cm_conv_w4_gather(p, image, iy0, ix0, field);
          edgec_cm_int4_widen(field, depth, offset_pair, column);
        }
        edgec_cm_conv_w4_column(p, filter, bias, column, sums, records, output);
      }
    }
  }
}

/* One output element's sum with the input widened on the fly, over the
 * taps inside the input. */
static uint32_t edgec_cm_conv_w4_direct_sum(const edgec_conv2d_s8_params *p, const int8_t *image,
                                            const int8_t *filter, int32_t iy0, int32_t ix0,
                                            int32_t oc, int32_t channel_base,
                                            uint32_t offset_pair) {
  const edgec_dims in = p->input, f = p->filter;
  const int runs = p->dilation_w == 1 && f.c == in.c; /* a kernel row's taps are adjacent */
  int32_t kx0 = 0, kx1 = f.w, ky, kx;
  uint32_t acc = 0;
  if (runs && f.h == 1 && f.w == 1) { /* pointwise: one run, the pixel's channels */
    if (iy0 < 0 || iy0 >= in.h || ix0 < 0 || ix0 >= in.w) return 0u;
    return edgec_cm_int4_dot_direct(filter, oc * f.c, f.c, image + (iy0 * in.w + ix0) * in.c,
                                    offset_pair);
  }
  if (runs) { /* the taps inside the input */
    if (ix0 < 0) kx0 = -ix0 < f.w ? -ix0 : f.w;
    if (ix0 + f.w > in.w) kx1 = in.w - ix0 > kx0 ? in.w - ix0 : kx0;
  }
  for (ky = 0; ky < f.h; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    const int32_t w = (oc * f.h + ky) * f.w; /* tap index of (ky, 0) */
    if (iy < 0 || iy >= in.h) continue;
    if (runs) {
      if (kx1 > kx0) {
        acc += edgec_cm_int4_dot_direct(filter, (w + kx0) * f.c, (kx1 - kx0) * f.c,
                                        image + (iy * in.w + ix0 + kx0) * in.c, offset_pair);
      }
      continue;
    }
    for (kx = 0; kx < f.w; ++kx) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      if (ix < 0 || ix >= in.w) continue;
      acc += edgec_cm_int4_dot_direct(filter, (w + kx) * f.c, f.c,
                                      image + (iy * in.w + ix) * in.c + channel_base, offset_pair);
    }
  }
  return acc;
}

/* Channels oc and oc + 1 at one pixel (a filter as deep as the input, even
 * in_c, dilation_w 1): each run of taps widened once for both rows. */
static void edgec_cm_conv_w4_direct_sum2(const edgec_conv2d_s8_params *p, const int8_t *image,
                                         const int8_t *filter, int32_t iy0, int32_t ix0,
                                         int32_t oc, uint32_t offset_pair, uint32_t *sums) {
  const edgec_dims in = p->input, f = p->filter;
  const int32_t depth = f.h * f.w * f.c;
  int32_t kx0 = 0, kx1 = f.w, ky;
  sums[0] = sums[1] = 0;
  if (ix0 < 0) kx0 = -ix0 < f.w ? -ix0 : f.w;
  if (ix0 + f.w > in.w) kx1 = in.w - ix0 > kx0 ? in.w - ix0 : kx0;
  if (kx1 <= kx0) return;
  for (ky = 0; ky < f.h; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    if (iy < 0 || iy >= in.h) continue;
    edgec_cm_int4_dot_direct2(filter, (((oc * f.h + ky) * f.w) + kx0) * f.c, depth,
                              (kx1 - kx0) * f.c, image + (iy * in.w + ix0 + kx0) * in.c,
                              offset_pair, sums);
  }
}

/* Channel c's value from its sum, bias and record. */
static inline int8_t edgec_cm_conv_w4_record_out(const edgec_conv2d_s8_params *p, uint32_t sum,
                                                 uint32_t bias, const edgec_cm_int4_record *r,
                                                 int32_t c) {
  const int32_t acc = (int32_t)(sum + bias);
  const int32_t y =
      r->shift != 0
          ? edgec_cm_requantize((int32_t)((uint32_t)acc << 1), r->multiplier, r->round, r->shift)
          : edgec_multiply_by_quantized_multiplier(acc, p->multiplier[c], p->shift[c]) +
                p->output_offset;
  return (int8_t)edgec_clamp(y, p->act_min, p->act_max);
}

/* Channel by channel (their requantization records made once), every
 * pixel of the channel: the input is read again for each channel, which
 * costs nothing the widening does not already cost. Two channels at a time
 * share the widening where edgec_cm_conv_w4_direct_sum2 applies. */
static void edgec_cm_conv_w4_direct(const edgec_conv2d_s8_params *p, const int8_t *input,
                                    const int8_t *filter, const int32_t *bias, int8_t *output) {
  const edgec_dims in = p->input, f = p->filter, out = p->output;
  const uint32_t offset_pair = edgec_cm_pair16(p->input_offset);
  const int32_t per_group = out.c / (in.c / f.c);
  const int32_t offset = p->input_offset < 0 ? -p->input_offset : p->input_offset;
  const int64_t products = (int64_t)f.h * f.w * f.c * 8 * (128 + (int64_t)offset);
  const int pairs = f.c == in.c && (f.c & 1) == 0 && p->dilation_w == 1 && offset <= 128 &&
                    p->input_offset != -128;
  int32_t b, oy, ox, oc, j, n;
  for (oc = 0; oc < out.c; oc += n) {
    const int32_t channel_base = (oc / per_group) * f.c;
    uint32_t biases[2] = {0u, 0u}, sums[2];
    edgec_cm_int4_record r[2];
    int8_t *o = output + oc;
    n = pairs && oc + 1 < out.c ? 2 : 1;
    for (j = 0; j < n; ++j) {
      int64_t magnitude;
      if (bias != NULL) biases[j] = (uint32_t)bias[oc + j];
      magnitude = (int32_t)biases[j] < 0 ? -(int64_t)(int32_t)biases[j] : (int64_t)(int32_t)biases[j];
      edgec_cm_int4_record_prepare(p->multiplier[oc + j], p->shift[oc + j], p->output_offset,
                                   products + magnitude, &r[j]);
    }
    for (b = 0; b < out.n; ++b) {
      const int8_t *image = input + b * in.h * in.w * in.c;
      for (oy = 0; oy < out.h; ++oy) {
        const int32_t iy0 = oy * p->stride_h - p->pad_h;
        for (ox = 0; ox < out.w; ++ox, o += out.c) {
          const int32_t ix0 = ox * p->stride_w - p->pad_w;
          if (n == 2) {
            edgec_cm_conv_w4_direct_sum2(p, image, filter, iy0, ix0, oc, offset_pair, sums);
            o[1] = edgec_cm_conv_w4_record_out(p, sums[1], biases[1], &r[1], oc + 1);
          } else {
            sums[0] = edgec_cm_conv_w4_direct_sum(p, image, filter, iy0, ix0, oc, channel_base,
                                                  offset_pair);
          }
          o[0] = edgec_cm_conv_w4_record_out(p, sums[0], biases[0], &r[0], oc);
        }
      }
    }
  }
}

/* The portable kernel's loop, for input offsets beyond int16's reach. */
static void edgec_cm_conv_w4_plain(const edgec_conv2d_s8_params *p, const int8_t *input,
                                   const int8_t *filter, const int32_t *bias, int8_t *output) {
  const edgec_dims in = p->input, f = p->filter, out = p->output;
  const int32_t per_group = out.c / (in.c / f.c);
  int32_t b, oy, ox, oc, ky, kx, ic;
  for (b = 0; b < out.n; ++b) {
    for (oy = 0; oy < out.h; ++oy) {
      for (ox = 0; ox < out.w; ++ox) {
        for (oc = 0; oc < out.c; ++oc) {
          uint32_t acc = 0;
          for (ky = 0; ky < f.h; ++ky) {
            const int32_t iy = oy * p->stride_h - p->pad_h + ky * p->dilation_h;
            for (kx = 0; kx < f.w; ++kx) {
              const int32_t ix = ox * p->stride_w - p->pad_w + kx * p->dilation_w;
              const int8_t *x = input + ((b * in.h + iy) * in.w + ix) * in.c + (oc / per_group) * f.c;
              const int32_t w = ((oc * f.h + ky) * f.w + kx) * f.c;
              if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
              for (ic = 0; ic < f.c; ++ic) {
                acc += (uint32_t)(edgec_int4_at(filter, w + ic) * ((int32_t)x[ic] + p->input_offset));
              }
            }
          }
          *output++ = edgec_cm_conv_w4_out(p, acc, bias, oc);
        }
      }
    }
  }
}

void edgec_conv2d_s8w4(const edgec_conv2d_s8_params *p, const int8_t *input, const int8_t *filter,
                       const int32_t *bias, int8_t *output, void *scratch, int32_t scratch_bytes) {
  const int32_t full = edgec_cm_int4_conv_scratch_bytes(p->filter.h, p->filter.w, p->input.c,
                                                        p->filter.c, p->output.c);
  const int32_t columns = full - 16 * p->output.c; /* the field and the widened column */
  /* The wide path's padding is the zero point, an int8 for int8 offsets;
   * the on-the-fly path needs x + offset within int16. */
  if (full > 0 && scratch != NULL && scratch_bytes >= columns && p->input_offset >= -127 &&
      p->input_offset <= 128) {
    edgec_cm_conv_w4_wide(p, input, filter, bias, output, (uint32_t *)scratch,
                          scratch_bytes >= full);
  } else if (p->input_offset >= -32640 && p->input_offset <= 32640) {
    edgec_cm_conv_w4_direct(p, input, filter, bias, output);
  } else {
    edgec_cm_conv_w4_plain(p, input, filter, bias, output);
  }
}
