/*
 * edgec_conv2d_s8: int8 CONV_2D, bit-exact with TFLM's reference
 * ConvPerChannel and EdgeReference's Conv2DS8Kernel. Every output element is
 * edgec_conv2d_element.h's, in NHWC order. Needs no scratch.
 */
#include "edgec/kernels.h"
#include "edgec_conv2d_element.h"

void edgec_conv2d_s8(const edgec_conv2d_s8_params *p, const int8_t *input, const int8_t *filter,
                     const int32_t *bias, int8_t *output, void *scratch, int32_t scratch_bytes) {
  const edgec_dims out = p->output;
  int32_t b, oy, ox, oc;
  (void)scratch;
  (void)scratch_bytes;
  for (b = 0; b < out.n; ++b) {
    for (oy = 0; oy < out.h; ++oy) {
      for (ox = 0; ox < out.w; ++ox) {
        for (oc = 0; oc < out.c; ++oc) {
          *output++ = edgec_conv2d_s8_element(p, input, filter, bias, b, oy, ox, oc);
        }
      }
    }
  }
}
