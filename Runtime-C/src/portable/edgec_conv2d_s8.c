/*
 * edgec_conv2d_s8: int8 CONV_2D, bit-exact with TFLM's reference
 * ConvPerChannel (tensorflow/lite/kernels/internal/reference/integer_ops/conv.h)
 * and with EdgeReference's Conv2DS8Kernel.
 *
 * For every output element: acc = sum over the in-bounds taps of
 * filter * (input + input_offset), plus the bias; then the per-channel
 * double-rounding requantization, the output offset and the clamp. Taps that
 * fall in the padding are skipped, which is the same as padding with the
 * input zero point. A filter shallower than the input is a grouped
 * convolution: output channel oc reads input channels of group
 * oc / (out_c / groups).
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

void edgec_conv2d_s8(const edgec_conv2d_s8_params *p, const int8_t *input, const int8_t *filter,
                     const int32_t *bias, int8_t *output) {
  const edgec_dims in = p->input, f = p->filter, out = p->output;
  const int32_t groups = in.c / f.c;
  const int32_t per_group = out.c / groups;
  int32_t b, oy, ox, oc, ky, kx, ic;
  for (b = 0; b < out.n; ++b) {
    for (oy = 0; oy < out.h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      for (ox = 0; ox < out.w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        for (oc = 0; oc < out.c; ++oc) {
          const int32_t channel_base = (oc / per_group) * f.c;
          int32_t acc = 0;
          for (ky = 0; ky < f.h; ++ky) {
            const int32_t iy = iy0 + ky * p->dilation_h;
            if (iy < 0 || iy >= in.h) continue;
            for (kx = 0; kx < f.w; ++kx) {
              const int32_t ix = ix0 + kx * p->dilation_w;
              const int8_t *x;
              const int8_t *w;
              if (ix < 0 || ix >= in.w) continue;
              x = input + (((b * in.h + iy) * in.w + ix) * in.c + channel_base);
              w = filter + (((oc * f.h + ky) * f.w + kx) * f.c);
              for (ic = 0; ic < f.c; ++ic) {
                acc += (int32_t)w[ic] * ((int32_t)x[ic] + p->input_offset);
              }
            }
          }
          if (bias != NULL) acc += bias[oc];
          acc = edgec_multiply_by_quantized_multiplier(acc, p->multiplier[oc], p->shift[oc]);
          acc += p->output_offset;
          *output++ = (int8_t)edgec_clamp(acc, p->act_min, p->act_max);
        }
      }
    }
  }
}
