/*
 * edgec_max_pool_s8 (Cortex-M, DSP): int8 MAX_POOL_2D, bit-exact with
 * src/portable/edgec_max_pool_s8.c (TFLM's reference MaxPool).
 *
 * Channels are innermost, so a word load brings four channels of one tap and
 * SSUB8 + SEL keep the per-byte maximum: two instructions per four
 * channel-taps. The running maximum starts at -128 in every lane (padding
 * never wins: the window is clipped to the input, as in TFLM), and the
 * activation clamp is the same pair of instructions per bound. Up to four
 * groups of four channels are carried in registers, so a tap's row pointer is
 * walked once per sixteen channels; the channels past the last multiple of
 * four take the portable loop.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_dsp_simd.h"

/* The maximum over the window rows [fy0, fy1) and columns [fx0, fx1) of
 * `groups` (1..4) groups of four channels starting at x (the window's
 * top-left tap), clamped and stored at y. */
static void max_window(const int8_t *x, int32_t row_step, int32_t col_step, int32_t rows,
                       int32_t cols, int32_t groups, uint32_t lo4, uint32_t hi4, int clamp,
                       int8_t *y) {
  uint32_t m0 = 0x80808080u, m1 = 0x80808080u, m2 = 0x80808080u, m3 = 0x80808080u;
  int32_t fy, fx;
  for (fy = 0; fy < rows; ++fy, x += row_step) {
    const int8_t *t = x;
    for (fx = 0; fx < cols; ++fx, t += col_step) {
      m0 = edgec_dsp_max4(m0, edgec_dsp_load32(t));
      if (groups > 1) m1 = edgec_dsp_max4(m1, edgec_dsp_load32(t + 4));
      if (groups > 2) m2 = edgec_dsp_max4(m2, edgec_dsp_load32(t + 8));
      if (groups > 3) m3 = edgec_dsp_max4(m3, edgec_dsp_load32(t + 12));
    }
  }
  if (clamp) {
    m0 = edgec_dsp_clamp4(m0, lo4, hi4);
    m1 = edgec_dsp_clamp4(m1, lo4, hi4);
    m2 = edgec_dsp_clamp4(m2, lo4, hi4);
    m3 = edgec_dsp_clamp4(m3, lo4, hi4);
  }
  edgec_dsp_store32(y, m0);
  if (groups > 1) edgec_dsp_store32(y + 4, m1);
  if (groups > 2) edgec_dsp_store32(y + 8, m2);
  if (groups > 3) edgec_dsp_store32(y + 12, m3);
}

void edgec_max_pool_s8(const edgec_pool_s8_params *p, const int8_t *input, int8_t *output) {
  const edgec_dims in = p->input, out = p->output;
  const int32_t depth = out.c, vector_end = depth & ~3;
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
        int8_t *y = output + ((b * out.h + oy) * out.w + ox) * depth;
        const int8_t *window;
        if (rows <= 0 || cols <= 0) {
          /* An empty window: the maximum stays -128. */
          for (c = 0; c < depth; ++c) y[c] = (int8_t)edgec_clamp(-128, p->act_min, p->act_max);
          continue;
        }
        window = input + ((b * in.h + iy0 + fy_start) * in.w + ix0 + fx_start) * in.c;
        for (c = 0; c < vector_end; c += 16) {
          const int32_t groups = (vector_end - c) >> 2 < 4 ? (vector_end - c) >> 2 : 4;
          max_window(window + c, in.w * in.c, in.c, rows, cols, groups, lo4, hi4, clamp, y + c);
        }
        for (c = vector_end; c < depth; ++c) {
          int32_t max = -128;
          for (fy = 0; fy < rows; ++fy) {
            for (fx = 0; fx < cols; ++fx) {
              const int32_t v = window[(fy * in.w + fx) * in.c + c];
              if (v > max) max = v;
            }
          }
          y[c] = (int8_t)edgec_clamp(max, p->act_min, p->act_max);
        }
      }
    }
  }
}
