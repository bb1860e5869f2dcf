/*
 * edgec_gather: GATHER with constant indices (checked in range at compile
 * time), TFLM's gather.cc: blocks of inner_bytes picked along the gathered
 * axis of each outer block, in index order.
 */
#include <string.h>

#include "edgec/kernels.h"

void edgec_gather(const edgec_gather_params *p, const void *input, void *output) {
  const unsigned char *in = (const unsigned char *)input;
  unsigned char *out = (unsigned char *)output;
  const size_t inner = (size_t)p->inner_bytes;
  int32_t b, o, c;
  for (b = 0; b < p->batches; ++b) {
    for (o = 0; o < p->outer; ++o) {
      const unsigned char *block = in + (size_t)(b * p->outer + o) * (size_t)p->axis_size * inner;
      for (c = 0; c < p->coords; ++c) {
        memcpy(out, block + (size_t)p->indices[b * p->coords + c] * inner, inner);
        out += inner;
      }
    }
  }
}
