/*
 * edgec_mean_f32: float32 MEAN over the axes flagged in reduce[], as TFLM's
 * reference_ops::Mean computes it and bit-exact with EdgeReference's
 * MeanF32Kernel: each output's inputs are added in row-major order (the order
 * TFLM's input walk reaches them), then divided by their count.
 */
#include "edgec/kernels.h"

void edgec_mean_f32(const edgec_mean_f32_params *p, const float *input, float *output) {
  int32_t stride[EDGEC_MAX_DIMS], kept_index[EDGEC_MAX_DIMS] = {0};
  int32_t axis, outputs = 1, count = 1, base = 0, o;
  for (axis = p->rank - 1, o = 1; axis >= 0; --axis) {
    stride[axis] = o;
    o *= p->dims[axis];
    if (p->reduce[axis]) {
      count *= p->dims[axis];
    } else {
      outputs *= p->dims[axis];
    }
  }
  for (o = 0; o < outputs; ++o) {
    int32_t reduced_index[EDGEC_MAX_DIMS] = {0};
    int32_t offset = 0, i;
    float sum = 0.0f;
    for (i = 0; i < count; ++i) {
      sum += input[base + offset];
      for (axis = p->rank - 1; axis >= 0; --axis) {
        if (!p->reduce[axis]) continue;
        offset += stride[axis];
        if (++reduced_index[axis] < p->dims[axis]) break;
        offset -= stride[axis] * p->dims[axis];
        reduced_index[axis] = 0;
      }
    }
    output[o] = count > 0 ? sum / (float)count : 0.0f;
    for (axis = p->rank - 1; axis >= 0; --axis) {
      if (p->reduce[axis]) continue;
      base += stride[axis];
      if (++kept_index[axis] < p->dims[axis]) break;
      base -= stride[axis] * p->dims[axis];
      kept_index[axis] = 0;
    }
  }
}
