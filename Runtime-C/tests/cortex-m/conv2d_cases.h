/*
 * Random CONV_2D cases shared by the conv2d and conv2d_add suites: shapes,
 * quantization and data as TFLite's converter makes them, plus the corners
 * the cortex-m kernels branch on; and the scratch sizes each case is run
 * with (none, a random part of the full-speed size, the full size).
 */
#ifndef HX_CONV2D_CASES_H
#define HX_CONV2D_CASES_H

#include "edgec/kernels.h"

#define HX_CONV_MAX_INPUT 32768
#define HX_CONV_MAX_FILTER 65536
#define HX_CONV_MAX_OUTPUT 40960
#define HX_CONV_MAX_CHANNELS 512
#define HX_SCRATCH_WORDS 4096 /* above every case's full-speed scratch */

extern int8_t hx_conv_input[HX_CONV_MAX_INPUT + 4];
extern int8_t hx_conv_filter[HX_CONV_MAX_FILTER + 4];
extern int32_t hx_conv_bias[HX_CONV_MAX_CHANNELS];
extern int32_t hx_conv_multiplier[HX_CONV_MAX_CHANNELS];
extern int32_t hx_conv_shift[HX_CONV_MAX_CHANNELS];

int32_t hx_volume(edgec_dims d);

/* A random shape with its quantization and data in the buffers above;
 * *has_bias and *misalign (input by misalign & 3, filter by bits 2-3) say
 * how to call it. */
void hx_conv_random_case(edgec_conv2d_s8_params *p, int *has_bias, int *misalign);

/* An MLPerf Tiny layer: SAME or VALID padding as given, quantization as
 * TFLite makes it, `dead` percent of unused channels. */
void hx_conv_layer(edgec_conv2d_s8_params *p, int32_t h, int32_t w, int32_t in_c, int32_t out_c,
                   int32_t kh, int32_t kw, int32_t stride, int32_t pad_h, int32_t pad_w,
                   int32_t out_h, int32_t out_w, int32_t dead);

/* A one-line description of the case. */
void hx_conv_describe(char *text, const edgec_conv2d_s8_params *p, int has_bias, int misalign,
                      int32_t scratch_bytes);

/* The scratch of run `variant` (0 none, 1 a random part, 2 all) for a call
 * whose full-speed path takes `full` bytes; block_least and row_least are
 * the least the four-column and the one-column block paths take (random
 * parts land on either side of them). */
int32_t hx_scratch_variant(int variant, int32_t full, int32_t block_least, int32_t row_least);

/* The least scratch of a conv's four-column (columns 4) or one-column
 * (columns 1) block path: the columns, the field and four channels. */
int32_t hx_conv_least(const edgec_conv2d_s8_params *p, int32_t columns);

/* The scratch buffer: `bytes` usable, then guard bytes that must stay. */
extern uint32_t hx_scratch[HX_SCRATCH_WORDS + 4];
void hx_scratch_poison(int32_t bytes);
int hx_scratch_intact(int32_t bytes); /* 1 if the guard after `bytes` is untouched */

#endif /* HX_CONV2D_CASES_H */
