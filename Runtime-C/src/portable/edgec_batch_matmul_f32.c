/*
 * edgec_batch_matmul_f32: float32 BATCH_MATMUL, TFLM's reference
 * BatchMatMul<float, float>: each output element is the sum of the products
 * over the inner axis in ascending order (the same order as
 * EdgeReference's BatchMatMulF32Kernel).
 */
#include "edgec/kernels.h"

void edgec_batch_matmul_f32(const edgec_batch_matmul_f32_params *p, const float *lhs,
                            const float *rhs, float *output) {
  const edgec_batch_matmul_geometry *g = &p->geometry;
  int32_t b0, b1, b2, i, j, d;
  for (b0 = 0; b0 < g->batch[0]; ++b0) {
    for (b1 = 0; b1 < g->batch[1]; ++b1) {
      for (b2 = 0; b2 < g->batch[2]; ++b2) {
        const float *l = lhs + b0 * g->lhs_batch_stride[0] + b1 * g->lhs_batch_stride[1] +
                         b2 * g->lhs_batch_stride[2];
        const float *r = rhs + b0 * g->rhs_batch_stride[0] + b1 * g->rhs_batch_stride[1] +
                         b2 * g->rhs_batch_stride[2];
        for (i = 0; i < g->rows; ++i) {
          const float *row = l + i * g->lhs_row_stride;
          for (j = 0; j < g->cols; ++j) {
            const float *col = r + j * g->rhs_col_stride;
            float total = 0.0f;
            for (d = 0; d < g->depth; ++d) {
              total += col[d * g->rhs_depth_stride] * row[d * g->lhs_depth_stride];
            }
            *output++ = total;
          }
        }
      }
    }
  }
}
