/*
 * edgec runtime (internal): one output element of int8 CONV_2D, bit-exact
 * with TFLM's reference ConvPerChannel
 * (tensorflow/lite/kernels/internal/reference/integer_ops/conv.h) and with
 * EdgeReference's Conv2DS8Kernel. edgec_conv2d_s8 and edgec_conv2d_add_s8
 * (portable) and the Cortex-M kernels' fallback for layers their DSP paths do
 * not take all compute their elements here.
 *
 * acc = sum over the in-bounds taps of filter * (input + input_offset), plus
 * the bias; then the per-channel double-rounding requantization, the output
 * offset and the clamp. Taps that fall in the padding are skipped, which is
 * the same as padding with the input zero point. A filter shallower than the
 * input is a grouped convolution: output channel oc reads the input channels
 * of group oc / (out_c / groups). The sum wraps in uint32_t as TFLM's int32
 * does on every real target, without C's undefined overflow.
 */
#ifndef EDGEC_CONV2D_ELEMENT_H
#define EDGEC_CONV2D_ELEMENT_H

#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

static inline int8_t edgec_conv2d_s8_element(const edgec_conv2d_s8_params *p, const int8_t *input,
                                             const int8_t *filter, const int32_t *bias, int32_t b,
                                             int32_t oy, int32_t ox, int32_t oc) {
  const edgec_dims in = p->input, f = p->filter;
  const int32_t per_group = p->output.c / (in.c / f.c);
  const int32_t channel_base = (oc / per_group) * f.c;
  const int32_t iy0 = oy * p->stride_h - p->pad_h, ix0 = ox * p->stride_w - p->pad_w;
  uint32_t acc = 0;
  int32_t ky, kx, ic, y;
  for (ky = 0; ky < f.h; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    if (iy < 0 || iy >= in.h) continue;
    for (kx = 0; kx < f.w; ++kx) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      const int8_t *x, *w;
      if (ix < 0 || ix >= in.w) continue;
      x = input + (((b * in.h + iy) * in.w + ix) * in.c + channel_base);
      w = filter + (((oc * f.h + ky) * f.w + kx) * f.c);
      for (ic = 0; ic < f.c; ++ic) {
        acc += (uint32_t)((int32_t)w[ic] * ((int32_t)x[ic] + p->input_offset));
      }
    }
  }
  if (bias != NULL) acc += (uint32_t)bias[oc];
  y = edgec_multiply_by_quantized_multiplier((int32_t)acc, p->multiplier[oc], p->shift[oc]);
  return (int8_t)edgec_clamp(y + p->output_offset, p->act_min, p->act_max);
}

#endif /* EDGEC_CONV2D_ELEMENT_H */
