/*
 * edgec_fully_connected_f32: float FULLY_CONNECTED as TFLM's reference
 * FullyConnected (tensorflow/lite/kernels/internal/reference/fully_connected.h),
 * bit-identical with EdgeReference's FullyConnectedF32Kernel: products summed
 * in feature order, each in its own statement (no fused multiply-add), then
 * total + bias, then the clamp.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

void edgec_fully_connected_f32(const edgec_fully_connected_f32_params *p, const float *input,
                               const float *filter, const float *bias, float *output) {
  int32_t b, oc, d;
  for (b = 0; b < p->batches; ++b) {
    const float *x = input + b * p->accum_depth;
    for (oc = 0; oc < p->output_depth; ++oc) {
      const float *w = filter + oc * p->accum_depth;
      float total = 0.0f;
      for (d = 0; d < p->accum_depth; ++d) {
        const float product = x[d] * w[d];
        total += product;
      }
      total = total + (bias != NULL ? bias[oc] : 0.0f);
      *output++ = edgec_clamp_f32(total, p->act_min, p->act_max);
    }
  }
}
