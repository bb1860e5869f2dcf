/*
 * edgec_depthwise_conv2d_s8w4 (Cortex-M): int8 DEPTHWISE_CONV_2D with packed
 * int4 weights, bit-exact with the portable kernel (hence with
 * edgec_depthwise_conv2d_s8 on the unpacked weights).
 *
 * A channel's weights are strided by out_c nibbles in the [1, kh, kw, out_c]
 * filter, so the kernel goes by channels and unpacks their taps once for
 * every pixel, not once per pixel:
 * - 3x3 filters with depth multiplier 1, four channels at a time
 *   (edgec_cm_dw_w4_quad): each tap one input word and four SMLAxy;
 * - the other channels of 3x3 filters (every MLPerf Tiny depthwise layer
 *   is 3x3): the nine weights unpacked once a channel, and a pixel whose
 *   taps all lie inside the input costs nine loads and nine multiply-adds
 *   of the raw int8 values; the input offset enters once as offset · Σw
 *   (exact: the sum is the same integer);
 * - other pixels and filters: the taps inside the input, each weight read
 *   with edgec_int4_at.
 * Sums wrap in uint32_t as the portable kernel's do.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_cm_int4.h"

static inline int8_t edgec_cm_dw_w4_out(const edgec_depthwise_conv2d_s8_params *p, uint32_t acc,
                                        const int32_t *bias, int32_t oc) {
  int32_t y;
  if (bias != NULL) acc += (uint32_t)bias[oc];
  y = edgec_cm_int4_requantize((int32_t)acc, p->multiplier[oc], p->shift[oc], p->output_offset);
  return (int8_t)edgec_clamp(y, p->act_min, p->act_max);
}

/* Channel oc at one pixel over the taps inside the input; `x` is the
 * input's channel ic at tap (0, 0)'s position (perhaps outside). */
static uint32_t edgec_cm_dw_w4_edge(const edgec_depthwise_conv2d_s8_params *p, const int8_t *image,
                                    const int8_t *filter, int32_t iy0, int32_t ix0, int32_t ic,
                                    int32_t oc) {
  const edgec_dims in = p->input, f = p->filter;
  uint32_t acc = 0;
  int32_t ky, kx;
  for (ky = 0; ky < f.h; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    if (iy < 0 || iy >= in.h) continue;
    for (kx = 0; kx < f.w; ++kx) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      if (ix < 0 || ix >= in.w) continue;
      acc += (uint32_t)(edgec_int4_at(filter, (ky * f.w + kx) * f.c + oc) *
                        ((int32_t)image[(iy * in.w + ix) * in.c + ic] + p->input_offset));
    }
  }
  return acc;
}

/* A 3x3 pixel with taps in the padding: the taps inside the input, the
 * channel's weights w in tap order; `x` is the image at the channel. */
static uint32_t edgec_cm_dw_w4_border(const edgec_depthwise_conv2d_s8_params *p, const int8_t *x,
                                      const int32_t *w, int32_t iy0, int32_t ix0) {
  const edgec_dims in = p->input;
  uint32_t acc = 0;
  int32_t ky, kx;
  for (ky = 0; ky < 3; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    if (iy < 0 || iy >= in.h) continue;
    for (kx = 0; kx < 3; ++kx) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      if (ix < 0 || ix >= in.w) continue;
      acc += (uint32_t)(w[ky * 3 + kx] * ((int32_t)x[(iy * in.w + ix) * in.c] + p->input_offset));
    }
  }
  return acc;
}

/* Channel oc of every pixel of a 3x3 layer. */
static void edgec_cm_dw_w4_3x3(const edgec_depthwise_conv2d_s8_params *p, const int8_t *input,
                               const int8_t *filter, const int32_t *bias, int8_t *output,
                               int32_t oc) {
  const edgec_dims in = p->input, out = p->output;
  const int32_t ic = oc / p->depth_multiplier, c = in.c;
  const int32_t row = p->dilation_h * in.w * c, tap = p->dilation_w * c;
  const int32_t span_h = 2 * p->dilation_h + 1, span_w = 2 * p->dilation_w + 1;
  int32_t w[9], t;
  uint32_t offset_sum;
  for (t = 0; t < 9; ++t) w[t] = edgec_int4_at(filter, t * out.c + oc);
  offset_sum = (uint32_t)p->input_offset *
               (uint32_t)(w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7] + w[8]);
  int32_t b, oy, ox;
  for (b = 0; b < out.n; ++b) {
    const int8_t *image = input + b * in.h * in.w * c;
    for (oy = 0; oy < out.h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      const int rows_inside = iy0 >= 0 && iy0 + span_h <= in.h;
      int8_t *o = output + ((b * out.h + oy) * out.w) * out.c + oc;
      for (ox = 0; ox < out.w; ++ox, o += out.c) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        uint32_t acc;
        if (rows_inside && ix0 >= 0 && ix0 + span_w <= in.w) {
          const int8_t *x = image + (iy0 * in.w + ix0) * c + ic;
          int32_t s = w[0] * x[0] + w[1] * x[tap] + w[2] * x[2 * tap];
          x += row;
          s += w[3] * x[0] + w[4] * x[tap] + w[5] * x[2 * tap];
          x += row;
          s += w[6] * x[0] + w[7] * x[tap] + w[8] * x[2 * tap];
          acc = (uint32_t)s + offset_sum;
        } else {
          acc = edgec_cm_dw_w4_border(p, image + ic, w, iy0, ix0);
        }
        *o = edgec_cm_dw_w4_out(p, acc, bias, oc);
      }
    }
  }
}

/* Channel c's value from its sum (the bias included) and record. */
static inline __attribute__((always_inline)) int8_t edgec_cm_dw_w4_record_out(
    const edgec_depthwise_conv2d_s8_params *p, int32_t acc, const edgec_cm_int4_record *r,
    int32_t c) {
  const int32_t y =
      r->shift != 0
          ? edgec_cm_requantize((int32_t)((uint32_t)acc << 1), r->multiplier, r->round, r->shift)
          : edgec_multiply_by_quantized_multiplier(acc, p->multiplier[c], p->shift[c]) +
                p->output_offset;
  return (int8_t)edgec_clamp(y, p->act_min, p->act_max);
}

/* Four channels' products at one tap: x the four input bytes, w the
 * weights (c0, c2) and (c1, c3) as int16 pairs; the input offset is added
 * in the widening. */
#define EDGEC_CM_DW_W4_TAP(x, wa, wb)                                                          \
  do {                                                                                        \
    const uint32_t v = edgec_cm_load32(x);                                                    \
    const int32_t lo = (int32_t)__sxtab16(offset_pair, v);                                    \
    const int32_t hi = (int32_t)edgec_cm_sxtab16_ror8(offset_pair, v);                        \
    a0 = __smlabb(lo, (int32_t)(wa), a0);                                                     \
    a2 = __smlatt(lo, (int32_t)(wa), a2);                                                     \
    a1 = __smlabb(hi, (int32_t)(wb), a1);                                                     \
    a3 = __smlatt(hi, (int32_t)(wb), a3);                                                     \
  } while (0)

/* Channels [c, c + 4) of every pixel of a 3x3 layer with depth multiplier
 * 1: one word of input a tap for the four, SMLABB/SMLATT per channel
 * (eight instructions per four MACs); the weights unpacked once into
 * int16 pairs, the requantization records made once. */
static void edgec_cm_dw_w4_quad(const edgec_depthwise_conv2d_s8_params *p, const int8_t *input,
                                const int8_t *filter, const int32_t *bias, int8_t *output,
                                int32_t c) {
  const edgec_dims in = p->input, out = p->output;
  const uint32_t offset_pair = edgec_cm_pair16(p->input_offset);
  const int32_t offset = p->input_offset < 0 ? -p->input_offset : p->input_offset;
  const int32_t row = p->dilation_h * in.w * in.c, tap = p->dilation_w * in.c;
  const int32_t span_h = 2 * p->dilation_h + 1, span_w = 2 * p->dilation_w + 1;
  uint32_t wa[9], wb[9], start[4];
  edgec_cm_int4_record q[4];
  int32_t t, j, b, oy, ox, ky, kx;
  for (t = 0; t < 9; ++t) {
    const int32_t k = t * out.c + c;
    wa[t] = ((uint32_t)edgec_int4_at(filter, k) & 0xFFFFu) | ((uint32_t)edgec_int4_at(filter, k + 2) << 16);
    wb[t] = ((uint32_t)edgec_int4_at(filter, k + 1) & 0xFFFFu) | ((uint32_t)edgec_int4_at(filter, k + 3) << 16);
  }
  for (j = 0; j < 4; ++j) {
    const int64_t bj = bias != NULL ? (int64_t)bias[c + j] : 0;
    start[j] = (uint32_t)(int32_t)bj;
    edgec_cm_int4_record_prepare(p->multiplier[c + j], p->shift[c + j], p->output_offset,
                                 9 * 8 * (128 + (int64_t)offset) + (bj < 0 ? -bj : bj), &q[j]);
  }
  for (b = 0; b < out.n; ++b) {
    const int8_t *image = input + b * in.h * in.w * in.c + c;
    for (oy = 0; oy < out.h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      int8_t *o = output + ((b * out.h + oy) * out.w) * out.c + c;
      for (ox = 0; ox < out.w; ++ox, o += out.c) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        /* The sums start at the biases (SMLAxy adds modulo 2^32, as the
         * portable kernel's uint32_t sums do). */
        int32_t a0 = (int32_t)start[0], a1 = (int32_t)start[1], a2 = (int32_t)start[2],
                a3 = (int32_t)start[3];
        if (iy0 >= 0 && iy0 + span_h <= in.h && ix0 >= 0 && ix0 + span_w <= in.w) {
          const int8_t *x = image + (iy0 * in.w + ix0) * in.c;
          EDGEC_CM_DW_W4_TAP(x, wa[0], wb[0]);
          EDGEC_CM_DW_W4_TAP(x + tap, wa[1], wb[1]);
          EDGEC_CM_DW_W4_TAP(x + 2 * tap, wa[2], wb[2]);
          x += row;
          EDGEC_CM_DW_W4_TAP(x, wa[3], wb[3]);
          EDGEC_CM_DW_W4_TAP(x + tap, wa[4], wb[4]);
          EDGEC_CM_DW_W4_TAP(x + 2 * tap, wa[5], wb[5]);
          x += row;
          EDGEC_CM_DW_W4_TAP(x, wa[6], wb[6]);
          EDGEC_CM_DW_W4_TAP(x + tap, wa[7], wb[7]);
          EDGEC_CM_DW_W4_TAP(x + 2 * tap, wa[8], wb[8]);
        } else {
          for (ky = 0; ky < 3; ++ky) {
            const int32_t iy = iy0 + ky * p->dilation_h;
            if (iy < 0 || iy >= in.h) continue;
            for (kx = 0; kx < 3; ++kx) {
              const int32_t ix = ix0 + kx * p->dilation_w;
              if (ix < 0 || ix >= in.w) continue;
              EDGEC_CM_DW_W4_TAP(image + (iy * in.w + ix) * in.c, wa[ky * 3 + kx], wb[ky * 3 + kx]);
            }
          }
        }
        o[0] = edgec_cm_dw_w4_record_out(p, a0, &q[0], c);
        o[1] = edgec_cm_dw_w4_record_out(p, a1, &q[1], c + 1);
        o[2] = edgec_cm_dw_w4_record_out(p, a2, &q[2], c + 2);
        o[3] = edgec_cm_dw_w4_record_out(p, a3, &q[3], c + 3);
      }
    }
  }
}

void edgec_depthwise_conv2d_s8w4(const edgec_depthwise_conv2d_s8_params *p, const int8_t *input,
                                 const int8_t *filter, const int32_t *bias, int8_t *output) {
  const edgec_dims in = p->input, out = p->output;
  int32_t b, oy, ox, oc;
  if (p->filter.h == 3 && p->filter.w == 3) {
    oc = 0;
    /* int16 lanes hold x + offset for int8 offsets */
    if (p->depth_multiplier == 1 && p->input_offset >= -127 && p->input_offset <= 128) {
      for (; oc + 4 <= out.c; oc += 4) edgec_cm_dw_w4_quad(p, input, filter, bias, output, oc);
    }
    for (; oc < out.c; ++oc) edgec_cm_dw_w4_3x3(p, input, filter, bias, output, oc);
    return;
  }
  for (b = 0; b < out.n; ++b) {
    const int8_t *image = input + b * in.h * in.w * in.c;
    for (oy = 0; oy < out.h; ++oy) {
      for (ox = 0; ox < out.w; ++ox) {
        for (oc = 0; oc < out.c; ++oc) {
          const uint32_t acc =
              edgec_cm_dw_w4_edge(p, image, filter, oy * p->stride_h - p->pad_h,
                                  ox * p->stride_w - p->pad_w, oc / p->depth_multiplier, oc);
          *output++ = edgec_cm_dw_w4_out(p, acc, bias, oc);
        }
      }
    }
  }
}
