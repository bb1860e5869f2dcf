/*
 * edgec_depthwise_conv2d_s8 (Cortex-M, DSP): int8 DEPTHWISE_CONV_2D,
 * bit-exact with src/portable/edgec_depthwise_conv2d_s8.c (TFLM's reference
 * DepthwiseConvPerChannel).
 *
 * Two vector paths, both requantizing with SMMULR (edgec_dsp_requant.h):
 *
 * - 3x3, stride 1 along an output axis of 20 or more (edgec_dsp_dw3x3.h):
 *   one channel at a time, sliding along that axis; each column of three
 *   taps is loaded once and serves three outputs through SMLAD. About 2.9
 *   instructions per MAC on long lines.
 * - everything else with depth multiplier 1 and at most 64 taps
 *   (edgec_dsp_dw4.h): four channels at a time per output pixel, SXTAB16
 *   and SMLABB/SMLATT, the 3x3 loop in assembly. About 3.5 per MAC.
 *
 * Padding costs no test inside either loop (zero-point stand-ins for the
 * taps outside the input, which contribute exactly TFLM's nothing).
 * depth_multiplier > 1, the channels past the last multiple of four on the
 * second path, kernels over 64 taps and channels whose requantization could
 * overflow the fast form take the scalar path, the portable kernel's
 * arithmetic.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_dsp_dw3x3.h"
#include "edgec_dsp_dw4.h"
#include "edgec_dsp_requant.h"
#include "edgec_dsp_simd.h"


/* The portable kernel's arithmetic for output channels [c_lo, c_hi). */
static void dw_scalar(const edgec_depthwise_conv2d_s8_params *p, const int8_t *input,
                      const int8_t *filter, const int32_t *bias, int8_t *output, int32_t c_lo,
                      int32_t c_hi) {
  const edgec_dims in = p->input, f = p->filter, out = p->output;
  int32_t b, oy, ox, oc, ky, kx;
  for (b = 0; b < out.n; ++b) {
    for (oy = 0; oy < out.h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      for (ox = 0; ox < out.w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        int8_t *y = output + ((b * out.h + oy) * out.w + ox) * out.c;
        for (oc = c_lo; oc < c_hi; ++oc) {
          const int32_t ic = oc / p->depth_multiplier;
          int32_t acc = 0;
          for (ky = 0; ky < f.h; ++ky) {
            const int32_t iy = iy0 + ky * p->dilation_h;
            if (iy < 0 || iy >= in.h) continue;
            for (kx = 0; kx < f.w; ++kx) {
              const int32_t ix = ix0 + kx * p->dilation_w;
              if (ix < 0 || ix >= in.w) continue;
              acc += filter[(ky * f.w + kx) * f.c + oc] *
                     (input[((b * in.h + iy) * in.w + ix) * in.c + ic] + p->input_offset);
            }
          }
          if (bias != NULL) acc += bias[oc];
          acc = edgec_multiply_by_quantized_multiplier(acc, p->multiplier[oc], p->shift[oc]);
          acc += p->output_offset;
          y[oc] = (int8_t)edgec_clamp(acc, p->act_min, p->act_max);
        }
      }
    }
  }
}

/* The 3x3 sliding path (edgec_dsp_dw3x3.h), channel by channel; 0 when the
 * layer is not one it handles. */
static int dw_slide(const edgec_depthwise_conv2d_s8_params *p, const int8_t *input,
                    const int8_t *filter, const int32_t *bias, int8_t *output) {
  const edgec_dims in = p->input, out = p->output;
  const int h_slide = out.h > out.w;
  dw3_geometry g;
  int32_t c, k, t;
  if (p->depth_multiplier != 1 || p->filter.h != 3 || p->filter.w != 3 || p->dilation_h != 1 ||
      p->dilation_w != 1) {
    return 0;
  }
  if (h_slide) {
    g.out_len = out.h, g.in_len = in.h, g.stride = p->stride_h, g.pad = p->pad_h;
    g.in_step = in.w * in.c, g.out_step = out.w * out.c;
    g.lines = out.w, g.cross_in = in.w, g.cross_stride = p->stride_w, g.cross_pad = p->pad_w;
    g.cross_in_step = in.c, g.cross_out_step = out.c;
    g.tap_slide = 3 * out.c, g.tap_cross = out.c;
  } else {
    g.out_len = out.w, g.in_len = in.w, g.stride = p->stride_w, g.pad = p->pad_w;
    g.in_step = in.c, g.out_step = out.c;
    g.lines = out.h, g.cross_in = in.h, g.cross_stride = p->stride_h, g.cross_pad = p->pad_h;
    g.cross_in_step = in.w * in.c, g.cross_out_step = out.w * out.c;
    g.tap_slide = out.c, g.tap_cross = 3 * out.c;
  }
  /* Measured on the MLPerf Tiny shapes: below 20 outputs a line, the
   * per-line and per-channel work costs more than the four-channel path. */
  if (g.stride != 1 || g.out_len < 20 || g.out_len > DW3_MAX_LINE) return 0;
  for (c = 0; c < out.c; ++c) {
    edgec_dsp_requant q;
    int32_t w[3][3], scaled_bias;
    if (!dw4_channel(p, filter, bias, c, &q, &scaled_bias)) {
      dw_scalar(p, input, filter, bias, output, c, c + 1);
      continue;
    }
    for (k = 0; k < 3; ++k) {
      for (t = 0; t < 3; ++t) {
        w[k][t] = (int32_t)((uint32_t)(int32_t)filter[k * g.tap_slide + t * g.tap_cross + c]
                            << q.pre_shift);
      }
    }
    dw3_channel(p, &g, input, output, c, (const int32_t(*)[3])w, scaled_bias, &q);
  }

  return 1;
}

void edgec_depthwise_conv2d_s8(const edgec_depthwise_conv2d_s8_params *p, const int8_t *input,
                               const int8_t *filter, const int32_t *bias, int8_t *output) {
  const edgec_dims in = p->input, f = p->filter, out = p->output;
  const int32_t taps = f.h * f.w, depth = out.c;
  const int32_t vector_end = p->depth_multiplier == 1 && taps <= DW4_MAX_TAPS ? depth & ~3 : 0;
  const int32_t fit = DW4_WORDS / (DW4_FIXED + 2 * taps);
  const int32_t block_groups = fit < DW4_MAX_CHANNELS / 4 ? fit : DW4_MAX_CHANNELS / 4;
  const int32_t col_step = p->dilation_w * in.c, row_step = p->dilation_h * in.w * in.c;
  const uint32_t offset2 = edgec_dsp_pair16(p->input_offset);
  const uint32_t lo4 = edgec_dsp_quad8(p->act_min), hi4 = edgec_dsp_quad8(p->act_max);
  const int clamp = p->act_min > -128 || p->act_max < 127;
  const int is_3x3 = f.h == 3 && f.w == 3;
  uint32_t records[DW4_WORDS];
  int8_t zero_row[DW4_MAX_CHANNELS];
  const int8_t *tap[DW4_MAX_TAPS];
  int32_t c0, b, oy, ox, ky, kx;

  if (dw_slide(p, input, filter, bias, output)) return;
  memset(zero_row, (int8_t)-p->input_offset, sizeof zero_row);
  for (c0 = 0; c0 < vector_end;) {
    int32_t groups = (vector_end - c0) >> 2;
    if (groups > block_groups) groups = block_groups;
    groups = dw4_prepare(p, filter, bias, c0, groups, records);
    if (groups == 0) {
      dw_scalar(p, input, filter, bias, output, c0, c0 + 4);
      c0 += 4;
      continue;
    }
    for (b = 0; b < out.n; ++b) {
      const int8_t *image = input + b * in.h * in.w * in.c + c0;
      int8_t *y = output + b * out.h * out.w * depth + c0;
      for (oy = 0; oy < out.h; ++oy) {
        const int32_t iy0 = oy * p->stride_h - p->pad_h;
        const int rows_inside = iy0 >= 0 && iy0 + 2 * p->dilation_h < in.h;
        for (ox = 0; ox < out.w; ++ox, y += depth) {
          const int32_t ix0 = ox * p->stride_w - p->pad_w;
          if (is_3x3 && rows_inside && ix0 >= 0 && ix0 + 2 * p->dilation_w < in.w) {
            const int8_t *x = image + (iy0 * in.w + ix0) * in.c;
            tap[0] = x;
            tap[1] = x + col_step;
            tap[2] = x + 2 * col_step;
            x += row_step;
            tap[3] = x;
            tap[4] = x + col_step;
            tap[5] = x + 2 * col_step;
            x += row_step;
            tap[6] = x;
            tap[7] = x + col_step;
            tap[8] = x + 2 * col_step;
          } else {
            /* Element offsets from the image, so that nothing points outside it. */
            const int8_t **t = tap;
            int32_t row = (iy0 * in.w + ix0) * in.c;
            for (ky = 0; ky < f.h; ++ky, row += row_step) {
              const int row_ok = (uint32_t)(iy0 + ky * p->dilation_h) < (uint32_t)in.h;
              int32_t at = row;
              for (kx = 0; kx < f.w; ++kx, at += col_step) {
                const int ok = row_ok && (uint32_t)(ix0 + kx * p->dilation_w) < (uint32_t)in.w;
                *t++ = ok ? image + at : zero_row;
              }
            }
          }
          if (is_3x3) {
            dw4_pixel_3x3(tap, records, groups, offset2, y);
          } else {
            dw4_pixel(tap, taps, records, groups, offset2, y);
          }
          if (clamp) dw4_clamp(y, groups, lo4, hi4);
        }
      }
    }
    c0 += 4 * groups;
  }
  if (vector_end < depth) dw_scalar(p, input, filter, bias, output, vector_end, depth);
}
