/*
 * edgec_dequantize_s8_f32: DEQUANTIZE int8 -> float32, bit-exact with TFLM's
 * reference_ops::Dequantize and EdgeReference's DequantizeS8F32Kernel:
 * scale * (q - zero_point) in single precision.
 */
#include "edgec/kernels.h"

void edgec_dequantize_s8_f32(const edgec_dequantize_s8_f32_params *p, const int8_t *input,
                             float *output) {
  int32_t i;
  for (i = 0; i < p->size; ++i) output[i] = p->scale * (float)(input[i] - p->zero_point);
}
