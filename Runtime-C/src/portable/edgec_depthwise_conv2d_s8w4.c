/*
 * edgec_depthwise_conv2d_s8w4: int8 DEPTHWISE_CONV_2D with packed int4
 * weights (edgec_int4.h), bit-exact with edgec_depthwise_conv2d_s8 on the
 * unpacked weights, hence with TFLM, which unpacks INT4 filters in Prepare
 * and runs DepthwiseConvPerChannel. The filter is the packed
 * [1, kh, kw, out_c] tensor; output channel oc = ic * depth_multiplier + m
 * reads input channel ic. The sum wraps in uint32_t as in
 * edgec_depthwise_element.h.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_int4.h"

static int8_t edgec_depthwise_s8w4_element(const edgec_depthwise_conv2d_s8_params *p,
                                           const int8_t *x, int32_t row_step, const int8_t *filter,
                                           const int32_t *bias, int32_t oy, int32_t ox, int32_t oc) {
  const edgec_dims in = p->input, f = p->filter;
  const int32_t iy0 = oy * p->stride_h - p->pad_h, ix0 = ox * p->stride_w - p->pad_w;
  uint32_t acc = 0;
  int32_t ky, kx, y;
  for (ky = 0; ky < f.h; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    if (iy < 0 || iy >= in.h) continue;
    for (kx = 0; kx < f.w; ++kx) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      if (ix < 0 || ix >= in.w) continue;
      acc += (uint32_t)(edgec_int4_at(filter, (ky * f.w + kx) * f.c + oc) *
                        ((int32_t)x[iy * row_step + ix * in.c] + p->input_offset));
    }
  }
  if (bias != NULL) acc += (uint32_t)bias[oc];
  y = edgec_multiply_by_quantized_multiplier((int32_t)acc, p->multiplier[oc], p->shift[oc]);
  return (int8_t)edgec_clamp(y + p->output_offset, p->act_min, p->act_max);
}

void edgec_depthwise_conv2d_s8w4(const edgec_depthwise_conv2d_s8_params *p, const int8_t *input,
                                 const int8_t *filter, const int32_t *bias, int8_t *output) {
  const edgec_dims in = p->input, out = p->output;
  const int32_t row_step = in.w * in.c;
  int32_t b, oy, ox, oc;
  for (b = 0; b < out.n; ++b) {
    const int8_t *image = input + b * in.h * row_step;
    for (oy = 0; oy < out.h; ++oy) {
      for (ox = 0; ox < out.w; ++ox) {
        for (oc = 0; oc < out.c; ++oc) {
          const int8_t *x = image + oc / p->depth_multiplier;
          *output++ = edgec_depthwise_s8w4_element(p, x, row_step, filter, bias, oy, ox, oc);
        }
      }
    }
  }
}
