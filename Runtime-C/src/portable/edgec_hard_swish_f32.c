/*
 * edgec_hard_swish_f32: float32 HARD_SWISH, x * min(6, max(0, x + 3)) / 6 in that
 * order (reference_ops::HardSwish),
 * element by element, as EdgeReference's UnaryF32Kernel (.hardSwish) computes it.
 * May run in place (output == input).
 */
#include <math.h>

#include "edgec/kernels.h"

void edgec_hard_swish_f32(const edgec_unary_f32_params *p, const float *input, float *output) {
  int32_t i;
  for (i = 0; i < p->size; ++i) {
    const float x = input[i];
    output[i] = x * fminf(6.0f, fmaxf(0.0f, x + 3.0f)) / 6.0f;
  }
}
