/*
 * edgec_avg_pool_f32: float AVERAGE_POOL_2D as TFLM's reference AveragePool
 * (tensorflow/lite/kernels/internal/reference/pooling.h), bit-identical with
 * EdgeReference's Pool2DF32Kernel: the in-bounds taps summed in (y, x) order,
 * divided by their count, then clamped. An empty window gives 0.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

void edgec_avg_pool_f32(const edgec_pool_f32_params *p, const float *input, float *output) {
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
          float total = 0.0f, avg = 0.0f;
          int32_t count = 0;
          for (fy = fy_start; fy < fy_end; ++fy) {
            for (fx = fx_start; fx < fx_end; ++fx) {
              total += input[((b * in.h + iy0 + fy) * in.w + ix0 + fx) * in.c + c];
              ++count;
            }
          }
          if (count > 0) avg = total / (float)count;
          *output++ = edgec_clamp_f32(avg, p->act_min, p->act_max);
        }
      }
    }
  }
}
