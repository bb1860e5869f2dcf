/*
 * edgec_depthwise_conv2d_s8: int8 DEPTHWISE_CONV_2D, bit-exact with TFLM's
 * reference DepthwiseConvPerChannel
 * (tensorflow/lite/kernels/internal/reference/integer_ops/depthwise_conv.h)
 * and with EdgeReference's DepthwiseConv2DS8Kernel.
 *
 * Output channel oc = ic * depth_multiplier + m reads input channel ic and
 * filter column oc of the [1, kh, kw, out_c] filter. Padding taps are skipped.
 * Each element is edgec_depthwise_s8_element (shared with the in-place kernel).
 */
#include "edgec/kernels.h"
#include "edgec_depthwise_element.h"

void edgec_depthwise_conv2d_s8(const edgec_depthwise_conv2d_s8_params *p, const int8_t *input,
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
          *output++ = edgec_depthwise_s8_element(p, x, row_step, in.c, filter, bias, oy, ox, oc);
        }
      }
    }
  }
}
