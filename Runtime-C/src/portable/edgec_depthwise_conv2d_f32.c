/*
 * edgec_depthwise_conv2d_f32: float DEPTHWISE_CONV_2D as TFLM's reference
 * DepthwiseConv (tensorflow/lite/kernels/internal/reference/depthwiseconv_float.h),
 * bit-identical with EdgeReference's DepthwiseConv2DF32Kernel: taps summed
 * in (ky, kx) order, products in their own statements (no fused multiply-add),
 * then total + bias, then the clamp.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

void edgec_depthwise_conv2d_f32(const edgec_depthwise_conv2d_f32_params *p, const float *input,
                                const float *filter, const float *bias, float *output) {
  const edgec_dims in = p->input, f = p->filter, out = p->output;
  int32_t b, oy, ox, oc, ky, kx;
  for (b = 0; b < out.n; ++b) {
    for (oy = 0; oy < out.h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      for (ox = 0; ox < out.w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        for (oc = 0; oc < out.c; ++oc) {
          const int32_t ic = oc / p->depth_multiplier;
          float total = 0.0f;
          for (ky = 0; ky < f.h; ++ky) {
            const int32_t iy = iy0 + ky * p->dilation_h;
            if (iy < 0 || iy >= in.h) continue;
            for (kx = 0; kx < f.w; ++kx) {
              const int32_t ix = ix0 + kx * p->dilation_w;
              float product;
              if (ix < 0 || ix >= in.w) continue;
              product = input[((b * in.h + iy) * in.w + ix) * in.c + ic] *
                        filter[(ky * f.w + kx) * f.c + oc];
              total += product;
            }
          }
          total = total + (bias != NULL ? bias[oc] : 0.0f);
          *output++ = edgec_clamp_f32(total, p->act_min, p->act_max);
        }
      }
    }
  }
}
