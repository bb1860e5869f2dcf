/*
 * edgec_lookup_s8: an int8 -> int8 function given as a 256-entry table, the
 * int8 path of the unary operators RSQRT, HARD_SWISH, GELU and NEG. The
 * compiler fills the table by running the peer's exact arithmetic on every
 * int8 value (EdgeReference's LookupS8Kernel), so this kernel is bit-exact
 * with TFLM (RSQRT, HARD_SWISH, NEG as DEQUANTIZE-NEG-QUANTIZE) and LiteRT
 * (GELU) by construction. Entry
 * x + 128 sits in byte (x + 128) % 4 of word (x + 128) / 4, low byte first.
 */
#include "edgec/kernels.h"

void edgec_lookup_s8(const edgec_lookup_s8_params *p, const int8_t *input, int8_t *output) {
  int32_t i;
  for (i = 0; i < p->size; ++i) {
    const uint32_t index = (uint32_t)(input[i] + 128);
    const uint32_t word = (uint32_t)p->table[index >> 2];
    output[i] = (int8_t)(uint8_t)(word >> (8u * (index & 3u)));
  }
}
