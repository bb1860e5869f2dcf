/*
 * edgec_slice: a contiguous SLICE, one byte range copied out of the input.
 * The buffers never overlap: the planner gives the output its own storage
 * exactly when this call is emitted.
 */
#include <string.h>

#include "edgec/kernels.h"

void edgec_slice(const edgec_slice_params *p, const void *input, void *output) {
  memcpy(output, (const unsigned char *)input + p->offset, (size_t)p->bytes);
}
