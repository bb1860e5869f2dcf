/*
 * edgec_softmax_f32: float32 SOFTMAX over the last axis, as TFLM's
 * reference_ops::Softmax computes it and bit-exact with EdgeReference's
 * SoftmaxF32Kernel on the same libm: exp((x - max) * beta), summed in order,
 * each divided by the sum.
 */
#include <float.h>
#include <math.h>

#include "edgec/kernels.h"

void edgec_softmax_f32(const edgec_softmax_f32_params *p, const float *input, float *output) {
  int32_t row, c;
  for (row = 0; row < p->outer; ++row) {
    const float *x = input + row * p->depth;
    float *y = output + row * p->depth;
    float max_in_row = -FLT_MAX, sum = 0.0f;
    for (c = 0; c < p->depth; ++c) {
      if (max_in_row < x[c]) max_in_row = x[c];
    }
    for (c = 0; c < p->depth; ++c) {
      y[c] = expf((x[c] - max_in_row) * p->beta);
      sum += y[c];
    }
    for (c = 0; c < p->depth; ++c) y[c] = y[c] / sum;
  }
}
