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
 * SMMULR requantization of edgec_dsp_requant.h. Border pixels go the same
 * way through a three-word copy of their window, the input zero point
 * standing in for the taps outside. Other kernels, and channels whose
 * requantization could overflow the fast form, take the portable element
 * (edgec_depthwise_element.h).
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

/* The scaled accumulator of a pixel whose window leaves the input: the
 * window is copied into three words with the input zero point `zp` standing
 * in for taps outside (x + input_offset = 0 there, as TFLM's skipped taps
 * add nothing), then summed as an interior pixel is. */
static int32_t border_acc(const edgec_depthwise_conv2d_s8_params *p, const int8_t *plane,
                          const dw_taps *t, uint32_t off2, int32_t iy0, int32_t ix0, int8_t zp) {
  const edgec_dims in = p->input;
  int8_t window[4];
  int32_t acc = t->bias, k, j;
  for (k = 0; k < 3; ++k) {
    const int32_t iy = iy0 + k;
    uint32_t v;
    window[3] = zp;
    for (j = 0; j < 3; ++j) {
      const int32_t ix = ix0 + j;
      window[j] = iy >= 0 && iy < in.h && ix >= 0 && ix < in.w ? plane[iy * in.w + ix] : zp;
    }
    v = edgec_dsp_load32(window);
    acc = edgec_dsp_smlad(edgec_dsp_sxtab16(off2, v), t->w02[k], acc);
    acc = edgec_dsp_smlad(edgec_dsp_sxtab16_ror8(off2, v), t->w1z[k], acc);
  }
  return acc;
}

/* The requantized, clamped output of a pre-scaled accumulator. */
#define DW_OUT(acc) \
  ((int8_t)dw_clamp(edgec_dsp_requantize((acc), mult, round, shift), lo, hi))

static inline int32_t dw_clamp(int32_t y, int32_t lo, int32_t hi) {
  return y < lo ? lo : (y > hi ? hi : y);
}

/* Output channel c of one batch from its plane, 3x3 without dilation. The
 * interior of each row runs with every value in a local: output bytes may
 * alias anything, so fields read through pointers would be reloaded after
 * each store. */
static void channel_3x3(const edgec_depthwise_conv2d_s8_params *p, const int8_t *plane,
                        const int8_t *filter, const int32_t *bias, const dw_taps *t, int8_t *y,
                        int32_t c) {
  const edgec_dims in = p->input, out = p->output;
  const uint32_t off2 = edgec_dsp_pair16(p->input_offset);
  const int32_t depth = out.c, sw = p->stride_w, sh = p->stride_h, pw = p->pad_w, ph = p->pad_h;
  const int32_t lo = p->act_min, hi = p->act_max;
  const int32_t mult = t->q.multiplier, round = t->q.round, shift = t->q.shift, bias0 = t->bias;
  const uint32_t a0 = t->w02[0], a1 = t->w02[1], a2 = t->w02[2];
  const uint32_t b0 = t->w1z[0], b1 = t->w1z[1], b2 = t->w1z[2];
  const uint32_t z0 = t->zw1[0], z1 = t->zw1[1], z2 = t->zw1[2];
  /* TFLite's int8 inputs always have it; the stand-in must be an int8 value. */
  const int zero_point_fits = p->input_offset >= -127 && p->input_offset <= 128;
  /* Interior pixels: the window and the fourth byte of each word load
   * (which meets a zero weight) inside the row. */
  const int32_t first = (pw + sw - 1) / sw;
  const int32_t last = in.w - 4 + pw >= 0 ? (in.w - 4 + pw) / sw + 1 : 0;
  const int32_t ox_lo = first < out.w ? first : out.w;
  const int32_t ox_hi = last < ox_lo ? ox_lo : (last > out.w ? out.w : last);
  const int32_t w = in.w;
  int32_t oy, ox;
  for (oy = 0; oy < out.h; ++oy) {
    const int32_t iy0 = oy * sh - ph;
    const int rows_inside = iy0 >= 0 && iy0 + 2 < in.h;
    int8_t *line = y + oy * out.w * depth + c;
    const int8_t *r;
    int8_t *o;
    for (ox = 0; ox < out.w; ++ox) {
      const int32_t ix0 = ox * sw - pw;
      if (rows_inside && ox == ox_lo && ox_lo < ox_hi) break;
      line[ox * depth] =
          zero_point_fits
              ? finish(p, t, border_acc(p, plane, t, off2, iy0, ix0, (int8_t)-p->input_offset))
              : edgec_depthwise_s8_element(p, plane, in.w, 1, filter, bias, oy, ox, c);
    }
    if (ox == out.w) continue;
    r = plane + iy0 * w + ox * sw - pw;
    o = line + ox * depth;
    if (sw == 1) {
      for (; ox + 1 < ox_hi; ox += 2, r += 2, o += 2 * depth) {
        const uint32_t v0 = edgec_dsp_load32(r), v1 = edgec_dsp_load32(r + w);
        const uint32_t v2 = edgec_dsp_load32(r + 2 * w);
        const uint32_t e0 = edgec_dsp_sxtab16(off2, v0), d0 = edgec_dsp_sxtab16_ror8(off2, v0);
        const uint32_t e1 = edgec_dsp_sxtab16(off2, v1), d1 = edgec_dsp_sxtab16_ror8(off2, v1);
        const uint32_t e2 = edgec_dsp_sxtab16(off2, v2), d2 = edgec_dsp_sxtab16_ror8(off2, v2);
        int32_t acc0 = edgec_dsp_smlad(e0, a0, bias0), acc1 = edgec_dsp_smlad(d0, a0, bias0);
        acc0 = edgec_dsp_smlad(d0, b0, acc0);
        acc1 = edgec_dsp_smlad(e0, z0, acc1);
        acc0 = edgec_dsp_smlad(e1, a1, acc0);
        acc1 = edgec_dsp_smlad(d1, a1, acc1);
        acc0 = edgec_dsp_smlad(d1, b1, acc0);
        acc1 = edgec_dsp_smlad(e1, z1, acc1);
        acc0 = edgec_dsp_smlad(e2, a2, acc0);
        acc1 = edgec_dsp_smlad(d2, a2, acc1);
        acc0 = edgec_dsp_smlad(d2, b2, acc0);
        acc1 = edgec_dsp_smlad(e2, z2, acc1);
        o[0] = DW_OUT(acc0);
        o[depth] = DW_OUT(acc1);
      }
    }
    for (; ox < ox_hi; ++ox, r += sw, o += depth) {
      const uint32_t v0 = edgec_dsp_load32(r), v1 = edgec_dsp_load32(r + w);
      const uint32_t v2 = edgec_dsp_load32(r + 2 * w);
      int32_t acc = edgec_dsp_smlad(edgec_dsp_sxtab16(off2, v0), a0, bias0);
      acc = edgec_dsp_smlad(edgec_dsp_sxtab16_ror8(off2, v0), b0, acc);
      acc = edgec_dsp_smlad(edgec_dsp_sxtab16(off2, v1), a1, acc);
      acc = edgec_dsp_smlad(edgec_dsp_sxtab16_ror8(off2, v1), b1, acc);
      acc = edgec_dsp_smlad(edgec_dsp_sxtab16(off2, v2), a2, acc);
      acc = edgec_dsp_smlad(edgec_dsp_sxtab16_ror8(off2, v2), b2, acc);
      *o = DW_OUT(acc);
    }
    for (; ox < out.w; ++ox) {
      const int32_t ix0 = ox * sw - pw;
      line[ox * depth] =
          zero_point_fits
              ? finish(p, t, border_acc(p, plane, t, off2, iy0, ix0, (int8_t)-p->input_offset))
              : edgec_depthwise_s8_element(p, plane, in.w, 1, filter, bias, oy, ox, c);
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
