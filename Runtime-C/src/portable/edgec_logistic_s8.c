/*
 * edgec_logistic_s8: int8 LOGISTIC, bit-exact with TFLM's
 * reference_integer_ops::Logistic and EdgeReference's LogisticS8Kernel. The
 * offset input is scaled to Q4.27; gemmlowp's fixed-point logistic gives a
 * Q0.31 value, rounded to 1/256 steps with output zero point -128. Inputs at
 * or beyond input_range_radius saturate without arithmetic.
 */
#include "edgec/kernels.h"
#include "edgec_gemmlowp.h"

void edgec_logistic_s8(const edgec_logistic_s8_params *p, const int8_t *input, int8_t *output) {
  int32_t i;
  for (i = 0; i < p->size; ++i) {
    const int32_t x = input[i] - p->input_zero_point;
    if (x <= -p->input_range_radius) {
      output[i] = -128;
    } else if (x >= p->input_range_radius) {
      output[i] = 127;
    } else {
      const int32_t in_q4 =
          edgec_multiply_by_quantized_multiplier(x, p->input_multiplier, p->input_left_shift);
      const int32_t out_q0 = edgec_gl_logistic(in_q4, 4);
      output[i] = (int8_t)edgec_clamp(edgec_rounding_divide_by_pot(out_q0, 31 - 8) - 128, -128, 127);
    }
  }
}
