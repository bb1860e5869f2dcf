/*
 * edgec_gelu_f32: float32 GELU, LiteRT's GeluTransform 0.5 x (1 + erf(x / sqrt 2))
 * in its form 0.5 x erfc(-x / sqrt 2); erfcf is the target libm's (LiteRT's
 * float path is Eigen's erf), so results differ from LiteRT's in the last bits,
 * element by element, as EdgeReference's UnaryF32Kernel (.gelu) computes it.
 * May run in place (output == input).
 */
#include <math.h>

#include "edgec/kernels.h"

void edgec_gelu_f32(const edgec_unary_f32_params *p, const float *input, float *output) {
  int32_t i;
  for (i = 0; i < p->size; ++i) {
    const float x = input[i];
    output[i] = 0.5f * x * erfcf(x * -0.70710678118654752440f); /* no 1 + erf cancellation */
  }
}
