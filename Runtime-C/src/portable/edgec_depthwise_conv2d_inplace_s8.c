/*
 * edgec_depthwise_conv2d_inplace_s8: int8 DEPTHWISE_CONV_2D (depth
 * multiplier 1) that may write its output over its input (TinyEngine's
 * in-place depthwise convolution), bit-exact with edgec_depthwise_conv2d_s8.
 *
 * Channel by channel: input channel c (h * w bytes, strided by c in NHWC) is
 * copied into `plane`, then output channel c is computed from the plane and
 * written to bytes q * c_count + c of the output, q < oh * ow <= h * w.
 * When output == input those bytes held input channel c, already copied;
 * the other channels' bytes are untouched. Batches run in order, and batch
 * b's output bytes lie at or before its own input, so later batches are
 * intact when they are read. The output then occupies the first
 * oh * ow * c_count bytes of the input's buffer.
 */
#include "edgec/kernels.h"
#include "edgec_depthwise_element.h"

void edgec_depthwise_conv2d_inplace_s8(const edgec_depthwise_conv2d_s8_params *p,
                                       const int8_t *input, const int8_t *filter,
                                       const int32_t *bias, int8_t *output, int8_t *plane) {
  const edgec_dims in = p->input, out = p->output;
  const int32_t pixels = in.h * in.w, out_pixels = out.h * out.w;
  int32_t b, c, i, oy, ox;
  for (b = 0; b < out.n; ++b) {
    const int8_t *image = input + b * pixels * in.c;
    int8_t *result = output + b * out_pixels * out.c;
    for (c = 0; c < out.c; ++c) {
      for (i = 0; i < pixels; ++i) plane[i] = image[i * in.c + c];
      for (oy = 0; oy < out.h; ++oy) {
        for (ox = 0; ox < out.w; ++ox) {
          result[(oy * out.w + ox) * out.c + c] =
              edgec_depthwise_s8_element(p, plane, in.w, 1, filter, bias, oy, ox, c);
        }
      }
    }
  }
}
