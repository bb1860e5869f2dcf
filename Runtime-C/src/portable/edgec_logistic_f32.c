/*
 * edgec_logistic_f32: float32 LOGISTIC, as TFLM's reference_ops::Logistic
 * computes it and bit-exact with EdgeReference's LogisticF32Kernel on the same
 * libm: 1 above the upper cutoff, exp(x) below the lower one, 1 / (1 + exp(-x))
 * between.
 */
#include <math.h>

#include "edgec/kernels.h"

void edgec_logistic_f32(const edgec_logistic_f32_params *p, const float *input, float *output) {
  const float cutoff_upper = 16.619047164916992188f;
  const float cutoff_lower = -9.0f;
  int32_t i;
  for (i = 0; i < p->size; ++i) {
    const float x = input[i];
    if (x > cutoff_upper) {
      output[i] = 1.0f;
    } else if (x < cutoff_lower) {
      output[i] = expf(x);
    } else {
      output[i] = 1.0f / (1.0f + expf(-x));
    }
  }
}
