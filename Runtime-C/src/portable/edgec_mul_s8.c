/*
 * edgec_mul_s8: int8 MUL with broadcasting, bit-exact with TFLM's
 * reference_integer_ops::Mul / BroadcastMul4DSlow and EdgeReference's
 * MulS8Kernel: the product of the offset inputs, requantized once by
 * input1_scale * input2_scale / output_scale. Broadcasting walks the output as
 * in edgec_add_s8.c.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

void edgec_mul_s8(const edgec_mul_s8_params *p, const int8_t *input1, const int8_t *input2,
                  int8_t *output) {
  const edgec_broadcast *b = &p->broadcast;
  const int32_t last = b->rank - 1;
  const int32_t inner = b->dims[last], step1 = b->stride1[last], step2 = b->stride2[last];
  int32_t counter[EDGEC_MAX_DIMS] = {0};
  int32_t base1 = 0, base2 = 0, outer = 1, axis, row, i;
  for (axis = 0; axis < last; ++axis) outer *= b->dims[axis];
  for (row = 0; row < outer; ++row) {
    for (i = 0; i < inner; ++i) {
      const int32_t product = (p->input1_offset + input1[base1 + i * step1]) *
                              (p->input2_offset + input2[base2 + i * step2]);
      const int32_t raw =
          p->output_offset +
          edgec_multiply_by_quantized_multiplier(product, p->output_multiplier, p->output_shift);
      *output++ = (int8_t)edgec_clamp(raw, p->act_min, p->act_max);
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
