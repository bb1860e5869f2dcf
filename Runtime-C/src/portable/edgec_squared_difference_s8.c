/*
 * edgec_squared_difference_s8: int8 SQUARED_DIFFERENCE with broadcasting, bit-exact
 * with TFLM's squared_difference.cc and EdgeReference's SubtractionS8Kernel:
 * like SUB with left_shift 7 (255^2 * 2^14 fits int32), then the squared
 * difference requantized with a general multiplier, offset and clamped
 * (act_min/act_max: -128/127). The fields are ADD's (edgec_add_s8_params).
 */
#include "edgec/kernels.h"
#include "edgec_subtraction.h"

void edgec_squared_difference_s8(const edgec_add_s8_params *p, const int8_t *input1, const int8_t *input2,
                                 int8_t *output) {
  const edgec_broadcast *b = &p->broadcast;
  const int32_t last = b->rank - 1;
  const int32_t inner = b->dims[last], step1 = b->stride1[last], step2 = b->stride2[last];
  int32_t counter[EDGEC_MAX_DIMS] = {0};
  int32_t base1 = 0, base2 = 0, outer = 1, axis, row, i;
  for (axis = 0; axis < last; ++axis) outer *= b->dims[axis];
  for (row = 0; row < outer; ++row) {
    for (i = 0; i < inner; ++i) {
      const int32_t diff =
          edgec_sub_difference(p, input1[base1 + i * step1], input2[base2 + i * step2]);
      const int32_t raw =
          edgec_sub_requantize(diff * diff, p->output_multiplier, p->output_shift) + p->output_offset;
      *output++ = (int8_t)edgec_clamp(raw, p->act_min, p->act_max);
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
