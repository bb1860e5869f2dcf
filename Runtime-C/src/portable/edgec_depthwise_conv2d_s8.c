/*
 * edgec_depthwise_conv2d_s8: int8 DEPTHWISE_CONV_2D, bit-exact with TFLM's
 * reference DepthwiseConvPerChannel
 * (tensorflow/lite/kernels/internal/reference/integer_ops/depthwise_conv.h)
 * and with EdgeReference's DepthwiseConv2DS8Kernel.
 *
 * Output channel oc = ic * depth_multiplier + m reads input channel ic and
 * filter column oc of the [1, kh, kw, out_c] filter. Padding taps are skipped.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

void edgec_depthwise_conv2d_s8(const edgec_depthwise_conv2d_s8_params *p, const int8_t *input,
                               const int8_t *filter, const int32_t *bias, int8_t *output) {
  const edgec_dims in = p->input, f = p->filter, out = p->output;
  int32_t b, oy, ox, oc, ky, kx;
  for (b = 0; b < out.n; ++b) {
    for (oy = 0; oy < out.h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      for (ox = 0; ox < out.w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        for (oc = 0; oc < out.c; ++oc) {
          const int32_t ic = oc / p->depth_multiplier;
          int32_t acc = 0;
          for (ky = 0; ky < f.h; ++ky) {
            const int32_t iy = iy0 + ky * p->dilation_h;
            if (iy < 0 || iy >= in.h) continue;
            for (kx = 0; kx < f.w; ++kx) {
              const int32_t ix = ix0 + kx * p->dilation_w;
              int32_t x, w;
              if (ix < 0 || ix >= in.w) continue;
              x = input[((b * in.h + iy) * in.w + ix) * in.c + ic];
              w = filter[(ky * f.w + kx) * f.c + oc];
              acc += w * (x + p->input_offset);
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
