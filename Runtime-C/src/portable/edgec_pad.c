/*
 * edgec_pad: PAD for any element type, bit-exact with TFLM's reference Pad
 * (tensorflow/lite/kernels/internal/reference/pad.h) and EdgeReference's
 * PadKernel. The output is walked row by row along the last axis: a row
 * outside the input along some outer axis is all padding; any other row is
 * `before` pad elements, one input row, `after` pad elements.
 */
#include <string.h>

#include "edgec/kernels.h"

/* Writes `count` copies of the pad element (its bytes little-endian in
 * pad_value) and returns the position after them. */
static uint8_t *edgec_pad_fill(uint8_t *out, int32_t count, int32_t element_size,
                               uint32_t pad_value) {
  int32_t i, k;
  if (element_size == 1) {
    memset(out, (int)(pad_value & 0xffu), (size_t)count);
    return out + count;
  }
  for (i = 0; i < count; ++i) {
    for (k = 0; k < element_size; ++k) *out++ = (uint8_t)(pad_value >> (8 * k));
  }
  return out;
}

void edgec_pad(const edgec_pad_params *p, const void *input, void *output) {
  const uint8_t *in = (const uint8_t *)input;
  uint8_t *out = (uint8_t *)output;
  const int32_t rank = p->rank, size = p->element_size;
  int32_t out_dims[EDGEC_MAX_DIMS], coord[EDGEC_MAX_DIMS];
  int32_t rows = 1, row, axis, row_bytes, last;
  if (rank == 0) {
    memcpy(out, in, (size_t)size);
    return;
  }
  last = rank - 1;
  for (axis = 0; axis < rank; ++axis) {
    out_dims[axis] = p->before[axis] + p->input_dims[axis] + p->after[axis];
    coord[axis] = 0;
    if (axis < last) rows *= out_dims[axis];
  }
  row_bytes = p->input_dims[last] * size;
  for (row = 0; row < rows; ++row) {
    int32_t inside = 1, input_row = 0;
    for (axis = 0; axis < last; ++axis) {
      const int32_t i = coord[axis] - p->before[axis];
      if (i < 0 || i >= p->input_dims[axis]) inside = 0;
      input_row = input_row * p->input_dims[axis] + i;
    }
    if (inside) {
      out = edgec_pad_fill(out, p->before[last], size, p->pad_value);
      memcpy(out, in + (size_t)input_row * (size_t)row_bytes, (size_t)row_bytes);
      out += row_bytes;
      out = edgec_pad_fill(out, p->after[last], size, p->pad_value);
    } else {
      out = edgec_pad_fill(out, out_dims[last], size, p->pad_value);
    }
    for (axis = last - 1; axis >= 0; --axis) {
      if (++coord[axis] < out_dims[axis]) break;
      coord[axis] = 0;
    }
  }
}
