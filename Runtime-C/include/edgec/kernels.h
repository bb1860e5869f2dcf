/*
 * edgec runtime: the kernel API the generated code calls.
 *
 * This header is the contract between the compiler and the runtime. Every
 * kernel takes one `const` parameter struct, computed at compile time by
 * edgec (EdgeReference's lowering) and stored in flash, then its tensors:
 * inputs in order, then outputs. Pointers are into the arena (activations)
 * or into the weights (constants); an absent optional input is NULL.
 *
 * Layouts are TFLite's: activations NHWC, CONV_2D filters [out_c, kh, kw, in_c],
 * DEPTHWISE_CONV_2D filters [1, kh, kw, out_c], FULLY_CONNECTED weights
 * [out, in]. Quantized kernels follow TFLite's int8 spec; `*_offset` fields are
 * the values added to raw int8 data (input_offset = -input_zero_point,
 * output_offset = +output_zero_point), as in TFLite's reference kernels.
 *
 * Kernels do not validate parameters: the compiler did, and the C only
 * computes (TFLM's Prepare/Eval split with Prepare moved to compile time).
 *
 * Scratch. CONV_2D (plain and with a fused residual ADD) and FULLY_CONNECTED
 * take a caller-owned scratch buffer, `scratch` (4-byte aligned, contents
 * undefined on entry and left undefined) of `scratch_bytes` bytes, which
 * the compiler carves out of the arena wherever it is free at that step —
 * and which may be NULL with scratch_bytes 0 (at a model's peak step there
 * is often no free byte). Every kernel gives the same bits for every
 * scratch size; only its speed depends on it. The portable kernels use
 * none. The Cortex-M kernels run fastest with the bytes that
 * src/cortex-m/edgec_cm_dsp.h gives for each function (mirrored by
 * Sources/EdgeCodegen/KernelScratch.swift), slower with less, and without
 * any on a scratch-free path. No kernel keeps an activation-sized buffer
 * on the stack; the small fixed tables some keep there (the Cortex-M ADD's
 * rescaling tables, the int4 depthwise's unpacked 3x3 taps) are measured
 * with -fstack-usage and reported as kernel_stack_bytes.
 * The output of these kernels never overlaps an input (but the skip tensor
 * of edgec_conv2d_add_s8), and a kernel may use its output's bytes as
 * working memory before it writes them (the Cortex-M FULLY_CONNECTED does,
 * without scratch).
 * Every kernel is bit-exact with TensorFlow Lite Micro's reference kernel of
 * the same operator, and with the Swift reference interpreter.
 */
#ifndef EDGEC_KERNELS_H
#define EDGEC_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EDGEC_MAX_DIMS 6

/* A 4-D shape, NHWC for activations, OHWI / 1HWO for filters. */
typedef struct {
  int32_t n, h, w, c;
} edgec_dims;

/* Element-wise broadcasting over up to EDGEC_MAX_DIMS axes. The output has
 * shape dims[0..rank); stride1/stride2 are the element strides of the two
 * inputs along each output axis (0 where that input is broadcast). The
 * compiler merges adjacent axes, so a same-shape operation has rank 1. */
typedef struct {
  int32_t rank;
  int32_t dims[EDGEC_MAX_DIMS];
  int32_t stride1[EDGEC_MAX_DIMS];
  int32_t stride2[EDGEC_MAX_DIMS];
} edgec_broadcast;

/* FULLY_CONNECTED requantization rounding. EDGEC_ROUND_DOUBLE is TFLM's
 * fixed-point MultiplyByQuantizedMultiplier (a rounding high multiply, then a
 * rounding shift). EDGEC_ROUND_SINGLE is LiteRT 2.x's reference kernel:
 * round(double(acc) * s_in * s_w / s_out) in double precision, ties away from
 * zero, one rounding. */
enum { EDGEC_ROUND_DOUBLE = 0, EDGEC_ROUND_SINGLE = 1 };

/* ---------------------------------------------------------------- CONV_2D */

typedef struct {
  edgec_dims input;  /* [n, h, w, in_c] */
  edgec_dims filter; /* [out_c, kh, kw, in_c] */
  edgec_dims output; /* [n, oh, ow, out_c] */
  int32_t stride_h, stride_w;
  int32_t dilation_h, dilation_w;
  int32_t pad_h, pad_w; /* top and left padding; bottom/right follow from the dims */
  int32_t input_offset, output_offset;
  int32_t act_min, act_max;
  const int32_t *multiplier; /* [out_c] */
  const int32_t *shift;      /* [out_c], positive = left */
} edgec_conv2d_s8_params;

void edgec_conv2d_s8(const edgec_conv2d_s8_params *p, const int8_t *input, const int8_t *filter,
                     const int32_t *bias, int8_t *output, void *scratch, int32_t scratch_bytes);

/* The same with packed int4 weights (TFLite INT4: two a byte, low nibble
 * first): bit-exact with edgec_conv2d_s8 on the unpacked weights. */
void edgec_conv2d_s8w4(const edgec_conv2d_s8_params *p, const int8_t *input, const int8_t *filter,
                       const int32_t *bias, int8_t *output, void *scratch, int32_t scratch_bytes);

/* A residual ADD fused into a CONV_2D: TFLM's int8 ADD (the same arithmetic
 * as edgec_add_s8, edgec/residual.h) with input1 = the convolution's int8
 * output and input2 = the skip tensor, which has the output's shape. The
 * fields are edgec_add_s8_params' without the broadcast, in the same order:
 * conv_* for input1_*, skip_* for input2_*. */
typedef struct {
  int32_t conv_offset, skip_offset, output_offset;
  int32_t left_shift;
  int32_t conv_multiplier, conv_shift;
  int32_t skip_multiplier, skip_shift;
  int32_t output_multiplier, output_shift;
  int32_t act_min, act_max;
} edgec_residual_s8;

typedef struct {
  edgec_conv2d_s8_params conv; /* conv.output_offset/act_min/act_max: the convolution's own output */
  edgec_residual_s8 add;
} edgec_conv2d_add_s8_params;

/* out[i] = ADD(v[i], skip[i]) where v is exactly what edgec_conv2d_s8 with
 * p->conv would write (clamped to conv.act_min/act_max). `output` may be
 * `skip` (the normal case: the sum overwrites the skip tensor in place) or
 * a separate buffer; it never overlaps `input`. skip[i] is read before
 * output[i] is written, and no other skip element is written early. */
void edgec_conv2d_add_s8(const edgec_conv2d_add_s8_params *p, const int8_t *input,
                         const int8_t *filter, const int32_t *bias, const int8_t *skip,
                         int8_t *output, void *scratch, int32_t scratch_bytes);

typedef struct {
  edgec_dims input, filter, output;
  int32_t stride_h, stride_w;
  int32_t dilation_h, dilation_w;
  int32_t pad_h, pad_w;
  float act_min, act_max;
} edgec_conv2d_f32_params;

void edgec_conv2d_f32(const edgec_conv2d_f32_params *p, const float *input, const float *filter,
                      const float *bias, float *output);

/* Hybrid CONV_2D: float activations, int8 weights (dynamic-range quantized
 * models), as LiteRT computes it (TFLM has no hybrid kernels). Each batch of
 * the input is quantized to int8 on the fly, accumulated against the filter in
 * int32 and scaled back to float; the filter spans every input channel.
 * asymmetric = 0 (all weight scales equal; LiteRT's EvalHybrid):
 *   q = round(x * 127 / r) in [-127, 127], r = max |x| over the batch;
 *   out = acc * ((r / 127) * filter_scale[0]) + bias.
 * asymmetric = 1 (scales differ per channel; EvalHybridPerChannel):
 *   s = (max(x, 0) - min(x, 0)) / 255 (the subtraction in float, the rest
 *   in double) and a zero point zp nudged into int8 (AsymmetricQuantizeFloats);
 *   q = round(zp + x / s) in [-128, 127]; acc over q - zp;
 *   out = acc * filter_scale[oc] * s + bias.
 * filter_scale holds IEEE-754 float bit patterns ([1] or [out_c]). */
typedef struct {
  edgec_dims input, filter, output;
  int32_t stride_h, stride_w;
  int32_t dilation_h, dilation_w;
  int32_t pad_h, pad_w;
  float act_min, act_max;
  int32_t asymmetric;
  const int32_t *filter_scale;
} edgec_conv2d_hybrid_f32_params;

void edgec_conv2d_hybrid_f32(const edgec_conv2d_hybrid_f32_params *p, const float *input,
                             const int8_t *filter, const float *bias, float *output);

/* ------------------------------------------------------ DEPTHWISE_CONV_2D */

typedef struct {
  edgec_dims input;  /* [n, h, w, in_c] */
  edgec_dims filter; /* [1, kh, kw, in_c * depth_multiplier] */
  edgec_dims output; /* [n, oh, ow, in_c * depth_multiplier] */
  int32_t stride_h, stride_w;
  int32_t dilation_h, dilation_w;
  int32_t pad_h, pad_w;
  int32_t depth_multiplier;
  int32_t input_offset, output_offset;
  int32_t act_min, act_max;
  const int32_t *multiplier; /* [out_c] */
  const int32_t *shift;      /* [out_c] */
} edgec_depthwise_conv2d_s8_params;

void edgec_depthwise_conv2d_s8(const edgec_depthwise_conv2d_s8_params *p, const int8_t *input,
                               const int8_t *filter, const int32_t *bias, int8_t *output);

/* The same with packed int4 weights: bit-exact with edgec_depthwise_conv2d_s8
 * on the unpacked weights. */
void edgec_depthwise_conv2d_s8w4(const edgec_depthwise_conv2d_s8_params *p, const int8_t *input,
                                 const int8_t *filter, const int32_t *bias, int8_t *output);

/* The same operator with depth_multiplier 1, computed channel by channel
 * through `plane` (input.h * input.w bytes of working memory, apart from
 * both tensors), so that `output` may be `input` itself: the output then
 * occupies the first output.h * output.w * output.c bytes of the input's
 * buffer (TinyEngine's in-place depthwise convolution). Bit-exact with
 * edgec_depthwise_conv2d_s8, whether output == input or the two are apart
 * (any other overlap is not allowed). */
void edgec_depthwise_conv2d_inplace_s8(const edgec_depthwise_conv2d_s8_params *p,
                                       const int8_t *input, const int8_t *filter,
                                       const int32_t *bias, int8_t *output, int8_t *plane);

typedef struct {
  edgec_dims input, filter, output;
  int32_t stride_h, stride_w;
  int32_t dilation_h, dilation_w;
  int32_t pad_h, pad_w;
  int32_t depth_multiplier;
  float act_min, act_max;
} edgec_depthwise_conv2d_f32_params;

void edgec_depthwise_conv2d_f32(const edgec_depthwise_conv2d_f32_params *p, const float *input,
                                const float *filter, const float *bias, float *output);

/* -------------------------------------------------------- FULLY_CONNECTED */

typedef struct {
  int32_t batches;      /* rows of the input: elements / accum_depth */
  int32_t accum_depth;  /* input features */
  int32_t output_depth; /* output features */
  int32_t input_offset, filter_offset, output_offset; /* filter_offset is 0 when per_channel */
  int32_t act_min, act_max;
  int32_t per_channel; /* 1: multiplier/shift/real_scale have output_depth entries; 0: one */
  int32_t rounding;    /* EDGEC_ROUND_DOUBLE or EDGEC_ROUND_SINGLE */
  const int32_t *multiplier; /* EDGEC_ROUND_DOUBLE: Q31 multipliers */
  const int32_t *shift;      /* EDGEC_ROUND_DOUBLE: shifts, positive = left */
  /* EDGEC_ROUND_SINGLE: the real scales s_in * s_w / s_out as IEEE-754
   * doubles, each stored as two words (low 32 bits, then high 32 bits) so the
   * table stays int32_t; NULL with EDGEC_ROUND_DOUBLE. */
  const int32_t *real_scale;
} edgec_fully_connected_s8_params;

void edgec_fully_connected_s8(const edgec_fully_connected_s8_params *p, const int8_t *input,
                              const int8_t *filter, const int32_t *bias, int8_t *output,
                              void *scratch, int32_t scratch_bytes);

/* The same with packed int4 weights: bit-exact with edgec_fully_connected_s8
 * on the unpacked weights, in both rounding modes. */
void edgec_fully_connected_s8w4(const edgec_fully_connected_s8_params *p, const int8_t *input,
                                const int8_t *filter, const int32_t *bias, int8_t *output,
                                void *scratch, int32_t scratch_bytes);

typedef struct {
  int32_t batches, accum_depth, output_depth;
  float act_min, act_max;
} edgec_fully_connected_f32_params;

void edgec_fully_connected_f32(const edgec_fully_connected_f32_params *p, const float *input,
                               const float *filter, const float *bias, float *output);

/* -------------------------------------------------------------- ADD, MUL */

typedef struct {
  edgec_broadcast broadcast;
  int32_t input1_offset, input2_offset, output_offset;
  int32_t left_shift;
  int32_t input1_multiplier, input1_shift;
  int32_t input2_multiplier, input2_shift;
  int32_t output_multiplier, output_shift;
  int32_t act_min, act_max;
} edgec_add_s8_params;

void edgec_add_s8(const edgec_add_s8_params *p, const int8_t *input1, const int8_t *input2,
                  int8_t *output);

typedef struct {
  edgec_broadcast broadcast;
  int32_t input1_offset, input2_offset, output_offset;
  int32_t output_multiplier, output_shift;
  int32_t act_min, act_max;
} edgec_mul_s8_params;

void edgec_mul_s8(const edgec_mul_s8_params *p, const int8_t *input1, const int8_t *input2,
                  int8_t *output);

typedef struct {
  edgec_broadcast broadcast;
  float act_min, act_max;
} edgec_elementwise_f32_params;

void edgec_add_f32(const edgec_elementwise_f32_params *p, const float *input1,
                   const float *input2, float *output);
void edgec_mul_f32(const edgec_elementwise_f32_params *p, const float *input1,
                   const float *input2, float *output);

/* ------------------------------------------- AVERAGE_POOL_2D, MAX_POOL_2D */

typedef struct {
  edgec_dims input, output;
  int32_t filter_h, filter_w;
  int32_t stride_h, stride_w;
  int32_t pad_h, pad_w;
  int32_t act_min, act_max;
} edgec_pool_s8_params;

void edgec_avg_pool_s8(const edgec_pool_s8_params *p, const int8_t *input, int8_t *output);
void edgec_max_pool_s8(const edgec_pool_s8_params *p, const int8_t *input, int8_t *output);

typedef struct {
  edgec_dims input, output;
  int32_t filter_h, filter_w;
  int32_t stride_h, stride_w;
  int32_t pad_h, pad_w;
  float act_min, act_max;
} edgec_pool_f32_params;

void edgec_avg_pool_f32(const edgec_pool_f32_params *p, const float *input, float *output);
void edgec_max_pool_f32(const edgec_pool_f32_params *p, const float *input, float *output);

/* ------------------------------------------------------------------- MEAN */

/* dims is the input shape, reduce[i] is 1 for the reduced axes. The output has the
 * input's shape with reduced axes removed (or kept as 1, the same bytes).
 * int8 is TFLM's QuantizedMeanOrSum, its only int8 MEAN path: an int32 sum of
 * the raw inputs, less input_zp * num_elements, requantized once by
 * multiplier/shift = input_scale / output_scale / num_elements (the division
 * folded into the multiplier at compile time), clamped to int8. */
typedef struct {
  int32_t rank;
  int32_t dims[EDGEC_MAX_DIMS];
  int32_t reduce[EDGEC_MAX_DIMS];
  int32_t input_offset, output_offset; /* -input zp, +output zp */
  int32_t multiplier, shift;           /* input_scale / output_scale / num_elements */
  int32_t num_elements;                /* elements reduced into each output */
} edgec_mean_s8_params;

void edgec_mean_s8(const edgec_mean_s8_params *p, const int8_t *input, int8_t *output);

typedef struct {
  int32_t rank;
  int32_t dims[EDGEC_MAX_DIMS];
  int32_t reduce[EDGEC_MAX_DIMS];
} edgec_mean_f32_params;

void edgec_mean_f32(const edgec_mean_f32_params *p, const float *input, float *output);

/* ---------------------------------------------------------------- SOFTMAX */

/* int8 is TFLM's gemmlowp path: differences to the row maximum scaled to
 * Q5.26 (input_multiplier, input_left_shift), exp in fixed point, the sum in
 * Q12.19, then its reciprocal. Differences below diff_min count as exp = 0.
 * Where TFLM aborts (a row whose exps sum to 256 or more), edgec writes -128. */
typedef struct {
  int32_t outer;          /* rows */
  int32_t depth;          /* softmax over the last axis */
  int32_t input_multiplier;
  int32_t input_left_shift;
  int32_t diff_min;
  int32_t output_offset; /* output zero point (-128 for TFLite int8 softmax) */
} edgec_softmax_s8_params;

void edgec_softmax_s8(const edgec_softmax_s8_params *p, const int8_t *input, int8_t *output);

typedef struct {
  int32_t outer, depth;
  float beta;
} edgec_softmax_f32_params;

void edgec_softmax_f32(const edgec_softmax_f32_params *p, const float *input, float *output);

/* --------------------------------------------------------------- LOGISTIC */

typedef struct {
  int32_t size;
  int32_t input_zero_point;
  int32_t input_range_radius;
  int32_t input_multiplier;
  int32_t input_left_shift;
} edgec_logistic_s8_params;

void edgec_logistic_s8(const edgec_logistic_s8_params *p, const int8_t *input, int8_t *output);

typedef struct {
  int32_t size;
} edgec_logistic_f32_params;

void edgec_logistic_f32(const edgec_logistic_f32_params *p, const float *input, float *output);

/* ------------------------------- NEG, RSQRT, HARD_SWISH, GELU, SUB, SQUARED_DIFFERENCE */

/* int8 -> int8 through a table of 256 entries, entry x + 128 in byte
 * (x + 128) % 4 of word (x + 128) / 4 (low byte first). The compiler fills
 * it with the peer's exact arithmetic: TFLM's RSQRT and HARD_SWISH, LiteRT's
 * GELU, and for NEG the DEQUANTIZE -> NEG -> QUANTIZE chain. May run in place. */
typedef struct {
  int32_t size;
  const int32_t *table; /* [64] */
} edgec_lookup_s8_params;

void edgec_lookup_s8(const edgec_lookup_s8_params *p, const int8_t *input, int8_t *output);

/* float32 element-wise functions of one input; each may run in place. */
typedef struct {
  int32_t size;
} edgec_unary_f32_params;

void edgec_neg_f32(const edgec_unary_f32_params *p, const float *input, float *output);
void edgec_rsqrt_f32(const edgec_unary_f32_params *p, const float *input, float *output);
void edgec_hard_swish_f32(const edgec_unary_f32_params *p, const float *input, float *output);
void edgec_gelu_f32(const edgec_unary_f32_params *p, const float *input, float *output);
void edgec_gelu_tanh_f32(const edgec_unary_f32_params *p, const float *input, float *output);

/* int8 SUB (left_shift 20, output multiplier below one, fused activation
 * range) and SQUARED_DIFFERENCE (left_shift 7, general output multiplier,
 * act_min/act_max -128/127) take ADD's parameters; broadcasting as ADD. */
void edgec_sub_s8(const edgec_add_s8_params *p, const int8_t *input1, const int8_t *input2,
                  int8_t *output);
void edgec_squared_difference_s8(const edgec_add_s8_params *p, const int8_t *input1,
                                 const int8_t *input2, int8_t *output);
void edgec_sub_f32(const edgec_elementwise_f32_params *p, const float *input1,
                   const float *input2, float *output);
void edgec_squared_difference_f32(const edgec_elementwise_f32_params *p, const float *input1,
                                  const float *input2, float *output);

/* -------------------------------------------------------------------- PAD */

/* Any element type: element_size bytes per element, pad_value the element's
 * bytes (little-endian, in the low bytes). */
typedef struct {
  int32_t rank;
  int32_t element_size;
  int32_t input_dims[EDGEC_MAX_DIMS];
  int32_t before[EDGEC_MAX_DIMS];
  int32_t after[EDGEC_MAX_DIMS];
  uint32_t pad_value;
} edgec_pad_params;

void edgec_pad(const edgec_pad_params *p, const void *input, void *output);

/* ---------------------------------------------------------- CONCATENATION */

/* Inputs share the output's element type and quantization; the output is
 * `outer` rows of the inputs' `copy_bytes[i]` concatenated. */
#define EDGEC_MAX_CONCAT_INPUTS 16
typedef struct {
  int32_t num_inputs;
  int32_t outer;
  int32_t copy_bytes[EDGEC_MAX_CONCAT_INPUTS];
} edgec_concatenation_params;

void edgec_concatenation(const edgec_concatenation_params *p, const void *const *inputs,
                         void *output);

/* ------------------------------------------------ QUANTIZE and DEQUANTIZE */

/* float -> int8: q = clamp(round(x / scale) + zero_point), rounding half away
 * from zero in float. A quotient that is NaN or outside int32 becomes
 * INT32_MIN before the zero point is added (with wrap-around), as TFLM's
 * float-to-int conversion behaves on x86. */
typedef struct {
  int32_t size;
  float scale;
  int32_t zero_point;
} edgec_quantize_f32_s8_params;

void edgec_quantize_f32_s8(const edgec_quantize_f32_s8_params *p, const float *input,
                           int8_t *output);

/* int8 -> int8 with a new scale/zero point (TFLM's Requantize). */
typedef struct {
  int32_t size;
  int32_t input_zero_point, output_zero_point;
  int32_t multiplier, shift;
} edgec_requantize_s8_params;

void edgec_requantize_s8(const edgec_requantize_s8_params *p, const int8_t *input,
                         int8_t *output);

/* int8 -> float: x = scale * (q - zero_point). */
typedef struct {
  int32_t size;
  float scale;
  int32_t zero_point;
} edgec_dequantize_s8_f32_params;

void edgec_dequantize_s8_f32(const edgec_dequantize_s8_f32_params *p, const int8_t *input,
                             float *output);

/* ------------------------------------------------------------------- COPY */

/* RESHAPE when the planner could not alias it (e.g. a graph input that is
 * also read after the reshape is written). */
typedef struct {
  int32_t bytes;
} edgec_copy_params;

void edgec_copy(const edgec_copy_params *p, const void *input, void *output);

/* SLICE of one contiguous byte range (the rows of a band, in patch-based
 * inference): output = input[offset, offset + bytes). The planner usually
 * places the output inside the input, and then the code generator emits no
 * call; this runs when it could not. */
typedef struct {
  int32_t offset, bytes;
} edgec_slice_params;

void edgec_slice(const edgec_slice_params *p, const void *input, void *output);

/* ----------------------------------------------------------- BATCH_MATMUL */

/* The loop nest of BATCH_MATMUL, operands extended to rank 5: for every
 * output batch index (b0, b1, b2) < batch, output row i < rows and column
 * j < cols (written in that row-major order), the sum over d < depth of
 * lhs[lhs_base + i * lhs_row_stride + d * lhs_depth_stride] times
 * rhs[rhs_base + d * rhs_depth_stride + j * rhs_col_stride], where the bases
 * are the dot products of (b0, b1, b2) with the batch strides (0 on a
 * broadcast axis). adj_x / adj_y are only other strides. */
typedef struct {
  int32_t batch[3];
  int32_t lhs_batch_stride[3];
  int32_t rhs_batch_stride[3];
  int32_t rows, depth, cols;
  int32_t lhs_row_stride, lhs_depth_stride;
  int32_t rhs_depth_stride, rhs_col_stride;
} edgec_batch_matmul_geometry;

/* int8: TFLM's reference BatchMatMul: sum of (rhs + rhs_offset) *
 * (lhs + lhs_offset), MultiplyByQuantizedMultiplier, + output_offset,
 * clamped to int8. */
typedef struct {
  edgec_batch_matmul_geometry geometry;
  int32_t lhs_offset, rhs_offset, output_offset;
  int32_t multiplier, shift;
} edgec_batch_matmul_s8_params;

void edgec_batch_matmul_s8(const edgec_batch_matmul_s8_params *p, const int8_t *lhs,
                           const int8_t *rhs, int8_t *output);

typedef struct {
  edgec_batch_matmul_geometry geometry;
} edgec_batch_matmul_f32_params;

void edgec_batch_matmul_f32(const edgec_batch_matmul_f32_params *p, const float *lhs,
                            const float *rhs, float *output);

/* ------------------------------------------ TRANSPOSE, STRIDED_SLICE copy */

/* Copies elements of element_bytes bytes from the input into the contiguous
 * output: output element (i0 .. i_{rank-1}) over dims is input element
 * offset + sum(i_k * strides[k]) (strides in elements, negative for a
 * reversed STRIDED_SLICE axis). TRANSPOSE is the permuted strides,
 * STRIDED_SLICE the stepped ones. Types do not matter: the bytes move. */
typedef struct {
  int32_t rank;
  int32_t dims[EDGEC_MAX_DIMS];
  int32_t strides[EDGEC_MAX_DIMS];
  int32_t offset;
  int32_t element_bytes;
} edgec_strided_copy_params;

void edgec_strided_copy(const edgec_strided_copy_params *p, const void *input, void *output);

/* ----------------------------------------------------------------- GATHER */

/* GATHER with constant indices: for b < batches, o < outer, c < coords,
 * copies the inner_bytes block of params' index indices[b * coords + c]
 * along the gathered axis (of axis_size blocks) of outer block (b, o). */
typedef struct {
  int32_t batches, outer, axis_size, coords, inner_bytes;
  const int32_t *indices;
} edgec_gather_params;

void edgec_gather(const edgec_gather_params *p, const void *input, void *output);

/* ------------------------------------------------------- SPLIT, SPLIT_V */

/* Splits the input along one axis into count outputs: for every one of
 * outer blocks of axis_bytes input bytes, output k receives the next
 * bytes[k] bytes (its size along the axis times the inner bytes). The
 * outputs are an array of count pointers. */
typedef struct {
  int32_t outer, axis_bytes, count;
  const int32_t *bytes;
} edgec_split_params;

void edgec_split(const edgec_split_params *p, const void *input, void *const *outputs);

#ifdef __cplusplus
}
#endif

#endif /* EDGEC_KERNELS_H */
