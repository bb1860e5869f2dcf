/*
 * edgec_conv2d_add_s8 (Cortex-M, DSP extension): CONV_2D with the residual
 * ADD fused into its epilogue, bit-exact with the portable kernel (the
 * portable edgec_conv2d_s8 then edgec_add_s8).
 *
 * The convolution runs exactly as edgec_conv2d_s8's (edgec_cm_conv.h, the
 * same scratch and paths); a block of its int8 values lands in the scratch's
 * spare outputs (or on the stack, without scratch) instead of the output,
 * and edgec_cm_residual.h adds the skip tensor element by element, reading
 * each skip byte before writing the output byte at the same place — so the
 * output may be the skip tensor itself.
 */
#include "edgec/kernels.h"
#include "edgec_cm_conv.h"
#include "edgec_cm_residual.h"

void edgec_conv2d_add_s8(const edgec_conv2d_add_s8_params *p, const int8_t *input,
                         const int8_t *filter, const int32_t *bias, const int8_t *skip,
                         int8_t *output, void *scratch, int32_t scratch_bytes) {
  edgec_cm_residual residual;
  edgec_cm_residual_prepare(&p->add, &residual);
  edgec_cm_conv(&p->conv, input, filter, bias, &residual, skip, output, scratch, scratch_bytes);
}
