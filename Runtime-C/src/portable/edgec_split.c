/*
 * edgec_split: SPLIT and SPLIT_V (TFLM's split.cc / split_v.cc): each outer
 * block of the input is cut into consecutive pieces, piece k going to
 * output k. Pure byte movement, for every element type.
 */
#include <string.h>

#include "edgec/kernels.h"

void edgec_split(const edgec_split_params *p, const void *input, void *const *outputs) {
  const unsigned char *in = (const unsigned char *)input;
  int32_t o, k;
  for (o = 0; o < p->outer; ++o) {
    for (k = 0; k < p->count; ++k) {
      const size_t n = (size_t)p->bytes[k];
      memcpy((unsigned char *)outputs[k] + (size_t)o * n, in, n);
      in += n;
    }
  }
}
