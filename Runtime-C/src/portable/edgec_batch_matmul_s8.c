/*
 * edgec_batch_matmul_s8: int8 BATCH_MATMUL, bit-exact with TFLM's
 * batch_matmul.cc (reference_ops::BatchMatMul<int8_t, int32_t>, called with
 * the operands swapped, hence the rhs value first in each product) and with
 * EdgeReference's BatchMatMulS8Kernel. Transposed operands (adj_x, adj_y)
 * are read through the geometry's strides, so no copy is needed.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

void edgec_batch_matmul_s8(const edgec_batch_matmul_s8_params *p, const int8_t *lhs,
                           const int8_t *rhs, int8_t *output) {
  const edgec_batch_matmul_geometry *g = &p->geometry;
  int32_t b0, b1, b2, i, j, d;
  for (b0 = 0; b0 < g->batch[0]; ++b0) {
    for (b1 = 0; b1 < g->batch[1]; ++b1) {
      for (b2 = 0; b2 < g->batch[2]; ++b2) {
        const int8_t *l = lhs + b0 * g->lhs_batch_stride[0] + b1 * g->lhs_batch_stride[1] +
                          b2 * g->lhs_batch_stride[2];
        const int8_t *r = rhs + b0 * g->rhs_batch_stride[0] + b1 * g->rhs_batch_stride[1] +
                          b2 * g->rhs_batch_stride[2];
        for (i = 0; i < g->rows; ++i) {
          const int8_t *row = l + i * g->lhs_row_stride;
          for (j = 0; j < g->cols; ++j) {
            const int8_t *col = r + j * g->rhs_col_stride;
            int32_t acc = 0, scaled;
            for (d = 0; d < g->depth; ++d) {
              acc += ((int32_t)col[d * g->rhs_depth_stride] + p->rhs_offset) *
                     ((int32_t)row[d * g->lhs_depth_stride] + p->lhs_offset);
            }
            scaled = edgec_multiply_by_quantized_multiplier(acc, p->multiplier, p->shift) +
                     p->output_offset;
            *output++ = (int8_t)(scaled < -128 ? -128 : (scaled > 127 ? 127 : scaled));
          }
        }
      }
    }
  }
}
