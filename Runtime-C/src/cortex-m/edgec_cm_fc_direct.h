/*
 * edgec runtime (internal, Cortex-M): FULLY_CONNECTED without scratch, for
 * the calls the compiler could give no arena bytes. Weight rows go four at a
 * time through edgec_cm_direct_quad (the input row widened on the fly for
 * each four, 23 instructions per 16 MACs); a per-tensor layer's whole quads
 * go in one call per batch row through edgec_cm_direct_quad_bias.
 */
#ifndef EDGEC_CM_FC_DIRECT_H
#define EDGEC_CM_FC_DIRECT_H

#include "edgec/kernels.h"
#include "edgec_cm_direct.h"
#include "edgec_cm_gemm.h"
#include "edgec_cm_quad.h"

/* A per-tensor layer's one record, fast for every channel: its largest
 * bias keeps the fast form exact. */
static inline int edgec_cm_fc_rows_fit_any(const edgec_cm_gemm *g, edgec_cm_channel *r) {
  uint32_t magnitudes = 0; /* or of |b| (or |b| - 1): below 2^k iff every |b| is */
  int32_t c;
  for (c = 0; c < g->channels; ++c) magnitudes |= (uint32_t)(g->bias[c] ^ (g->bias[c] >> 31));
  edgec_cm_gemm_record(g, 0, (int64_t)magnitudes + 1, r);
  return r->kind == EDGEC_CM_KIND_FAST;
}

/* Output channels [0, limit) of `rows` batch rows. A per-tensor layer's
 * records differ only in the bias: one record serves them all when the fast
 * form holds for the largest bias. */
static __attribute__((noinline)) void edgec_cm_fc_direct(const edgec_fully_connected_s8_params *p, const edgec_cm_gemm *g,
                               const int8_t *input, int8_t *output, int32_t rows, int32_t limit) {
  edgec_cm_direct_record table[4];
  edgec_cm_channel shared;
  edgec_cm_quad_args a;
  int32_t sums[4], first, b, j, k;
  int8_t values[4];
  const int per_tensor = !g->per_channel && g->shift1 && g->full_range && g->bias != NULL &&
                         edgec_cm_fc_rows_fit_any(g, &shared);
  a.offset_pair = edgec_cm_pair16(p->input_offset);
  a.group_bytes = g->depth & ~3;
  a.tail_bytes = g->depth & 3;
  a.runs = 1;
  a.input_skip = a.filter_skip = 0;
  a.records = table;
  a.records_end = table + 4;
  for (k = 0; per_tensor && k < 4; ++k) {
    table[k].multiplier = shared.multiplier;
    table[k].round = shared.round;
    table[k].shift = shared.shift;
    table[k].weight_sum = 0;
  }
  first = 0;
  if (per_tensor && limit >= 4) { /* whole quads of rows in one call per batch row */
    const int32_t whole = limit & ~3;
    edgec_cm_direct_rows(4, g->depth, &a);
    a.records_end = (const edgec_cm_direct_record *)(const void *)(g->bias + whole);
    for (b = 0; b < rows; ++b) {
      a.input = input + b * g->depth;
      a.filter = g->filter;
      a.out = output + b * g->channels;
      a.sums = (int32_t *)(uintptr_t)g->bias;
      edgec_cm_direct_quad_bias(&a);
    }
    a.records_end = table + 4;
    first = whole;
  }
  for (; first < limit; first += 4) {
    const int32_t n = limit - first < 4 ? limit - first : 4;
    int fast = 1;
    if (per_tensor) {
      for (k = 0; k < 4; ++k) {
        table[k].bias2 = (int32_t)((uint32_t)g->bias[first + edgec_cm_direct_map[n][k]] << 1);
      }
    } else {
      fast = edgec_cm_direct_table(g, first, n, 0, 0, table);
    }
    edgec_cm_direct_rows(n, g->depth, &a);
    for (b = 0; b < rows; ++b) {
      int8_t *out = output + b * g->channels + first;
      a.input = input + b * g->depth;
      a.filter = g->filter + first * g->depth;
      a.out = fast && n == 4 ? out : values;
      a.sums = fast ? NULL : sums;
      edgec_cm_direct_quad(&a);
      if (fast && n == 4) continue;
      for (j = 0; j < n; ++j) {
        const int32_t at = edgec_cm_direct_place[n][j];
        out[j] = fast ? values[at] : (int8_t)edgec_cm_gemm_exact(g, first + j, sums[at]);
      }
    }
  }
}

#endif /* EDGEC_CM_FC_DIRECT_H */
