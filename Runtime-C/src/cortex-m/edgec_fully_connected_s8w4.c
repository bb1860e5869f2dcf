/*
 * edgec_fully_connected_s8w4 (Cortex-M, DSP extension): int8
 * FULLY_CONNECTED with packed int4 weights, bit-exact with the portable
 * kernel (hence with edgec_fully_connected_s8 on the unpacked weights) in
 * both rounding modes.
 *
 * Every weight row is read packed, eight weights a word, through
 * edgec_cm_int4.h's dot products. With the scratch of
 * edgec_cm_int4_fc_scratch_bytes (one widened input row, 16 bytes a group of
 * eight, and a sum per output) each input row is widened once and every
 * weight row runs against it in one call (edgec_cm_int4_all_rows); with
 * room for the row only, one call per weight row; with less (none, at a
 * model's peak step) each dot product widens the input on the fly, for two
 * weight rows at a time when the depth is even.
 *
 * A filter offset (asymmetric per-tensor weights) adds filter_offset · Σ(x +
 * input_offset) to each sum, as expanding the int8 kernel's product does.
 * Input offsets outside int16 after the add take the portable loop.
 */
#include "edgec/fc_output.h"
#include "edgec/kernels.h"
#include "edgec_cm_int4.h"

/* The portable kernel's loop. */
static void edgec_cm_fc_w4_plain(const edgec_fully_connected_s8_params *p, const int8_t *input,
                                 const int8_t *filter, const int32_t *bias, int8_t *output) {
  int32_t b, oc, d;
  for (b = 0; b < p->batches; ++b) {
    const int8_t *x = input + b * p->accum_depth;
    for (oc = 0; oc < p->output_depth; ++oc) {
      const int32_t row = oc * p->accum_depth;
      uint32_t acc = 0;
      for (d = 0; d < p->accum_depth; ++d) {
        acc += (uint32_t)((edgec_int4_at(filter, row + d) + p->filter_offset) *
                          ((int32_t)x[d] + p->input_offset));
      }
      *output++ = edgec_fc_output(p, (int32_t)acc, oc, bias);
    }
  }
}

/* edgec_fc_output with the fast requantization in TFLM's rounding mode. */
static inline int8_t edgec_cm_fc_w4_out(const edgec_fully_connected_s8_params *p, uint32_t acc,
                                        int32_t oc, const int32_t *bias) {
  const int32_t channel = p->per_channel ? oc : 0;
  int32_t y;
  if (p->rounding != EDGEC_ROUND_DOUBLE) return edgec_fc_output(p, (int32_t)acc, oc, bias);
  if (bias != NULL) acc += (uint32_t)bias[oc];
  y = edgec_cm_int4_requantize((int32_t)acc, p->multiplier[channel], p->shift[channel],
                               p->output_offset);
  return (int8_t)edgec_clamp(y, p->act_min, p->act_max);
}

void edgec_fully_connected_s8w4(const edgec_fully_connected_s8_params *p, const int8_t *input,
                                const int8_t *filter, const int32_t *bias, int8_t *output,
                                void *scratch, int32_t scratch_bytes) {
  const int32_t depth = p->accum_depth;
  const uint32_t offset_pair = edgec_cm_pair16(p->input_offset);
  const int32_t full = edgec_cm_int4_fc_scratch_bytes(depth, p->output_depth);
  const int32_t row_bytes = full - 4 * p->output_depth; /* the widened row */
  const int wide = scratch != NULL && scratch_bytes >= row_bytes;
  uint32_t *const x = (uint32_t *)scratch;
  uint32_t *const sums = wide && scratch_bytes >= full ? x + row_bytes / 4 : NULL;
  /* edgec_cm_int4_dot_direct2: rows at whole bytes, an int8 offset */
  const int pairs = (depth & 1) == 0 && p->input_offset >= -127 && p->input_offset <= 128;
  int32_t b, oc, d;
  if (p->input_offset < -32640 || p->input_offset > 32640) {
    edgec_cm_fc_w4_plain(p, input, filter, bias, output);
    return;
  }
  for (b = 0; b < p->batches; ++b) {
    const int8_t *in = input + b * depth;
    uint32_t extra = 0; /* filter_offset · Σ(x + input_offset) */
    if (p->filter_offset != 0) {
      uint32_t sum = 0;
      for (d = 0; d < depth; ++d) sum += (uint32_t)((int32_t)in[d] + p->input_offset);
      extra = sum * (uint32_t)p->filter_offset;
    }
    if (wide) {
      edgec_cm_int4_widen(in, depth, offset_pair, x);
      if (sums != NULL) {
        edgec_cm_int4_all_rows(filter, p->output_depth, depth, x, sums);
        for (oc = 0; oc < p->output_depth; ++oc) {
          *output++ = edgec_cm_fc_w4_out(p, sums[oc] + extra, oc, bias);
        }
        continue;
      }
      for (oc = 0; oc < p->output_depth; ++oc) {
        const uint32_t acc = edgec_cm_int4_dot_wide(filter, oc * depth, depth, x) + extra;
        *output++ = edgec_cm_fc_w4_out(p, acc, oc, bias);
      }
    } else {
      oc = 0;
      if (pairs) { /* two rows per widening */
        for (; oc + 1 < p->output_depth; oc += 2) {
          uint32_t sums[2] = {0u, 0u};
          edgec_cm_int4_dot_direct2(filter, oc * depth, depth, depth, in, offset_pair, sums);
          *output++ = edgec_cm_fc_w4_out(p, sums[0] + extra, oc, bias);
          *output++ = edgec_cm_fc_w4_out(p, sums[1] + extra, oc + 1, bias);
        }
      }
      for (; oc < p->output_depth; ++oc) {
        const uint32_t acc = edgec_cm_int4_dot_direct(filter, oc * depth, depth, in, offset_pair) + extra;
        *output++ = edgec_cm_fc_w4_out(p, acc, oc, bias);
      }
    }
  }
}
