/*
 * edgec_avg_pool_s8 (Cortex-M, DSP): int8 AVERAGE_POOL_2D, bit-exact with
 * src/portable/edgec_avg_pool_s8.c (TFLM's reference AveragePool).
 *
 * Channels are innermost, so a word load brings four channels of one tap and
 * SXTAB16 adds them, sign-extended, into two words of int16 lanes (channels
 * c, c+2 and c+1, c+3): three instructions per four channel-taps. A window of
 * at most 256 taps cannot overflow an int16 lane (256 · -128 = -32768), which
 * covers every real pool, including the global ones of the MLPerf Tiny
 * models; larger windows and the channels past the last multiple of four take
 * the portable loop. Up to four groups of four channels are carried in
 * registers, so a tap's row pointer is walked once per sixteen channels. The
 * division by the in-bounds count is one SDIV per channel, after the rounding
 * term of TFLM (half the count, towards the sign of the sum).
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_dsp_simd.h"

enum { AVG_MAX_LANE_TAPS = 256 };

/* round(sum / count), halves away from zero (C division truncates). */
static int32_t avg_divide(int32_t sum, int32_t count) {
  const int32_t half = count / 2;
  return (sum < 0 ? sum - half : sum + half) / count;
}

/* The four averages of one group's lane sums, clamped, stored at y. */
static void avg_store(uint32_t even, uint32_t odd, int32_t count, uint32_t lo4, uint32_t hi4,
                      int clamp, int8_t *y) {
  uint32_t v = edgec_dsp_pack4(avg_divide((int16_t)(even & 0xFFFFu), count),
                               avg_divide((int16_t)(odd & 0xFFFFu), count),
                               avg_divide((int16_t)(even >> 16), count),
                               avg_divide((int16_t)(odd >> 16), count));
  if (clamp) v = edgec_dsp_clamp4(v, lo4, hi4);
  edgec_dsp_store32(y, v);
}

/* The averages over the window rows x .. x + rows·row_step and `cols` columns
 * of `groups` (1..4) groups of four channels, at y. */
static void avg_window(const int8_t *x, int32_t row_step, int32_t col_step, int32_t rows,
                       int32_t cols, int32_t groups, uint32_t lo4, uint32_t hi4, int clamp,
                       int8_t *y) {
  uint32_t e0 = 0, o0 = 0, e1 = 0, o1 = 0, e2 = 0, o2 = 0, e3 = 0, o3 = 0;
  int32_t fy, fx;
  for (fy = 0; fy < rows; ++fy, x += row_step) {
    const int8_t *t = x;
    for (fx = 0; fx < cols; ++fx, t += col_step) {
      uint32_t w = edgec_dsp_load32(t);
      e0 = edgec_dsp_sxtab16(e0, w);
      o0 = edgec_dsp_sxtab16_ror8(o0, w);
      if (groups > 1) {
        w = edgec_dsp_load32(t + 4);
        e1 = edgec_dsp_sxtab16(e1, w);
        o1 = edgec_dsp_sxtab16_ror8(o1, w);
      }
      if (groups > 2) {
        w = edgec_dsp_load32(t + 8);
        e2 = edgec_dsp_sxtab16(e2, w);
        o2 = edgec_dsp_sxtab16_ror8(o2, w);
      }
      if (groups > 3) {
        w = edgec_dsp_load32(t + 12);
        e3 = edgec_dsp_sxtab16(e3, w);
        o3 = edgec_dsp_sxtab16_ror8(o3, w);
      }
    }
  }
  avg_store(e0, o0, rows * cols, lo4, hi4, clamp, y);
  if (groups > 1) avg_store(e1, o1, rows * cols, lo4, hi4, clamp, y + 4);
  if (groups > 2) avg_store(e2, o2, rows * cols, lo4, hi4, clamp, y + 8);
  if (groups > 3) avg_store(e3, o3, rows * cols, lo4, hi4, clamp, y + 12);
}

void edgec_avg_pool_s8(const edgec_pool_s8_params *p, const int8_t *input, int8_t *output) {
  const edgec_dims in = p->input, out = p->output;
  const int32_t depth = out.c;
  const uint32_t lo4 = edgec_dsp_quad8(p->act_min), hi4 = edgec_dsp_quad8(p->act_max);
  const int clamp = p->act_min > -128 || p->act_max < 127;
  int32_t b, oy, ox, c, fy, fx;
  for (b = 0; b < out.n; ++b) {
    for (oy = 0; oy < out.h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      const int32_t fy_start = iy0 < 0 ? -iy0 : 0;
      const int32_t fy_end = p->filter_h < in.h - iy0 ? p->filter_h : in.h - iy0;
      for (ox = 0; ox < out.w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        const int32_t fx_start = ix0 < 0 ? -ix0 : 0;
        const int32_t fx_end = p->filter_w < in.w - ix0 ? p->filter_w : in.w - ix0;
        const int32_t rows = fy_end - fy_start, cols = fx_end - fx_start;
        const int32_t vector_end = rows * cols <= AVG_MAX_LANE_TAPS ? depth & ~3 : 0;
        int8_t *y = output + ((b * out.h + oy) * out.w + ox) * depth;
        const int8_t *window;
        if (rows <= 0 || cols <= 0) {
          /* An empty window averages to 0. */
          for (c = 0; c < depth; ++c) y[c] = (int8_t)edgec_clamp(0, p->act_min, p->act_max);
          continue;
        }
        window = input + ((b * in.h + iy0 + fy_start) * in.w + ix0 + fx_start) * in.c;
        for (c = 0; c < vector_end; c += 16) {
          const int32_t groups = (vector_end - c) >> 2 < 4 ? (vector_end - c) >> 2 : 4;
          avg_window(window + c, in.w * in.c, in.c, rows, cols, groups, lo4, hi4, clamp, y + c);
        }
        for (c = vector_end; c < depth; ++c) {
          int32_t sum = 0;
          for (fy = 0; fy < rows; ++fy) {
            for (fx = 0; fx < cols; ++fx) sum += window[(fy * in.w + fx) * in.c + c];
          }
          y[c] = (int8_t)edgec_clamp(avg_divide(sum, rows * cols), p->act_min, p->act_max);
        }
      }
    }
  }
}
