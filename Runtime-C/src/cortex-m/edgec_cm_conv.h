/*
 * edgec runtime (internal, Cortex-M): the body of the cortex-m CONV_2D
 * kernels, edgec_conv2d_s8 and edgec_conv2d_add_s8 (the same convolution
 * with a residual ADD in its epilogue). Which path a call takes depends on
 * the scratch the compiler gave it (kernels.h):
 *
 * - the block path, with the scratch the full speed needs
 *   (edgec_cm_conv_scratch_bytes, edgec_cm_dsp.h) or at least enough for
 *   four columns and four channels' records (fewer channels per chunk, the
 *   columns widened again for each chunk): four output pixels at a time,
 *   each pixel's receptive field widened into a column (edgec_cm_columns.h),
 *   then every filter row against the four columns in edgec_cm_block4 (13
 *   instructions per 16 MACs, then six per output to requantize). A layer's
 *   last one or two pixels go through the row loop (edgec_cm_rows.h);
 * - with room for one column only, every pixel through that row loop (19
 *   instructions per 16 MACs), for the layers it takes;
 * - the scratch-free path (edgec_cm_direct_conv.h) with less;
 * - the portable element loop for grouped layers, dilated-in-width ones
 *   without scratch for a block, and offsets outside int8's.
 *
 * With a residual, the block path's values go to the scratch's spare
 * outputs first, the direct path's to the stack, and edgec_cm_residual_apply
 * writes each sum over its skip element: never a skip byte before its read.
 */
#ifndef EDGEC_CM_CONV_H
#define EDGEC_CM_CONV_H

#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_cm_columns.h"
#include "edgec_cm_direct_conv.h"
#include "edgec_cm_gemm.h"
#include "edgec_cm_residual.h"
#include "edgec_conv2d_element.h"

/* The portable kernel's loops: grouped layers, and dilated ones without
 * scratch. */
static __attribute__((noinline)) void edgec_cm_conv_plain(const edgec_conv2d_s8_params *p, const int8_t *input,
                                const int8_t *filter, const int32_t *bias,
                                const edgec_cm_residual *residual, const int8_t *skip,
                                int8_t *output) {
  const edgec_dims out = p->output;
  int32_t b, oy, ox, oc, i = 0;
  for (b = 0; b < out.n; ++b) {
    for (oy = 0; oy < out.h; ++oy) {
      for (ox = 0; ox < out.w; ++ox) {
        for (oc = 0; oc < out.c; ++oc, ++i) {
          int8_t v = edgec_conv2d_s8_element(p, input, filter, bias, b, oy, ox, oc);
          if (residual != NULL) {
            edgec_cm_residual_apply(residual, &v, skip + i, output + i, 1, 1, 1);
          } else {
            output[i] = v;
          }
        }
      }
    }
  }
}

/* Channels [first, first + count) of `real` pixels from `pixel` on, whose
 * values are in `values` (stride count), through the residual. */
static inline void edgec_cm_conv_residual(const edgec_cm_residual *residual, const int8_t *values,
                                          const int8_t *skip, int8_t *output, int32_t channels,
                                          int32_t pixel, int32_t real, int32_t first,
                                          int32_t count) {
  const int32_t at = pixel * channels + first;
  edgec_cm_residual_apply(residual, values, skip + at, output + at, count, real, channels);
}

/* The block path with `words` words of scratch: four columns at a time
 * with edgec_cm_conv_block_words(p, 4, least), else (`alone`, for layers
 * edgec_cm_gemm_rows takes) one column at a time with
 * edgec_cm_conv_block_words(p, 1, least). */
static __attribute__((noinline)) void edgec_cm_conv_block(
    const edgec_conv2d_s8_params *p, edgec_cm_gemm *g, const int8_t *input,
    const edgec_cm_residual *residual, const int8_t *skip, int8_t *output, uint32_t *words,
    int32_t scratch_words, int alone) {
  const int32_t groups = (g->depth + 3) >> 2;
  const int32_t pixels = p->output.n * p->output.h * p->output.w;
  /* The scratch holds the records (from its start), the exact channels'
   * list, the spare outputs, then the columns and the gathered field. */
  const int32_t used = (alone ? 2 : 8) * groups + ((p->input.c & 3) != 0 ? groups : 0);
  const int32_t chunk = edgec_cm_gemm_chunk(g, scratch_words, used);
  edgec_cm_channel *const records = (edgec_cm_channel *)words;
  int32_t *const exact = (int32_t *)(words + 7 * chunk);
  int8_t *const spare = (int8_t *)(exact + chunk);
  uint32_t *const columns = words + 9 * chunk;
  int8_t *const field = (int8_t *)(columns + 8 * groups);
  edgec_cm_conv_columns k;
  int32_t first, pixel, slot;
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
  /* Channels in chunks whose records fit the scratch; the columns are
   * widened again for each chunk. */
  for (first = 0; first < g->channels; first += chunk) {
    const int32_t count = g->channels - first < chunk ? g->channels - first : chunk;
    int mixed;
    const int32_t exact_count = edgec_cm_gemm_table(g, first, count, records, exact, &mixed);
    edgec_cm_pixel at = {0, 0, 0};
    for (pixel = 0; pixel < pixels; pixel += 4) {
      const int32_t real = pixels - pixel < 4 ? pixels - pixel : 4;
      if (alone || (real <= 2 && edgec_cm_gemm_rows_fit(g))) {
        /* One or two pixels left (or room for one column only): each
         * against the rows alone, not a four-column block that would cost
         * four pixels' work. */
        for (slot = 0; slot < real; ++slot) {
          uint32_t *x = alone ? columns : columns + 2 * groups * slot;
          int8_t *out = residual != NULL ? spare : output + (pixel + slot) * g->channels + first;
          edgec_cm_conv_column(&k, &at, x, field, 1);
          edgec_cm_gemm_rows(g, x, records, first, count, exact, exact_count, out);
          if (residual != NULL) {
            edgec_cm_conv_residual(residual, spare, skip, output, g->channels, pixel + slot, 1,
                                   first, count);
          }
          edgec_cm_pixel_next(p, &at);
        }
        continue;
      }
      for (slot = 0; slot < real; ++slot) {
        edgec_cm_conv_column(&k, &at, columns + 2 * slot, field, 0);
        edgec_cm_pixel_next(p, &at);
      }
      for (; slot < 4; ++slot) edgec_cm_zero(columns + 2 * slot, groups, 8);
      if (residual != NULL) {
        edgec_cm_gemm_block(g, columns, records, first, count, mixed, exact, exact_count, spare,
                            spare, count, 4);
        edgec_cm_conv_residual(residual, spare, skip, output, g->channels, pixel, real, first,
                               count);
      } else {
        edgec_cm_gemm_block(g, columns, records, first, count, mixed, exact, exact_count, spare,
                            output + pixel * g->channels + first, g->channels, real);
      }
    }
  }
}

/* Scratch words the block path needs with `columns` columns (4, or 1 for
 * the row loops) and `channels` channels per chunk. */
static inline int32_t edgec_cm_conv_block_words(const edgec_conv2d_s8_params *p, int32_t columns,
                                                int32_t channels) {
  const int32_t groups = (p->filter.h * p->filter.w * p->filter.c + 3) >> 2;
  return 2 * columns * groups + ((p->input.c & 3) != 0 ? groups : 0) + 9 * channels;
}

static inline void edgec_cm_conv(const edgec_conv2d_s8_params *p, const int8_t *input,
                                 const int8_t *filter, const int32_t *bias,
                                 const edgec_cm_residual *residual, const int8_t *skip,
                                 int8_t *output, void *scratch, int32_t scratch_bytes) {
  const int32_t depth = p->filter.h * p->filter.w * p->filter.c;
  const int32_t scratch_words = scratch != NULL && scratch_bytes > 0 ? scratch_bytes / 4 : 0;
  /* The block path while a chunk holds four channels (or all): below that,
   * widening the columns again for every chunk costs more than the direct
   * path's second widening of the weights. */
  const int32_t least = p->output.c < 4 ? p->output.c : 4;
  edgec_cm_gemm g;
  if (p->filter.c != p->input.c || p->input_offset < -127 || p->input_offset > 128) {
    edgec_cm_conv_plain(p, input, filter, bias, residual, skip, output);
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
  if (depth >= 4 && scratch_words >= edgec_cm_conv_block_words(p, 4, least)) {
    edgec_cm_conv_block(p, &g, input, residual, skip, output, (uint32_t *)scratch, scratch_words, 0);
  } else if (depth >= 4 && edgec_cm_gemm_rows_fit(&g) &&
             scratch_words >= edgec_cm_conv_block_words(p, 1, least)) {
    /* Room for one widened column: every pixel through the row loops. */
    edgec_cm_conv_block(p, &g, input, residual, skip, output, (uint32_t *)scratch, scratch_words, 1);
  } else if (p->dilation_w == 1) {
    edgec_cm_conv_direct(p, &g, input, residual, skip, output);
  } else {
    edgec_cm_conv_plain(p, input, filter, bias, residual, skip, output);
  }
}

#endif /* EDGEC_CM_CONV_H */
