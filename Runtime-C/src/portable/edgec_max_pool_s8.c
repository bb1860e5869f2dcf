/*
 * edgec_max_pool_s8: int8 MAX_POOL_2D, bit-exact with TFLM's reference
 * MaxPool (tensorflow/lite/kernels/internal/reference/integer_ops/pooling.h)
 * and EdgeReference's Pool2DS8Kernel: the maximum of the in-bounds taps
 * (padding never wins), starting from -128, then the activation clamp.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

void edgec_max_pool_s8(const edgec_pool_s8_params *p, const int8_t *input, int8_t *output) {
  const edgec_dims in = p->input, out = p->output;
  int32_t b, oy, ox, c, fy, fx;
  for (b = 0; b < out.n; ++b) {
    for (oy = 0; oy < out.h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      const int32_t fy_start = iy0 < 0 ? -iy0 : 0;
      const int32_t fy_end = p->filter_h < in.h - iy0 ? p->filter_h : in.h - iy0;
      for (ox = 0; ox < out.w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        const int32_t fx_start = ix0 < 0 ? -ix0 : 0;
        const int32_t fx_end = p->filter_w < in.w - ix0 ? p->filter_w : in.w - ix0;
        for (c = 0; c < out.c; ++c) {
          int32_t max = -128;
          for (fy = fy_start; fy < fy_end; ++fy) {
            for (fx = fx_start; fx < fx_end; ++fx) {
              const int32_t v = input[((b * in.h + iy0 + fy) * in.w + ix0 + fx) * in.c + c];
              if (v > max) max = v;
            }
          }
          *output++ = (int8_t)edgec_clamp(max, p->act_min, p->act_max);
        }
      }
    }
  }
}
