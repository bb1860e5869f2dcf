/*
 * edgec runtime (internal): reading packed int4 weights. TFLite's INT4
 * stores two signed 4-bit values a byte along the flattened tensor, element
 * 2i in byte i's low nibble and 2i + 1 in its high nibble, as TFLM's
 * UnpackDenseInt4IntoInt8 reads them. TFLM unpacks to int8 and runs its int8
 * kernels; the *_s8w4 kernels read each weight here instead, so the weights
 * stay packed in flash and the arithmetic is the int8 kernels'.
 */
#ifndef EDGEC_INT4_H
#define EDGEC_INT4_H

#include <stdint.h>

/* Element i of a packed int4 tensor, sign-extended. */
static inline int32_t edgec_int4_at(const int8_t *packed, int32_t i) {
  const int32_t byte = (int32_t)(uint8_t)packed[i >> 1];
  const int32_t nibble = (i & 1) ? (byte >> 4) : (byte & 0x0f);
  return nibble >= 8 ? nibble - 16 : nibble;
}

#endif /* EDGEC_INT4_H */
