/*
 * edgec runtime (internal): one output element of int8 DEPTHWISE_CONV_2D,
 * bit-exact with TFLM's reference DepthwiseConvPerChannel
 * (tensorflow/lite/kernels/internal/reference/integer_ops/depthwise_conv.h)
 * and with EdgeReference's DepthwiseConv2DS8Kernel. edgec_depthwise_conv2d_s8
 * reads the NHWC input directly; edgec_depthwise_conv2d_inplace_s8 reads one
 * channel gathered into a plane; both compute every element here, so they
 * agree bit for bit.
 *
 * `x` addresses the input channel feeding output channel oc, in its batch:
 * pixel (iy, ix) is x[iy * row_step + ix * col_step]. acc = sum over the
 * in-bounds taps of filter * (x + input_offset), plus the bias; taps in the
 * padding are skipped (the same as padding with the input zero point). Then
 * the per-channel double-rounding requantization, the output offset and the
 * clamp. The sum wraps in uint32_t as TFLM's int32 does on every real
 * target, without C's undefined overflow.
 */
#ifndef EDGEC_DEPTHWISE_ELEMENT_H
#define EDGEC_DEPTHWISE_ELEMENT_H

#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

static inline int8_t edgec_depthwise_s8_element(const edgec_depthwise_conv2d_s8_params *p,
                                                const int8_t *x, int32_t row_step,
                                                int32_t col_step, const int8_t *filter,
                                                const int32_t *bias, int32_t oy, int32_t ox,
                                                int32_t oc) {
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
      acc += (uint32_t)((int32_t)filter[(ky * f.w + kx) * f.c + oc] *
                        ((int32_t)x[iy * row_step + ix * col_step] + p->input_offset));
    }
  }
  if (bias != NULL) acc += (uint32_t)bias[oc];
  y = edgec_multiply_by_quantized_multiplier((int32_t)acc, p->multiplier[oc], p->shift[oc]);
  return (int8_t)edgec_clamp(y + p->output_offset, p->act_min, p->act_max);
}

#endif /* EDGEC_DEPTHWISE_ELEMENT_H */
