/*
 * edgec_neg_f32: float32 NEG, -x (TFLM and LiteRT reference_ops::Negate),
 * element by element, as EdgeReference's UnaryF32Kernel (.neg) computes it.
 * May run in place (output == input).
 */
#include <math.h>

#include "edgec/kernels.h"

void edgec_neg_f32(const edgec_unary_f32_params *p, const float *input, float *output) {
  int32_t i;
  for (i = 0; i < p->size; ++i) {
    const float x = input[i];
    output[i] = -x;
  }
}
