/*
 * edgec_mean_s8: int8 MEAN over the axes flagged in reduce[], bit-exact with
 * TFLM's reference_ops::QuantizedMeanOrSum (its only int8 MEAN path) and
 * EdgeReference's MeanS8Kernel. For each output element, in row-major order
 * over the kept axes, the raw inputs are summed in int32, input_zp *
 * num_elements is taken off, and the result is requantized once.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

void edgec_mean_s8(const edgec_mean_s8_params *p, const int8_t *input, int8_t *output) {
  int32_t stride[EDGEC_MAX_DIMS], kept_index[EDGEC_MAX_DIMS] = {0};
  int32_t axis, outputs = 1, base = 0, o;
  for (axis = p->rank - 1, o = 1; axis >= 0; --axis) {
    stride[axis] = o;
    o *= p->dims[axis];
    if (!p->reduce[axis]) outputs *= p->dims[axis];
  }
  for (o = 0; o < outputs; ++o) {
    int32_t reduced_index[EDGEC_MAX_DIMS] = {0};
    int32_t sum = 0, offset = 0, i, scaled;
    if (p->num_elements == 0) {
      output[o] = 0;
      continue;
    }
    for (i = 0; i < p->num_elements; ++i) {
      sum = (int32_t)((uint32_t)sum + (uint32_t)input[base + offset]); /* wraps like TFLM */
      /* next reduced element: odometer over the reduced axes */
      for (axis = p->rank - 1; axis >= 0; --axis) {
        if (!p->reduce[axis]) continue;
        offset += stride[axis];
        if (++reduced_index[axis] < p->dims[axis]) break;
        offset -= stride[axis] * p->dims[axis];
        reduced_index[axis] = 0;
      }
    }
    scaled = edgec_multiply_by_quantized_multiplier(
        (int32_t)((int64_t)sum + (int64_t)p->input_offset * p->num_elements), p->multiplier,
        p->shift);
    output[o] = (int8_t)edgec_clamp(scaled + p->output_offset, -128, 127);
    /* next output element: odometer over the kept axes */
    for (axis = p->rank - 1; axis >= 0; --axis) {
      if (p->reduce[axis]) continue;
      base += stride[axis];
      if (++kept_index[axis] < p->dims[axis]) break;
      base -= stride[axis] * p->dims[axis];
      kept_index[axis] = 0;
    }
  }
}
