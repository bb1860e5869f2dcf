/*
 * edgec_batch_matmul_s8: int8 BATCH_MATMUL, bit-exact with TFLM's
 * batch_matmul.cc (reference_ops::BatchMatMul<int8_t, int32_t>, which sums
 * (rhs + rhs_offset) * (lhs + lhs_offset) over the inner axis) and with
 * EdgeReference's BatchMatMulS8Kernel. Transposed operands (adj_x, adj_y)
 * are read through the geometry's strides, so no copy is needed.
 *
 * The offsets come out of the inner loop: the sum equals
 *   sum(l * r) + rhs_offset * sum(l) + lhs_offset * sum(r) + depth * both offsets,
 * exactly, in int32. Each lhs row meets a block of four columns at once (four
 * accumulators, one lhs load per four products); the column sums are taken
 * once per block. Attention's logits and context products are the ViT's
 * largest non-FC cost, hence the blocking even in the portable kernel.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

static inline int8_t requantize(const edgec_batch_matmul_s8_params *p, int32_t acc) {
  const int32_t scaled =
      edgec_multiply_by_quantized_multiplier(acc, p->multiplier, p->shift) + p->output_offset;
  return (int8_t)(scaled < -128 ? -128 : (scaled > 127 ? 127 : scaled));
}

/* One batch: lhs [rows, depth] times rhs [depth, cols] into out [rows, cols]. */
static void matmul(const edgec_batch_matmul_s8_params *p, const int8_t *lhs, const int8_t *rhs,
                   int8_t *out) {
  const edgec_batch_matmul_geometry *g = &p->geometry;
  const int32_t lds = g->lhs_depth_stride, rds = g->rhs_depth_stride, rcs = g->rhs_col_stride;
  const int32_t both = g->depth * p->lhs_offset * p->rhs_offset;
  int32_t j0, i, d, c;
  for (j0 = 0; j0 < g->cols; j0 += 4) {
    const int32_t n = g->cols - j0 < 4 ? g->cols - j0 : 4;
    const int8_t *block = rhs + j0 * rcs;
    int32_t column_term[4] = {0, 0, 0, 0}; /* lhs_offset * sum(r) + depth * both offsets */
    for (c = 0; c < n; ++c) {
      const int8_t *col = block + c * rcs;
      int32_t sum = 0;
      for (d = 0; d < g->depth; ++d) sum += col[d * rds];
      column_term[c] = p->lhs_offset * sum + both;
    }
    for (i = 0; i < g->rows; ++i) {
      const int8_t *x = lhs + i * g->lhs_row_stride;
      int8_t *o = out + i * g->cols + j0;
      if (n == 4) {
        const int8_t *y = block;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, row_sum = 0;
        if (rcs == 1) {
          /* rhs rows contiguous (no adj_y, as the ViT's products): constant
           * offsets keep every stride out of the loop's registers. */
          for (d = 0; d < g->depth; ++d) {
            const int32_t v = *x;
            a0 += v * y[0];
            a1 += v * y[1];
            a2 += v * y[2];
            a3 += v * y[3];
            row_sum += v;
            x += lds;
            y += rds;
          }
        } else {
          for (d = 0; d < g->depth; ++d) {
            const int32_t v = *x;
            a0 += v * y[0];
            a1 += v * y[rcs];
            a2 += v * y[2 * rcs];
            a3 += v * y[3 * rcs];
            row_sum += v;
            x += lds;
            y += rds;
          }
        }
        row_sum *= p->rhs_offset;
        o[0] = requantize(p, a0 + row_sum + column_term[0]);
        o[1] = requantize(p, a1 + row_sum + column_term[1]);
        o[2] = requantize(p, a2 + row_sum + column_term[2]);
        o[3] = requantize(p, a3 + row_sum + column_term[3]);
      } else {
        for (c = 0; c < n; ++c) {
          const int8_t *y = block + c * rcs;
          int32_t acc = 0, row_sum = 0;
          for (d = 0; d < g->depth; ++d) {
            acc += (int32_t)x[d * lds] * y[d * rds];
            row_sum += x[d * lds];
          }
          o[c] = requantize(p, acc + p->rhs_offset * row_sum + column_term[c]);
        }
      }
    }
  }
}

void edgec_batch_matmul_s8(const edgec_batch_matmul_s8_params *p, const int8_t *lhs,
                           const int8_t *rhs, int8_t *output) {
  const edgec_batch_matmul_geometry *g = &p->geometry;
  int32_t b0, b1, b2;
  for (b0 = 0; b0 < g->batch[0]; ++b0) {
    for (b1 = 0; b1 < g->batch[1]; ++b1) {
      for (b2 = 0; b2 < g->batch[2]; ++b2) {
        matmul(p,
               lhs + b0 * g->lhs_batch_stride[0] + b1 * g->lhs_batch_stride[1] +
                   b2 * g->lhs_batch_stride[2],
               rhs + b0 * g->rhs_batch_stride[0] + b1 * g->rhs_batch_stride[1] +
                   b2 * g->rhs_batch_stride[2],
               output);
        output += g->rows * g->cols;
      }
    }
  }
}
