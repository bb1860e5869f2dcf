/*
 * edgec_gelu_tanh_f32: float32 GELU with approximate = true, LiteRT's
 * GeluTransformApproximate 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)));
 * tanhf is the target libm's,
 * element by element, as EdgeReference's UnaryF32Kernel (.geluTanh) computes it.
 * May run in place (output == input).
 */
#include <math.h>

#include "edgec/kernels.h"

void edgec_gelu_tanh_f32(const edgec_unary_f32_params *p, const float *input, float *output) {
  int32_t i;
  for (i = 0; i < p->size; ++i) {
    const float x = input[i];
    /* sqrt(2/pi) as LiteRT's float(M_2_SQRTPI * M_SQRT1_2) */
    output[i] = 0.5f * x * (1.0f + tanhf(0.79788456080286535588f * (x + 0.044715f * x * x * x)));
  }
}
