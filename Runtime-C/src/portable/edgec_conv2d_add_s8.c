/*
 * edgec_conv2d_add_s8: int8 CONV_2D followed by a residual ADD with the skip
 * tensor, in one pass: element i of the output is edgec/residual.h's ADD of
 * the convolution's element i (edgec_conv2d_element.h, exactly what
 * edgec_conv2d_s8 writes) and skip[i]. Elements go in order and skip[i] is
 * read before output[i] is written, so the output may be the skip tensor
 * itself. Bit-exact with edgec_conv2d_s8 then edgec_add_s8 (TFLM's CONV_2D
 * then ADD). Needs no scratch.
 */
#include "edgec/kernels.h"
#include "edgec/residual.h"
#include "edgec_conv2d_element.h"

void edgec_conv2d_add_s8(const edgec_conv2d_add_s8_params *p, const int8_t *input,
                         const int8_t *filter, const int32_t *bias, const int8_t *skip,
                         int8_t *output, void *scratch, int32_t scratch_bytes) {
  const edgec_dims out = p->conv.output;
  int32_t b, oy, ox, oc, i = 0;
  (void)scratch;
  (void)scratch_bytes;
  for (b = 0; b < out.n; ++b) {
    for (oy = 0; oy < out.h; ++oy) {
      for (ox = 0; ox < out.w; ++ox) {
        for (oc = 0; oc < out.c; ++oc, ++i) {
          const int8_t v = edgec_conv2d_s8_element(&p->conv, input, filter, bias, b, oy, ox, oc);
          const int8_t s = skip[i];
          output[i] = edgec_residual_add_s8(&p->add, v, s);
        }
      }
    }
  }
}
