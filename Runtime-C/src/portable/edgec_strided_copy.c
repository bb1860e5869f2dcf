/*
 * edgec_strided_copy: the data movement of TRANSPOSE and STRIDED_SLICE. The
 * output is written in order; an odometer over dims walks the input by the
 * per-axis strides. A run of the last axis with stride 1 is one memcpy.
 * The buffers never overlap (the planner gives the output its own storage).
 */
#include <string.h>

#include "edgec/kernels.h"

void edgec_strided_copy(const edgec_strided_copy_params *p, const void *input, void *output) {
  const unsigned char *in = (const unsigned char *)input;
  unsigned char *out = (unsigned char *)output;
  const int32_t last = p->rank - 1;
  const size_t eb = (size_t)p->element_bytes;
  int32_t index[EDGEC_MAX_DIMS] = {0, 0, 0, 0, 0, 0};
  int32_t k, i;
  int32_t base = p->offset; /* input element of index[0..last) with index[last] = 0 */
  if (p->rank <= 0) {
    memcpy(out, in + (size_t)p->offset * eb, eb);
    return;
  }
  for (k = 0; k < p->rank; ++k) {
    if (p->dims[k] == 0) return;
  }
  for (;;) {
    if (p->strides[last] == 1) {
      memcpy(out, in + (ptrdiff_t)base * (ptrdiff_t)eb, (size_t)p->dims[last] * eb);
      out += (size_t)p->dims[last] * eb;
    } else if (eb == 1) {
      /* int8 (TRANSPOSE of attention heads): a byte gather, no call per element. */
      const unsigned char *src = in + base;
      for (i = 0; i < p->dims[last]; ++i) out[i] = src[(ptrdiff_t)i * p->strides[last]];
      out += p->dims[last];
    } else if (eb == 4) {
      /* float32 / int32: constant-size copies the compiler turns into word moves. */
      const unsigned char *src = in + (ptrdiff_t)base * 4;
      for (i = 0; i < p->dims[last]; ++i) {
        memcpy(out, src + (ptrdiff_t)i * p->strides[last] * 4, 4);
        out += 4;
      }
    } else {
      for (i = 0; i < p->dims[last]; ++i) {
        memcpy(out, in + ((ptrdiff_t)base + (ptrdiff_t)i * p->strides[last]) * (ptrdiff_t)eb, eb);
        out += eb;
      }
    }
    /* Advance the odometer over the outer axes. */
    for (k = last - 1; k >= 0; --k) {
      base += p->strides[k];
      if (++index[k] < p->dims[k]) break;
      base -= p->strides[k] * p->dims[k];
      index[k] = 0;
    }
    if (k < 0) return;
  }
}
