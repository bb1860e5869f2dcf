/*
 * edgec_quantize_f32_s8: QUANTIZE float32 -> int8, bit-exact with TFLM's
 * reference_ops::AffineQuantize on x86 and EdgeReference's QuantizeF32S8Kernel:
 * round(x / scale) half away from zero in float, plus the zero point, clamped.
 * A NaN or out-of-int32 quotient becomes INT32_MIN (what x86's conversion
 * gives TFLM) and the zero point is added with wrap-around.
 */
#include <math.h>

#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

void edgec_quantize_f32_s8(const edgec_quantize_f32_s8_params *p, const float *input,
                           int8_t *output) {
  int32_t i;
  for (i = 0; i < p->size; ++i) {
    const float rounded = roundf(input[i] / p->scale);
    const int32_t integer = (rounded >= -2147483648.0f && rounded < 2147483648.0f)
                                ? (int32_t)rounded
                                : INT32_MIN;
    const int32_t shifted = (int32_t)((uint32_t)integer + (uint32_t)p->zero_point);
    output[i] = (int8_t)edgec_clamp(shifted, -128, 127);
  }
}
