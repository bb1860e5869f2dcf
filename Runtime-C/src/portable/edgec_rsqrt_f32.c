/*
 * edgec_rsqrt_f32: float32 RSQRT, 1 / sqrtf(x) (TFLM elementwise.cc),
 * element by element, as EdgeReference's UnaryF32Kernel (.rsqrt) computes it.
 * May run in place (output == input).
 */
#include <math.h>

#include "edgec/kernels.h"

void edgec_rsqrt_f32(const edgec_unary_f32_params *p, const float *input, float *output) {
  int32_t i;
  for (i = 0; i < p->size; ++i) {
    const float x = input[i];
    output[i] = 1.0f / sqrtf(x);
  }
}
