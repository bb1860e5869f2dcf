/*
 * edgec_conv2d_s8 (Cortex-M, DSP extension): int8 CONV_2D, bit-exact with the
 * portable kernel (TFLM's reference ConvPerChannel).
 *
 * With the scratch of EDGEC_CM_CONV_SCRATCH_BYTES (edgec_cm_dsp.h), four
 * output pixels at a time go against every filter row in the block path;
 * with too little for that (none, at a model's peak step), the scratch-free
 * direct path widens inputs and weights on the fly. edgec_cm_conv.h says
 * which layers take which path.
 */
#include "edgec/kernels.h"
#include "edgec_cm_conv.h"

void edgec_conv2d_s8(const edgec_conv2d_s8_params *p, const int8_t *input, const int8_t *filter,
                     const int32_t *bias, int8_t *output, void *scratch, int32_t scratch_bytes) {
  edgec_cm_conv(p, input, filter, bias, NULL, NULL, output, scratch, scratch_bytes);
}
