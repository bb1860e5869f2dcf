/*
 * edgec_requantize_s8: QUANTIZE int8 -> int8 (a new scale and zero point),
 * bit-exact with TFLM's reference_ops::Requantize and EdgeReference's
 * RequantizeS8Kernel: (q - input_zp) * input_scale / output_scale + output_zp,
 * clamped.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

void edgec_requantize_s8(const edgec_requantize_s8_params *p, const int8_t *input,
                         int8_t *output) {
  int32_t i;
  for (i = 0; i < p->size; ++i) {
    const int32_t scaled = edgec_multiply_by_quantized_multiplier(
        input[i] - p->input_zero_point, p->multiplier, p->shift);
    output[i] = (int8_t)edgec_clamp(scaled + p->output_zero_point, -128, 127);
  }
}
