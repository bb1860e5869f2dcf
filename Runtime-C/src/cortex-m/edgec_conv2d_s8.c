/*
 * edgec_conv2d_s8 (Cortex-M, DSP extension): int8 CONV_2D, bit-exact with the
 * portable kernel (TFLM's reference ConvPerChannel).
 *
 * Four output pixels at a time: each pixel's receptive field is widened into
 * an int16 column with the input offset added (taps in the padding become
 * zeros), then every filter row runs against the four columns in
 * edgec_cm_block4 (13 instructions per 16 MACs, then six per output to
 * requantize, edgec_cm_fused.h). A pointwise convolution's column is its
 * input pixel, and any layer whose taps are whole groups of four (input
 * channels a multiple of four, or a whole kernel row of them) is widened
 * straight from the input; other layers gather the receptive field first,
 * with the zero point in the padding. A layer's last one or two pixels go
 * through the row loop (edgec_cm_rows.h) instead of a block.
 *
 * Grouped convolutions, filters too deep for the stack scratch (about 750
 * elements, edgec_cm_dsp.h) or shallower than four take a plain path; shifts > 0
 * and clamps narrower than int8 take the block's C requantization.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_cm_gemm.h"

/* The portable kernel's loops: grouped, very deep or very shallow filters. */
static void edgec_cm_conv_plain(const edgec_conv2d_s8_params *p, const int8_t *input,
                                const int8_t *filter, const int32_t *bias, int8_t *output) {
  const edgec_dims in = p->input, f = p->filter, out = p->output;
  const int32_t per_group = out.c / (in.c / f.c);
  int32_t b, oy, ox, oc, ky, kx, ic;
  for (b = 0; b < out.n; ++b) {
    for (oy = 0; oy < out.h; ++oy) {
      for (ox = 0; ox < out.w; ++ox) {
        for (oc = 0; oc < out.c; ++oc) {
          const int32_t channel_base = (oc / per_group) * f.c;
          int32_t acc = 0;
          for (ky = 0; ky < f.h; ++ky) {
            const int32_t iy = oy * p->stride_h - p->pad_h + ky * p->dilation_h;
            if (iy < 0 || iy >= in.h) continue;
            for (kx = 0; kx < f.w; ++kx) {
              const int32_t ix = ox * p->stride_w - p->pad_w + kx * p->dilation_w;
              const int8_t *x, *w;
              if (ix < 0 || ix >= in.w) continue;
              x = input + (((b * in.h + iy) * in.w + ix) * in.c + channel_base);
              w = filter + (((oc * f.h + ky) * f.w + kx) * f.c);
              for (ic = 0; ic < f.c; ++ic) acc += (int32_t)w[ic] * ((int32_t)x[ic] + p->input_offset);
            }
          }
          if (bias != NULL) acc = (int32_t)((uint32_t)acc + (uint32_t)bias[oc]);
          acc = edgec_multiply_by_quantized_multiplier(acc, p->multiplier[oc], p->shift[oc]);
          *output++ = (int8_t)edgec_clamp(acc + p->output_offset, p->act_min, p->act_max);
        }
      }
    }
  }
}

/* How a pixel whose receptive field lies inside the input is widened. */
enum {
  EDGEC_CM_ROWS, /* each kernel row is whole groups, contiguous in the input */
  EDGEC_CM_TAPS, /* each tap is whole groups (in_c a multiple of four) */
  EDGEC_CM_FIELD /* gathered into `field` first */
};

typedef struct {
  const edgec_conv2d_s8_params *p;
  const int8_t *input;
  int32_t groups;      /* of a column, the tail included */
  int32_t row_bytes;   /* kw · in_c */
  int32_t row_step;    /* input bytes from one kernel row to the next */
  int32_t tap_step;    /* input bytes from one kernel tap to the next */
  int32_t span_h, span_w; /* the dilated kernel's extent */
  int32_t interior;    /* EDGEC_CM_ROWS, _TAPS or _FIELD */
  uint32_t offset_pair;
  int8_t zero_point; /* the input value that widens to 0 */
} edgec_cm_conv_columns;

/* A column goes into a block of four interleaved columns (8 words a group)
 * or alone (2 words a group, for edgec_cm_gemm_rows). */
static inline __attribute__((always_inline)) uint32_t *edgec_cm_conv_widen(const int8_t *src,
                                                                          uint32_t *dst,
                                                                          int32_t groups,
                                                                          uint32_t offset_pair,
                                                                          int alone) {
  return alone ? edgec_cm_widen_row(src, dst, groups, offset_pair)
               : edgec_cm_widen_block(src, dst, groups, offset_pair);
}

/* Output pixel coordinates, advanced one pixel at a time (no divisions). */
typedef struct {
  int32_t b, oy, ox;
} edgec_cm_pixel;

/* A receptive field that reaches into the padding, gathered as int8 with
 * the zero point in the padding (one copy per kernel row when the taps are
 * adjacent), then widened. */
static void edgec_cm_conv_border_field(const edgec_cm_conv_columns *k, int32_t b, int32_t iy0,
                                       int32_t ix0, uint32_t *dst, int8_t *field, int alone) {
  const edgec_conv2d_s8_params *p = k->p;
  const int32_t c = p->input.c, kw = p->filter.w;
  const uint32_t zero4 = (uint32_t)(uint8_t)k->zero_point * 0x01010101u;
  int32_t lo = 0, hi = kw, ky, kx;
  int8_t *f = field;
  if (p->dilation_w == 1) { /* the taps [lo, hi) of every row are inside */
    if (ix0 < 0) lo = -ix0 < kw ? -ix0 : kw;
    if (ix0 + kw > p->input.w) hi = p->input.w - ix0 > lo ? p->input.w - ix0 : lo;
  }
  for (ky = 0; ky < p->filter.h; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    const int8_t *row = k->input + (b * p->input.h + iy) * p->input.w * c;
    if (iy < 0 || iy >= p->input.h) {
      f = edgec_cm_fill(f, zero4, k->row_bytes);
    } else if (p->dilation_w == 1) {
      f = edgec_cm_fill(f, zero4, lo * c);
      f = edgec_cm_copy(f, row + (ix0 + lo) * c, (hi - lo) * c);
      f = edgec_cm_fill(f, zero4, (kw - hi) * c);
    } else {
      for (kx = 0; kx < kw; ++kx) {
        const int32_t ix = ix0 + kx * p->dilation_w;
        if (ix < 0 || ix >= p->input.w) {
          f = edgec_cm_fill(f, zero4, c);
        } else {
          f = edgec_cm_copy(f, row + ix * c, c);
        }
      }
    }
  }
  (void)edgec_cm_conv_widen(field, dst, k->groups, k->offset_pair, alone);
}

/* The same with whole-group taps: widened straight from the input, zeros for
 * the padding. */
static void edgec_cm_conv_border_taps(const edgec_cm_conv_columns *k, int32_t b, int32_t iy0,
                                      int32_t ix0, uint32_t *dst, int alone) {
  const edgec_conv2d_s8_params *p = k->p;
  const int32_t c = p->input.c, tap_groups = c >> 2;
  int32_t ky, kx;
  for (ky = 0; ky < p->filter.h; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    const int8_t *row = k->input + (b * p->input.h + iy) * p->input.w * c;
    for (kx = 0; kx < p->filter.w; ++kx) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      if (iy < 0 || iy >= p->input.h || ix < 0 || ix >= p->input.w) {
        dst = edgec_cm_zero(dst, tap_groups, alone ? 2 : 8);
      } else {
        dst = edgec_cm_conv_widen(row + ix * c, dst, tap_groups, k->offset_pair, alone);
      }
    }
  }
}

/* Widens pixel `at`'s receptive field into the column block slot `dst`. */
static inline __attribute__((always_inline)) void edgec_cm_conv_column(
    const edgec_cm_conv_columns *k, const edgec_cm_pixel *at, uint32_t *dst, int8_t *field,
    int alone) {
  const edgec_conv2d_s8_params *p = k->p;
  const int32_t iy0 = at->oy * p->stride_h - p->pad_h, ix0 = at->ox * p->stride_w - p->pad_w;
  const int8_t *src;
  int32_t ky, kx;
  if (iy0 < 0 || iy0 + k->span_h > p->input.h || ix0 < 0 || ix0 + k->span_w > p->input.w) {
    if ((p->input.c & 3) != 0) {
      edgec_cm_conv_border_field(k, at->b, iy0, ix0, dst, field, alone);
    } else {
      edgec_cm_conv_border_taps(k, at->b, iy0, ix0, dst, alone);
    }
    return;
  }
  src = k->input + ((at->b * p->input.h + iy0) * p->input.w + ix0) * p->input.c;
  if (k->interior == EDGEC_CM_ROWS) {
    for (ky = 0; ky < p->filter.h; ++ky, src += k->row_step) {
      dst = edgec_cm_conv_widen(src, dst, k->row_bytes >> 2, k->offset_pair, alone);
    }
  } else if (k->interior == EDGEC_CM_TAPS) {
    for (ky = 0; ky < p->filter.h; ++ky, src += k->row_step) {
      for (kx = 0; kx < p->filter.w; ++kx) {
        dst = edgec_cm_conv_widen(src + kx * k->tap_step, dst, p->input.c >> 2, k->offset_pair, alone);
      }
    }
  } else {
    int8_t *f = field;
    for (ky = 0; ky < p->filter.h; ++ky, src += k->row_step) {
      if (p->dilation_w == 1) {
        f = edgec_cm_copy(f, src, k->row_bytes);
      } else {
        for (kx = 0; kx < p->filter.w; ++kx) f = edgec_cm_copy(f, src + kx * k->tap_step, p->input.c);
      }
    }
    (void)edgec_cm_conv_widen(field, dst, k->groups, k->offset_pair, alone);
  }
}

void edgec_conv2d_s8(const edgec_conv2d_s8_params *p, const int8_t *input, const int8_t *filter,
                     const int32_t *bias, int8_t *output, void *scratch_memory, int32_t scratch_bytes) {
  const int32_t depth = p->filter.h * p->filter.w * p->filter.c;
  const int32_t pixels = p->output.n * p->output.h * p->output.w;
  const int32_t groups = (depth + 3) >> 2;
  uint32_t *const words = (uint32_t *)scratch_memory;
  edgec_cm_channel *const records = (edgec_cm_channel *)scratch_memory;
  const int32_t scratch_words = scratch_bytes / 4;
  /* The scratch holds the records (from its start), the exact channels'
   * list, the spare outputs, then the columns and the gathered field. */
  const int32_t used = 8 * groups + ((p->input.c & 3) != 0 ? groups : 0);
  edgec_cm_conv_columns k;
  edgec_cm_gemm g;
  uint32_t *columns;
  int8_t *field, *spare;
  int32_t *exact;
  int32_t first, chunk, pixel, slot;
  if (p->filter.c != p->input.c || depth < 4 || used + 9 > scratch_words ||
      p->input_offset < -127 || p->input_offset > 128) {
    edgec_cm_conv_plain(p, input, filter, bias, output);
    return;
  }
  g.filter = filter;
  g.bias = bias;
  g.multiplier = p->multiplier;
  g.shift = p->shift;
  g.per_channel = 1;
  g.depth = depth;
  g.channels = p->output.c;
  g.output_offset = p->output_offset;
  g.act_min = p->act_min;
  g.act_max = p->act_max;
  edgec_cm_gemm_prepare(&g);
  chunk = edgec_cm_gemm_chunk(&g, scratch_words, used);
  exact = (int32_t *)(words + 7 * chunk);
  spare = (int8_t *)(exact + chunk);
  columns = words + 9 * chunk;
  field = (int8_t *)(columns + 8 * groups);
  k.p = p;
  k.input = input;
  k.groups = groups;
  k.row_bytes = p->filter.w * p->input.c;
  k.row_step = p->dilation_h * p->input.w * p->input.c;
  k.tap_step = p->dilation_w * p->input.c;
  k.span_h = (p->filter.h - 1) * p->dilation_h + 1;
  k.span_w = (p->filter.w - 1) * p->dilation_w + 1;
  k.interior = p->dilation_w == 1 && (k.row_bytes & 3) == 0 ? EDGEC_CM_ROWS
               : (p->input.c & 3) == 0                      ? EDGEC_CM_TAPS
                                                            : EDGEC_CM_FIELD;
  k.offset_pair = edgec_cm_pair16(p->input_offset);
  k.zero_point = (int8_t)(-p->input_offset);
  /* Channels in chunks whose records fit the scratch (one chunk for every
   * MLPerf Tiny layer); the columns are widened again for each chunk. */
  for (first = 0; first < g.channels; first += chunk) {
    const int32_t count = g.channels - first < chunk ? g.channels - first : chunk;
    int mixed;
    const int32_t exact_count =
        edgec_cm_gemm_table(&g, first, count, records, exact, &mixed);
    edgec_cm_pixel at = {0, 0, 0};
    for (pixel = 0; pixel < pixels; pixel += 4) {
      const int32_t real = pixels - pixel < 4 ? pixels - pixel : 4;
      if (real <= 2 && edgec_cm_gemm_rows_fit(&g)) {
        /* One or two pixels left: each against the rows alone, not a
         * four-column block that would cost four pixels' work. */
        for (slot = 0; slot < real; ++slot) {
          uint32_t *x = columns + 2 * groups * slot;
          edgec_cm_conv_column(&k, &at, x, field, 1);
          edgec_cm_gemm_rows(&g, x, records, first, count, exact, exact_count,
                             output + (pixel + slot) * g.channels + first);
          if (++at.ox == p->output.w) {
            at.ox = 0;
            if (++at.oy == p->output.h) {
              at.oy = 0;
              ++at.b;
            }
          }
        }
        continue;
      }
      for (slot = 0; slot < real; ++slot) {
        edgec_cm_conv_column(&k, &at, columns + 2 * slot, field, 0);
        if (++at.ox == p->output.w) {
          at.ox = 0;
          if (++at.oy == p->output.h) {
            at.oy = 0;
            ++at.b;
          }
        }
      }
      for (; slot < 4; ++slot) edgec_cm_zero(columns + 2 * slot, groups, 8);
      edgec_cm_gemm_block(&g, columns, records, first, count, mixed, exact, exact_count, spare,
                          output + pixel * g.channels + first, real);
    }
  }
}
