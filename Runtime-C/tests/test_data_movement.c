/*
 * The data-movement kernels of issue 6 (edgec_strided_copy for TRANSPOSE and
 * STRIDED_SLICE, edgec_gather, edgec_split) against index arithmetic written
 * out by hand, under the sanitizers: every output byte written exactly where
 * expected and no byte read outside the input (rank 6, reversed axes, empty
 * axes, float elements). The end-to-end fixture tests compare the same
 * kernels with TFLM through generated code.
 */
#include <stdio.h>
#include <string.h>

#include "edgec/kernels.h"

static int failures = 0;

#define EXPECT_EQ(a, b)                                                                  \
  do {                                                                                   \
    long long a_ = (long long)(a), b_ = (long long)(b);                                  \
    if (a_ != b_) {                                                                      \
      fprintf(stderr, "%s:%d: %s = %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); \
      failures++;                                                                        \
    }                                                                                    \
  } while (0)

/* TRANSPOSE of a [2,3,4] int8 tensor by perm [2,0,1]: out[k][i][j] = in[i][j][k]. */
static void transpose_rank3(void) {
  int8_t in[24], out[24];
  int i, j, k;
  const edgec_strided_copy_params p = {3, {4, 2, 3, 0, 0, 0}, {1, 12, 4, 0, 0, 0}, 0, 1};
  for (i = 0; i < 24; ++i) in[i] = (int8_t)(i * 5 - 60);
  memset(out, 0x55, sizeof out);
  edgec_strided_copy(&p, in, out);
  for (k = 0; k < 4; ++k)
    for (i = 0; i < 2; ++i)
      for (j = 0; j < 3; ++j) EXPECT_EQ(out[(k * 2 + i) * 3 + j], in[(i * 3 + j) * 4 + k]);
}

/* STRIDED_SLICE of float [5,6] rows 4, 2, 0 (stride -2) and columns 1, 4
 * (stride 3): the offset starts at the last row. */
static void reversed_float_slice(void) {
  float in[30], out[6];
  int r, c;
  const edgec_strided_copy_params p = {2, {3, 2, 0, 0, 0, 0}, {-12, 3, 0, 0, 0, 0}, 4 * 6 + 1, 4};
  for (r = 0; r < 30; ++r) in[r] = (float)r * 0.5f;
  edgec_strided_copy(&p, in, out);
  for (r = 0; r < 3; ++r)
    for (c = 0; c < 2; ++c) EXPECT_EQ(out[r * 2 + c] * 2.0f, in[(4 - 2 * r) * 6 + 1 + 3 * c] * 2.0f);
}

/* Rank 6 with every axis reversed: the whole tensor backwards. */
static void rank6_reversed(void) {
  int8_t in[64], out[64];
  int i;
  const edgec_strided_copy_params p = {6, {2, 2, 2, 2, 2, 2}, {-32, -16, -8, -4, -2, -1}, 63, 1};
  for (i = 0; i < 64; ++i) in[i] = (int8_t)i;
  edgec_strided_copy(&p, in, out);
  for (i = 0; i < 64; ++i) EXPECT_EQ(out[i], 63 - i);
}

/* int16 elements (the generic element path): columns 2, 0 of a [2,3]. */
static void int16_columns(void) {
  int16_t in[6] = {-300, 301, 302, 1000, -1001, 1002}, out[4];
  const edgec_strided_copy_params p = {2, {2, 2, 0, 0, 0, 0}, {3, -2, 0, 0, 0, 0}, 2, 2};
  edgec_strided_copy(&p, in, out);
  EXPECT_EQ(out[0], 302);
  EXPECT_EQ(out[1], -300);
  EXPECT_EQ(out[2], 1002);
  EXPECT_EQ(out[3], 1000);
}

/* An empty axis writes nothing (the output has no bytes). */
static void empty_axis(void) {
  int8_t in[4] = {1, 2, 3, 4}, out[2] = {9, 9};
  const edgec_strided_copy_params p = {2, {2, 0, 0, 0, 0, 0}, {2, 1, 0, 0, 0, 0}, 0, 1};
  edgec_strided_copy(&p, in, out);
  EXPECT_EQ(out[0], 9);
  EXPECT_EQ(out[1], 9);
}

/* GATHER of 3-byte blocks: params [outer 2][axis 4][3 bytes], indices
 * {3, 0, 3} (repeated and out of order). */
static void gather_blocks(void) {
  uint8_t in[2 * 4 * 3], out[2 * 3 * 3];
  static const int32_t indices[3] = {3, 0, 3};
  const edgec_gather_params p = {1, 2, 4, 3, 3, indices};
  int o, c, b;
  for (b = 0; b < 24; ++b) in[b] = (uint8_t)(b + 100);
  edgec_gather(&p, in, out);
  for (o = 0; o < 2; ++o)
    for (c = 0; c < 3; ++c)
      for (b = 0; b < 3; ++b) EXPECT_EQ(out[(o * 3 + c) * 3 + b], in[(o * 4 + indices[c]) * 3 + b]);
}

/* SPLIT_V of [2, 7] along the last axis into 2, 0 and 5 columns. */
static void split_uneven(void) {
  int8_t in[14], a[4], c[10];
  int8_t empty[1] = {42};
  static const int32_t bytes[3] = {2, 0, 5};
  void *const outputs[3] = {a, empty, c};
  const edgec_split_params p = {2, 7, 3, bytes};
  int r, k;
  for (k = 0; k < 14; ++k) in[k] = (int8_t)(k - 7);
  edgec_split(&p, in, outputs);
  for (r = 0; r < 2; ++r) {
    for (k = 0; k < 2; ++k) EXPECT_EQ(a[r * 2 + k], in[r * 7 + k]);
    for (k = 0; k < 5; ++k) EXPECT_EQ(c[r * 5 + k], in[r * 7 + 2 + k]);
  }
  EXPECT_EQ(empty[0], 42);
}

int main(void) {
  transpose_rank3();
  reversed_float_slice();
  rank6_reversed();
  empty_axis();
  int16_columns();
  gather_blocks();
  split_uneven();
  if (failures) {
    fprintf(stderr, "test_data_movement: %d failures\n", failures);
    return 1;
  }
  printf("test_data_movement: OK\n");
  return 0;
}
