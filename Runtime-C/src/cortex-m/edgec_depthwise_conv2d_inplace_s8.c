/*
 * edgec_depthwise_conv2d_inplace_s8 (Cortex-M, DSP): the in-place int8
 * DEPTHWISE_CONV_2D (depth multiplier 1), bit-exact with
 * src/portable/edgec_depthwise_conv2d_inplace_s8.c and so with
 * edgec_depthwise_conv2d_s8. The output may be the input (kernels.h).
 *
 * Channel by channel, as the portable kernel: the channel is gathered into
 * the plane four pixels per word store, then computed from the plane.
 * For 3x3 kernels without dilation, pixels whose nine taps are all inside
 * the input take the DSP path: one word load per filter row brings bytes
 * b0..b3, SXTAB16 splits them into the int16 lanes (b0, b2) and (b1, b3)
 * with the input offset added, and SMLAD against the weight pairs (w0, w2)
 * and (w1, 0) sums the row's three taps (b3 meets a zero weight). At stride
 * 1 along W two neighbouring pixels share the loads: the second is
 * (b1, b3)·(w0, w2) + (b2)·w1. Weights and bias are pre-scaled for the
 * SMMULR requantization of edgec_dsp_requant.h. Border pixels, other
 * kernels, and channels whose requantization could overflow the fast form
 * take the portable element (edgec_depthwise_element.h).
 */
#include "edgec/kernels.h"
#include "edgec_depthwise_element.h"
#include "edgec_dsp_requant.h"
#include "edgec_dsp_simd.h"

/* plane[i] = image[i * stride] for i < pixels, four bytes per store. */
static void gather(const int8_t *image, int32_t stride, int32_t pixels, int8_t *plane) {
  int32_t i;
  for (i = 0; i + 4 <= pixels; i += 4, image += 4 * stride) {
    const uint32_t word = (uint32_t)(uint8_t)image[0] | (uint32_t)(uint8_t)image[stride] << 8 |
                          (uint32_t)(uint8_t)image[2 * stride] << 16 |
                          (uint32_t)(uint8_t)image[3 * stride] << 24;
    edgec_dsp_store32(plane + i, word);
  }
  for (; i < pixels; ++i, image += stride) plane[i] = *image;
}

/* One 3x3 channel's prepared taps: per filter row, (w0, w2), (w1, 0) and
 * (0, w1) as int16 lanes, pre-scaled; the scaled bias; the requantization. */
typedef struct {
  uint32_t w02[3], w1z[3], zw1[3];
  int32_t bias;
  edgec_dsp_requant q;
} dw_taps;

/* 0 when the fast form could overflow for this channel. */
static int prepare_taps(const edgec_depthwise_conv2d_s8_params *p, const int8_t *filter,
                        const int32_t *bias, int32_t c, dw_taps *t) {
  const uint32_t products = 9u * 128u * 255u;
  const int32_t b = bias != NULL ? bias[c] : 0;
  const uint32_t b_abs = b < 0 ? 0u - (uint32_t)b : (uint32_t)b;
  int32_t k;
  if (b_abs > 0x7FFFFFFFu - products ||
      !edgec_dsp_requant_prepare(p->multiplier[c], p->shift[c], p->output_offset, products + b_abs,
                                 &t->q) ||
      t->q.pre_shift > 8) { /* the weights must stay int16 after the pre-shift */
    return 0;
  }
  for (k = 0; k < 3; ++k) {
    const int8_t *w = filter + 3 * k * p->filter.c + c;
    const int32_t w0 = (int32_t)((uint32_t)(int32_t)w[0] << t->q.pre_shift);
    const int32_t w1 = (int32_t)((uint32_t)(int32_t)w[p->filter.c] << t->q.pre_shift);
    const int32_t w2 = (int32_t)((uint32_t)(int32_t)w[2 * p->filter.c] << t->q.pre_shift);
    t->w02[k] = edgec_dsp_pack16(w0, w2);
    t->w1z[k] = edgec_dsp_pack16(w1, 0);
    t->zw1[k] = edgec_dsp_pack16(0, w1);
  }
  t->bias = (int32_t)((uint32_t)b << t->q.pre_shift);
  return 1;
}

static int8_t finish(const edgec_depthwise_conv2d_s8_params *p, const dw_taps *t, int32_t acc) {
  const int32_t y = edgec_dsp_requantize(acc, t->q.multiplier, t->q.round, t->q.shift);
  return (int8_t)(y < p->act_min ? p->act_min : (y > p->act_max ? p->act_max : y));
}

/* Output channel c of one batch from its plane, 3x3 without dilation. */
static void channel_3x3(const edgec_depthwise_conv2d_s8_params *p, const int8_t *plane,
                        const int8_t *filter, const int32_t *bias, const dw_taps *t, int8_t *y,
                        int32_t c) {
  const edgec_dims in = p->input, out = p->output;
  const uint32_t off2 = edgec_dsp_pair16(p->input_offset);
  const int32_t depth = out.c, last_word = in.h * in.w - 4;
  int32_t oy, ox, k;
  for (oy = 0; oy < out.h; ++oy) {
    const int32_t iy0 = oy * p->stride_h - p->pad_h;
    const int rows_inside = iy0 >= 0 && iy0 + 2 < in.h;
    const int8_t *rows = plane + (rows_inside ? iy0 * in.w : 0);
    int8_t *line = y + oy * out.w * depth + c;
    for (ox = 0; ox < out.w;) {
      const int32_t ix0 = ox * p->stride_w - p->pad_w;
      if (!rows_inside || ix0 < 0 || ix0 + 2 >= in.w || (iy0 + 2) * in.w + ix0 > last_word) {
        line[ox * depth] = edgec_depthwise_s8_element(p, plane, in.w, 1, filter, bias, oy, ox, c);
        ++ox;
      } else if (p->stride_w == 1 && ox + 1 < out.w && ix0 + 3 < in.w) {
        int32_t acc0 = t->bias, acc1 = t->bias;
        for (k = 0; k < 3; ++k) {
          const uint32_t v = edgec_dsp_load32(rows + k * in.w + ix0);
          const uint32_t even = edgec_dsp_sxtab16(off2, v), odd = edgec_dsp_sxtab16_ror8(off2, v);
          acc0 = edgec_dsp_smlad(even, t->w02[k], acc0);
          acc0 = edgec_dsp_smlad(odd, t->w1z[k], acc0);
          acc1 = edgec_dsp_smlad(odd, t->w02[k], acc1);
          acc1 = edgec_dsp_smlad(even, t->zw1[k], acc1);
        }
        line[ox * depth] = finish(p, t, acc0);
        line[(ox + 1) * depth] = finish(p, t, acc1);
        ox += 2;
      } else {
        int32_t acc = t->bias;
        for (k = 0; k < 3; ++k) {
          const uint32_t v = edgec_dsp_load32(rows + k * in.w + ix0);
          acc = edgec_dsp_smlad(edgec_dsp_sxtab16(off2, v), t->w02[k], acc);
          acc = edgec_dsp_smlad(edgec_dsp_sxtab16_ror8(off2, v), t->w1z[k], acc);
        }
        line[ox * depth] = finish(p, t, acc);
        ++ox;
      }
    }
  }
}

void edgec_depthwise_conv2d_inplace_s8(const edgec_depthwise_conv2d_s8_params *p,
                                       const int8_t *input, const int8_t *filter,
                                       const int32_t *bias, int8_t *output, int8_t *plane) {
  const edgec_dims in = p->input, out = p->output;
  const int32_t pixels = in.h * in.w, out_pixels = out.h * out.w;
  const int is_3x3 = p->filter.h == 3 && p->filter.w == 3 && p->dilation_h == 1 && p->dilation_w == 1;
  int32_t b, c, oy, ox;
  for (b = 0; b < out.n; ++b) {
    const int8_t *image = input + b * pixels * in.c;
    int8_t *result = output + b * out_pixels * out.c;
    for (c = 0; c < out.c; ++c) {
      dw_taps taps;
      gather(image + c, in.c, pixels, plane);
      if (is_3x3 && pixels >= 4 && prepare_taps(p, filter, bias, c, &taps)) {
        channel_3x3(p, plane, filter, bias, &taps, result, c);
        continue;
      }
      for (oy = 0; oy < out.h; ++oy) {
        for (ox = 0; ox < out.w; ++ox) {
          result[(oy * out.w + ox) * out.c + c] =
              edgec_depthwise_s8_element(p, plane, in.w, 1, filter, bias, oy, ox, c);
        }
      }
    }
  }
}
