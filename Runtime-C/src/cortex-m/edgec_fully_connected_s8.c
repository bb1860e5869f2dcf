/*
 * edgec_fully_connected_s8 (Cortex-M, DSP extension): int8 FULLY_CONNECTED,
 * bit-exact with the portable kernel in both rounding modes.
 *
 * With the scratch of edgec_cm_fc_scratch_bytes (edgec_cm_dsp.h), the input
 * row is widened once to int16 with the input offset added; every weight
 * row then runs against it in edgec_cm_rows.h's loops (19 instructions per
 * 16 MACs, the requantization and store fused; depth 8 with the row in
 * registers). Three or more batch rows at a time share each weight load
 * instead, through the convolution's four-column block. Depths the row
 * loops do not take go through edgec_cm_dot1 and C. With too little scratch
 * (none, at a model's peak step) the rows go through the scratch-free
 * edgec_cm_direct_quad, four weight rows at a time with the input widened
 * on the fly (23 instructions per 16 MACs).
 *
 * LiteRT's single-rounding mode and asymmetric weights (filter_offset != 0)
 * take the portable kernel's loop.
 */

#include "edgec/fc_output.h"
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_cm_fc_direct.h"
#include "edgec_cm_gemm.h"

static void edgec_cm_fc_plain(const edgec_fully_connected_s8_params *p, const int8_t *input,
                              const int8_t *filter, const int32_t *bias, int8_t *output) {
  int32_t b, oc, d;
  for (b = 0; b < p->batches; ++b) {
    const int8_t *x = input + b * p->accum_depth;
    for (oc = 0; oc < p->output_depth; ++oc) {
      const int8_t *w = filter + oc * p->accum_depth;
      int32_t acc = 0;
      for (d = 0; d < p->accum_depth; ++d) {
        acc += ((int32_t)w[d] + p->filter_offset) * ((int32_t)x[d] + p->input_offset);
      }
      *output++ = edgec_fc_output(p, acc, oc, bias);
    }
  }
}

/* One widened batch row x against weight rows [first, first + count). */
static inline __attribute__((always_inline)) void edgec_cm_fc_row(
    const edgec_cm_gemm *g, const uint32_t *x, const edgec_cm_channel *table, int32_t first,
    int32_t count, int8_t *out, int shift1, int full_range) {
  const int8_t *w = g->filter + first * g->depth;
  const uint32_t groups = g->dot_groups & 0xFFFFFFu, tail_shift = g->dot_groups >> 24;
  int32_t c;
  for (c = first; c < first + count; ++c, ++table, w += g->depth) {
    out[c] = (int8_t)edgec_cm_gemm_output(g, table, c, edgec_cm_dot1(w, x, groups, tail_shift),
                                          shift1, full_range);
  }
}

/* Per-tensor rows that edgec_cm_rows can take whole: a bias, no left shift,
 * no clamp but int8's, 32-element steps or depth 8, word-aligned rows, no bias so
 * large that the fast form could overflow. Fills *r for them. */
static int edgec_cm_fc_rows_fit(const edgec_cm_gemm *g, edgec_cm_channel *r) {
  if (g->per_channel || g->bias == NULL || !g->shift1 || !g->full_range ||
      ((g->depth & 31) != 0 && g->depth != 8) || ((uintptr_t)g->filter & 3u) != 0) {
    return 0;
  }
  return edgec_cm_fc_rows_fit_any(g, r);
}

/* Weight rows [first, channels) against the widened row x; `out` is row
 * first's output. */
static void edgec_cm_fc_rows(const edgec_cm_gemm *g, const uint32_t *x,
                             const edgec_cm_channel *r, int32_t first, int8_t *out) {
  edgec_cm_rows_args a;
  a.multiplier = r->multiplier;
  a.round = r->round;
  a.shift = r->shift;
  a.filter = g->filter + first * g->depth;
  a.x = x;
  a.x_end = x + g->depth / 2;
  a.per_row = g->bias + first;
  a.per_row_end = g->bias + g->channels;
  a.out = out;
  if (g->depth == 8) {
    edgec_cm_rows8(&a);
  } else if ((g->depth & 63) == 0) {
    edgec_cm_rows64(&a);
  } else {
    edgec_cm_rows32(&a);
  }
}

void edgec_fully_connected_s8(const edgec_fully_connected_s8_params *p, const int8_t *input,
                              const int8_t *filter, const int32_t *bias, int8_t *output,
                              void *scratch, int32_t scratch_bytes) {
  const int32_t depth = p->accum_depth, groups = (depth + 3) >> 2;
  const uint32_t offset_pair = edgec_cm_pair16(p->input_offset);
  /* The scratch holds the records (from its start), the exact channels'
   * list, the spare outputs, then the widened input rows; the per-tensor
   * row loops need the widened row alone. */
  uint32_t *const words = (uint32_t *)scratch;
  edgec_cm_channel *const records = (edgec_cm_channel *)scratch;
  const int32_t scratch_words = scratch != NULL && scratch_bytes > 0 ? scratch_bytes / 4 : 0;
  const int32_t least = p->output_depth < 4 ? p->output_depth : 4;
  edgec_cm_channel rows_record;
  edgec_cm_gemm g;
  uint32_t *x;
  int32_t *exact;
  int8_t *spare;
  int32_t b = 0, first, chunk, slot;
  if (p->rounding != EDGEC_ROUND_DOUBLE || p->filter_offset != 0 || p->input_offset < -127 ||
      p->input_offset > 128) {
    edgec_cm_fc_plain(p, input, filter, bias, output);
    return;
  }
  g.filter = filter;
  g.bias = bias;
  g.multiplier = p->multiplier;
  g.shift = p->shift;
  g.per_channel = p->per_channel;
  g.depth = depth;
  g.channels = p->output_depth;
  g.output_offset = p->output_offset;
  g.act_min = p->act_min;
  g.act_max = p->act_max;
  edgec_cm_gemm_prepare(&g);
  if (depth < 4 || scratch_words < 2 * groups) {
    /* A per-tensor layer with more outputs than twice its depth widens
     * each input row into the start of its own output row: the row loops
     * write the rest of the row, then the scratch-free path the start. */
    const int32_t x_bytes = 2 * depth;
    if (edgec_cm_fc_rows_fit(&g, &rows_record) && ((uintptr_t)output & 3u) == 0 &&
        (g.channels & 3) == 0 && g.channels >= x_bytes + 4) {
      for (b = 0; b < p->batches; ++b) {
        uint32_t *row = (uint32_t *)(void *)(output + b * g.channels);
        (void)edgec_cm_widen_row(input + b * depth, row, depth >> 2, offset_pair);
        edgec_cm_fc_rows(&g, row, &rows_record, x_bytes, output + b * g.channels + x_bytes);
      }
      edgec_cm_fc_direct(p, &g, input, output, p->batches, x_bytes);
      return;
    }
    edgec_cm_fc_direct(p, &g, input, output, p->batches, g.channels);
    return;
  }
  /* Four batch rows at a time while three or more are left: the four-column
   * core costs four rows' work however many it stores. */
  if (8 * groups + 9 * least <= scratch_words && p->batches >= 3) {
    chunk = edgec_cm_gemm_chunk(&g, scratch_words, 8 * groups);
    exact = (int32_t *)(words + 7 * chunk);
    spare = (int8_t *)(exact + chunk);
    x = words + 9 * chunk;
    for (first = 0; first < g.channels; first += chunk) {
      const int32_t count = g.channels - first < chunk ? g.channels - first : chunk;
      int mixed;
      const int32_t exact_count =
          edgec_cm_gemm_table(&g, first, count, records, exact, &mixed);
      for (b = 0; p->batches - b >= 3; b += 4) {
        const int32_t real = p->batches - b < 4 ? p->batches - b : 4;
        for (slot = 0; slot < 4; ++slot) {
          const int8_t *row = input + (b + (slot < real ? slot : 0)) * depth;
          uint32_t *dst = edgec_cm_widen_block(row, x + 2 * slot, depth >> 2, offset_pair);
          if ((depth & 3) != 0) edgec_cm_widen_tail(row + (depth & ~3), depth & 3, dst, offset_pair);
        }
        edgec_cm_gemm_block(&g, x, records, first, count, mixed, exact, exact_count, spare,
                            output + b * g.channels + first, g.channels, real);
      }
    }
  }
  if (b == p->batches) return;
  /* The other rows one at a time against every weight row. */
  if (edgec_cm_fc_rows_fit(&g, &rows_record)) {
    for (; b < p->batches; ++b) {
      (void)edgec_cm_widen_row(input + b * depth, words, depth >> 2, offset_pair);
      edgec_cm_fc_rows(&g, words, &rows_record, 0, output + b * g.channels);
    }
    return;
  }
  if (scratch_words < 2 * groups + 9 * least) {
    /* Rows whose records do not fit beside the widened row. */
    edgec_cm_fc_direct(p, &g, input + b * depth, output + b * g.channels, p->batches - b,
                       g.channels);
    return;
  }
  chunk = edgec_cm_gemm_chunk(&g, scratch_words, 2 * groups);
  exact = (int32_t *)(words + 7 * chunk);
  x = words + 9 * chunk;
  for (first = 0; first < g.channels; first += chunk) {
    const int32_t count = g.channels - first < chunk ? g.channels - first : chunk;
    int mixed;
    const int32_t exact_count =
        edgec_cm_gemm_table(&g, first, count, records, exact, &mixed);
    int32_t row;
    for (row = b; row < p->batches; ++row) {
      const int8_t *in = input + row * depth;
      uint32_t *dst = edgec_cm_widen_row(in, x, depth >> 2, offset_pair);
      int8_t *out = output + row * g.channels;
      if ((depth & 3) != 0) edgec_cm_widen_tail(in + (depth & ~3), depth & 3, dst, offset_pair);
      if (edgec_cm_gemm_rows_fit(&g)) {
        edgec_cm_gemm_rows(&g, x, records, first, count, exact, exact_count, out + first);
      } else if (g.shift1 && g.full_range) {
        edgec_cm_fc_row(&g, x, records, first, count, out, 1, 1);
      } else if (g.shift1) {
        edgec_cm_fc_row(&g, x, records, first, count, out, 1, 0);
      } else {
        edgec_cm_fc_row(&g, x, records, first, count, out, 0, 0);
      }
    }
  }
}
