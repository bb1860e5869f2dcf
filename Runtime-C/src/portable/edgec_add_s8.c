/*
 * edgec_add_s8: int8 ADD with broadcasting, bit-exact with TFLM's
 * reference_integer_ops::Add / BroadcastAdd6DSlow and EdgeReference's
 * AddS8Kernel. The element arithmetic is edgec/residual.h's, shared with the
 * fused CONV_2D + ADD. The output is produced in row-major order: the
 * innermost axis as a strided loop, the outer axes as an odometer over the
 * broadcast strides.
 */
#include "edgec/kernels.h"
#include "edgec/residual.h"

void edgec_add_s8(const edgec_add_s8_params *p, const int8_t *input1, const int8_t *input2,
                  int8_t *output) {
  const edgec_broadcast *b = &p->broadcast;
  const int32_t last = b->rank - 1;
  const int32_t inner = b->dims[last], step1 = b->stride1[last], step2 = b->stride2[last];
  const edgec_residual_s8 a = edgec_residual_of_add(p);
  int32_t counter[EDGEC_MAX_DIMS] = {0};
  int32_t base1 = 0, base2 = 0, outer = 1, axis, row, i;
  for (axis = 0; axis < last; ++axis) outer *= b->dims[axis];
  for (row = 0; row < outer; ++row) {
    for (i = 0; i < inner; ++i) {
      *output++ = edgec_residual_add_s8(&a, input1[base1 + i * step1], input2[base2 + i * step2]);
    }
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
