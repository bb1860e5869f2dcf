/*
 * edgec_squared_difference_f32: float32 SQUARED_DIFFERENCE, (a - b)^2 with
 * broadcasting (TFLM squared_difference.cc), as EdgeReference's
 * SubtractionF32Kernel; act_min/act_max are -inf/+inf (no fused activation).
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

void edgec_squared_difference_f32(const edgec_elementwise_f32_params *p, const float *input1, const float *input2,
                                  float *output) {
  const edgec_broadcast *b = &p->broadcast;
  const int32_t last = b->rank - 1;
  const int32_t inner = b->dims[last], step1 = b->stride1[last], step2 = b->stride2[last];
  int32_t counter[EDGEC_MAX_DIMS] = {0};
  int32_t base1 = 0, base2 = 0, outer = 1, axis, row, i;
  for (axis = 0; axis < last; ++axis) outer *= b->dims[axis];
  for (row = 0; row < outer; ++row) {
    for (i = 0; i < inner; ++i) {
      const float d = input1[base1 + i * step1] - input2[base2 + i * step2];
      *output++ = edgec_clamp_f32(d * d, p->act_min, p->act_max);
    }
    /* next row: odometer over the outer axes and their broadcast strides */
    for (axis = last - 1; axis >= 0; --axis) {
      base1 += b->stride1[axis];
      base2 += b->stride2[axis];
      if (++counter[axis] < b->dims[axis]) break;
      base1 -= b->stride1[axis] * b->dims[axis];
      base2 -= b->stride2[axis] * b->dims[axis];
      counter[axis] = 0;
    }
  }
}
