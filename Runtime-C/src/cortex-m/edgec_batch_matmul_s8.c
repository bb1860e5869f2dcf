/*
 * edgec_batch_matmul_s8 (Cortex-M, DSP): int8 BATCH_MATMUL, bit-exact with
 * src/portable/edgec_batch_matmul_s8.c (TFLM's reference BatchMatMul).
 *
 * The same decomposition as the portable kernel — the offsets leave the inner
 * loop as sum(l·r) + rhs_offset·sum(l) + lhs_offset·sum(r) + depth·both, exact
 * in int32 — and the same blocks of four output columns. Where the ViT's
 * products are (lhs rows contiguous, rhs rows contiguous: no adj_x, no
 * adj_y) each step takes four inner indices: one word of lhs, split by
 * SXTB16 into the lanes (d, d+2) and (d+1, d+3); four words of rhs rows,
 * whose bytes SXTB16 and PKHBT/PKHTB regroup into the same lane pairs per
 * column; eight SMLADs make the sixteen products and two more the row sum.
 * Integer sums in another order are the same sums, so the outputs equal the
 * portable kernel's bit for bit. Other layouts take the portable loops.
 * The requantization is edgec_dsp_requant.h's SMMULR form (TFLM's double
 * rounding, exactly) whenever its overflow check passes for the largest
 * possible sum, depth · 255 · 255; else fixedpoint.h's scalar code.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_dsp_requant.h"
#include "edgec_dsp_simd.h"

/* (bottom(a), bottom(b)) and (top(a), top(b)) as 16x2 lanes: PKHBT, PKHTB. */
EDGEC_DSP_INLINE uint32_t lanes_bottom(uint32_t a, uint32_t b) {
  return edgec_dsp_pack16((int32_t)a, (int32_t)b);
}

EDGEC_DSP_INLINE uint32_t lanes_top(uint32_t a, uint32_t b) {
#if EDGEC_DSP_HARDWARE
  uint32_t r;
  __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(b), "r"(a));
  return r;
#else
  return (a >> 16) | (b & 0xFFFF0000u);
#endif
}

/* The call's requantization: the DSP form when `fast`, else TFLM's scalar code. */
typedef struct {
  edgec_dsp_requant q;
  int fast;
} requant;

static inline int8_t requantize(const edgec_batch_matmul_s8_params *p, const requant *r,
                                int32_t acc) {
  int32_t scaled;
  if (r->fast) {
    return (int8_t)edgec_dsp_requantize((int32_t)((uint32_t)acc << r->q.pre_shift), r->q.multiplier,
                                        r->q.round, r->q.shift);
  }
  scaled =
      edgec_multiply_by_quantized_multiplier(acc, p->multiplier, p->shift) + p->output_offset;
  return (int8_t)(scaled < -128 ? -128 : (scaled > 127 ? 127 : scaled));
}

/* Four columns of a row, both operands contiguous along the inner axis for
 * lhs (x) and along the columns for rhs (y, rows rds apart): the raw sums
 * sum(l·r) in acc[0..3] and sum(l) returned. */
static int32_t block4_dsp(const int8_t *x, const int8_t *y, int32_t depth, int32_t rds,
                          int32_t acc[4]) {
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, row_sum = 0, d;
  for (d = 0; d + 4 <= depth; d += 4) {
    const uint32_t l = edgec_dsp_load32(x + d);
    const uint32_t l02 = edgec_dsp_sxtab16(0, l), l13 = edgec_dsp_sxtab16_ror8(0, l);
    const uint32_t w0 = edgec_dsp_load32(y), w1 = edgec_dsp_load32(y + rds);
    const uint32_t w2 = edgec_dsp_load32(y + 2 * rds), w3 = edgec_dsp_load32(y + 3 * rds);
    /* Rows d and d+2: columns 0, 2 (even bytes) and 1, 3 (odd bytes). */
    uint32_t even_a = edgec_dsp_sxtab16(0, w0), odd_a = edgec_dsp_sxtab16_ror8(0, w0);
    uint32_t even_b = edgec_dsp_sxtab16(0, w2), odd_b = edgec_dsp_sxtab16_ror8(0, w2);
    a0 = edgec_dsp_smlad(l02, lanes_bottom(even_a, even_b), a0);
    a2 = edgec_dsp_smlad(l02, lanes_top(even_a, even_b), a2);
    a1 = edgec_dsp_smlad(l02, lanes_bottom(odd_a, odd_b), a1);
    a3 = edgec_dsp_smlad(l02, lanes_top(odd_a, odd_b), a3);
    /* Rows d+1 and d+3. */
    even_a = edgec_dsp_sxtab16(0, w1);
    odd_a = edgec_dsp_sxtab16_ror8(0, w1);
    even_b = edgec_dsp_sxtab16(0, w3);
    odd_b = edgec_dsp_sxtab16_ror8(0, w3);
    a0 = edgec_dsp_smlad(l13, lanes_bottom(even_a, even_b), a0);
    a2 = edgec_dsp_smlad(l13, lanes_top(even_a, even_b), a2);
    a1 = edgec_dsp_smlad(l13, lanes_bottom(odd_a, odd_b), a1);
    a3 = edgec_dsp_smlad(l13, lanes_top(odd_a, odd_b), a3);
    row_sum = edgec_dsp_smlad(l02, 0x00010001u, row_sum);
    row_sum = edgec_dsp_smlad(l13, 0x00010001u, row_sum);
    y += 4 * rds;
  }
  for (; d < depth; ++d) {
    const int32_t v = x[d];
    a0 += v * y[0];
    a1 += v * y[1];
    a2 += v * y[2];
    a3 += v * y[3];
    row_sum += v;
    y += rds;
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
  return row_sum;
}

/* The same sums for any strides (the portable kernel's loop). */
static int32_t block4_strided(const int8_t *x, const int8_t *y, int32_t depth, int32_t lds,
                              int32_t rds, int32_t rcs, int32_t acc[4]) {
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, row_sum = 0, d;
  for (d = 0; d < depth; ++d) {
    const int32_t v = *x;
    a0 += v * y[0];
    a1 += v * y[rcs];
    a2 += v * y[2 * rcs];
    a3 += v * y[3 * rcs];
    row_sum += v;
    x += lds;
    y += rds;
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
  return row_sum;
}

/* One batch: lhs [rows, depth] times rhs [depth, cols] into out [rows, cols]. */
static void matmul(const edgec_batch_matmul_s8_params *p, const requant *r, const int8_t *lhs,
                   const int8_t *rhs, int8_t *out) {
  const edgec_batch_matmul_geometry *g = &p->geometry;
  const int32_t lds = g->lhs_depth_stride, rds = g->rhs_depth_stride, rcs = g->rhs_col_stride;
  const int32_t both = g->depth * p->lhs_offset * p->rhs_offset;
  const int dsp = lds == 1 && rcs == 1;
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
        int32_t acc[4], row_term;
        row_term = dsp ? block4_dsp(x, block, g->depth, rds, acc)
                       : block4_strided(x, block, g->depth, lds, rds, rcs, acc);
        row_term *= p->rhs_offset;
        for (c = 0; c < 4; ++c) o[c] = requantize(p, r, acc[c] + row_term + column_term[c]);
      } else {
        for (c = 0; c < n; ++c) {
          const int8_t *y = block + c * rcs;
          int32_t acc = 0, row_sum = 0;
          for (d = 0; d < g->depth; ++d) {
            acc += (int32_t)x[d * lds] * y[d * rds];
            row_sum += x[d * lds];
          }
          o[c] = requantize(p, r, acc + p->rhs_offset * row_sum + column_term[c]);
        }
      }
    }
  }
}

void edgec_batch_matmul_s8(const edgec_batch_matmul_s8_params *p, const int8_t *lhs,
                           const int8_t *rhs, int8_t *output) {
  const edgec_batch_matmul_geometry *g = &p->geometry;
  /* |(l + lhs_offset) · (r + rhs_offset)| <= 255 · 255 per product. */
  const uint32_t bound = g->depth > 33025 ? 0xFFFFFFFFu : (uint32_t)g->depth * 65025u;
  requant r = {{0, 0, 1, 0}, 0};
  int32_t b0, b1, b2;
  r.fast = edgec_dsp_requant_prepare(p->multiplier, p->shift, p->output_offset, bound, &r.q);
  for (b0 = 0; b0 < g->batch[0]; ++b0) {
    for (b1 = 0; b1 < g->batch[1]; ++b1) {
      for (b2 = 0; b2 < g->batch[2]; ++b2) {
        matmul(p, &r,
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
