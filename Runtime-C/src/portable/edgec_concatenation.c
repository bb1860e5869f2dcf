/*
 * edgec_concatenation: CONCATENATION on bytes, as TFLM's
 * reference_ops::Concatenation and EdgeReference's ConcatenationKernel do it:
 * for each of the `outer` rows, each input's copy_bytes[i] bytes in turn.
 */
#include <string.h>

#include "edgec/kernels.h"

void edgec_concatenation(const edgec_concatenation_params *p, const void *const *inputs,
                         void *output) {
  uint8_t *out = (uint8_t *)output;
  int32_t row, i;
  for (row = 0; row < p->outer; ++row) {
    for (i = 0; i < p->num_inputs; ++i) {
      const size_t bytes = (size_t)p->copy_bytes[i];
      memcpy(out, (const uint8_t *)inputs[i] + (size_t)row * bytes, bytes);
      out += bytes;
    }
  }
}
