/*
 * edgec_conv2d_f32: float CONV_2D as TFLM's reference Conv
 * (tensorflow/lite/kernels/internal/reference/conv.h), and bit-identical with
 * EdgeReference's Conv2DF32Kernel: products are summed in the same order
 * (ky, kx, ic), each product in its own statement so that no compiler fuses
 * it into a multiply-add, then total + bias, then the clamp.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

void edgec_conv2d_f32(const edgec_conv2d_f32_params *p, const float *input, const float *filter,
                      const float *bias, float *output) {
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
          float total = 0.0f;
          for (ky = 0; ky < f.h; ++ky) {
            const int32_t iy = iy0 + ky * p->dilation_h;
            if (iy < 0 || iy >= in.h) continue;
            for (kx = 0; kx < f.w; ++kx) {
              const int32_t ix = ix0 + kx * p->dilation_w;
              const float *x;
              const float *w;
              if (ix < 0 || ix >= in.w) continue;
              x = input + (((b * in.h + iy) * in.w + ix) * in.c + channel_base);
              w = filter + (((oc * f.h + ky) * f.w + kx) * f.c);
              for (ic = 0; ic < f.c; ++ic) {
                const float product = x[ic] * w[ic];
                total += product;
              }
            }
          }
          total = total + (bias != NULL ? bias[oc] : 0.0f);
          *output++ = edgec_clamp_f32(total, p->act_min, p->act_max);
        }
      }
    }
  }
}
