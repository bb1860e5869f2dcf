/*
 * edgec runtime (internal, Cortex-M): the columns of the cortex-m CONV_2D's
 * block path — each output pixel's receptive field widened to int16 with the
 * input offset added (taps in the padding become zeros), four pixels
 * interleaved in a column block (edgec_cm_dot.h) or one alone for the row
 * loops. A pointwise convolution's column is its input pixel, and any layer
 * whose taps are whole groups of four (input channels a multiple of four, or
 * a whole kernel row of them) is widened straight from the input; other
 * layers gather the receptive field first, with the zero point in the
 * padding, into `field`.
 */
#ifndef EDGEC_CM_COLUMNS_H
#define EDGEC_CM_COLUMNS_H

#include "edgec/kernels.h"
#include "edgec_cm_dot.h"
#include "edgec_cm_gemm.h"

/* How a pixel whose receptive field lies inside the input is widened. */
enum {
  EDGEC_CM_ROWS, /* each kernel row is whole groups, contiguous in the input */
  EDGEC_CM_TAPS, /* each tap is whole groups (in_c a multiple of four) */
  EDGEC_CM_FIELD /* gathered into `field` first */
};

typedef struct {
  const edgec_conv2d_s8_params *p;
  const int8_t *input;
  int32_t groups;      /* of a column, the tail included */
  int32_t row_bytes;   /* kw · in_c */
  int32_t row_step;    /* input bytes from one kernel row to the next */
  int32_t tap_step;    /* input bytes from one kernel tap to the next */
  int32_t span_h, span_w; /* the dilated kernel's extent */
  int32_t interior;    /* EDGEC_CM_ROWS, _TAPS or _FIELD */
  uint32_t offset_pair;
  int8_t zero_point; /* the input value that widens to 0 */
} edgec_cm_conv_columns;

/* A column goes into a block of four interleaved columns (8 words a group)
 * or alone (2 words a group, for edgec_cm_gemm_rows). */
static inline __attribute__((always_inline)) uint32_t *edgec_cm_conv_widen(const int8_t *src,
                                                                          uint32_t *dst,
                                                                          int32_t groups,
                                                                          uint32_t offset_pair,
                                                                          int alone) {
  return alone ? edgec_cm_widen_row(src, dst, groups, offset_pair)
               : edgec_cm_widen_block(src, dst, groups, offset_pair);
}

/* Output pixel coordinates, advanced one pixel at a time (no divisions). */
typedef struct {
  int32_t b, oy, ox;
} edgec_cm_pixel;

/* A receptive field that reaches into the padding, gathered as int8 with
 * the zero point in the padding (one copy per kernel row when the taps are
 * adjacent), then widened. */
static void edgec_cm_conv_border_field(const edgec_cm_conv_columns *k, int32_t b, int32_t iy0,
                                       int32_t ix0, uint32_t *dst, int8_t *field, int alone) {
  const edgec_conv2d_s8_params *p = k->p;
  const int32_t c = p->input.c, kw = p->filter.w;
  const uint32_t zero4 = (uint32_t)(uint8_t)k->zero_point * 0x01010101u;
  int32_t lo = 0, hi = kw, ky, kx;
  int8_t *f = field;
  if (p->dilation_w == 1) { /* the taps [lo, hi) of every row are inside */
    if (ix0 < 0) lo = -ix0 < kw ? -ix0 : kw;
    if (ix0 + kw > p->input.w) hi = p->input.w - ix0 > lo ? p->input.w - ix0 : lo;
  }
  for (ky = 0; ky < p->filter.h; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    const int8_t *row = k->input + (b * p->input.h + iy) * p->input.w * c;
    if (iy < 0 || iy >= p->input.h) {
      f = edgec_cm_fill(f, zero4, k->row_bytes);
    } else if (p->dilation_w == 1) {
      f = edgec_cm_fill(f, zero4, lo * c);
      f = edgec_cm_copy(f, row + (ix0 + lo) * c, (hi - lo) * c);
      f = edgec_cm_fill(f, zero4, (kw - hi) * c);
    } else {
      for (kx = 0; kx < kw; ++kx) {
        const int32_t ix = ix0 + kx * p->dilation_w;
        if (ix < 0 || ix >= p->input.w) {
          f = edgec_cm_fill(f, zero4, c);
        } else {
          f = edgec_cm_copy(f, row + ix * c, c);
        }
      }
    }
  }
  (void)edgec_cm_conv_widen(field, dst, k->groups, k->offset_pair, alone);
}

/* The same with whole-group taps: widened straight from the input, zeros for
 * the padding. */
static void edgec_cm_conv_border_taps(const edgec_cm_conv_columns *k, int32_t b, int32_t iy0,
                                      int32_t ix0, uint32_t *dst, int alone) {
  const edgec_conv2d_s8_params *p = k->p;
  const int32_t c = p->input.c, tap_groups = c >> 2;
  int32_t ky, kx;
  for (ky = 0; ky < p->filter.h; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    const int8_t *row = k->input + (b * p->input.h + iy) * p->input.w * c;
    for (kx = 0; kx < p->filter.w; ++kx) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      if (iy < 0 || iy >= p->input.h || ix < 0 || ix >= p->input.w) {
        dst = edgec_cm_zero(dst, tap_groups, alone ? 2 : 8);
      } else {
        dst = edgec_cm_conv_widen(row + ix * c, dst, tap_groups, k->offset_pair, alone);
      }
    }
  }
}

/* Widens pixel `at`'s receptive field into the column block slot `dst`. */
static inline __attribute__((always_inline)) void edgec_cm_conv_column(
    const edgec_cm_conv_columns *k, const edgec_cm_pixel *at, uint32_t *dst, int8_t *field,
    int alone) {
  const edgec_conv2d_s8_params *p = k->p;
  const int32_t iy0 = at->oy * p->stride_h - p->pad_h, ix0 = at->ox * p->stride_w - p->pad_w;
  const int8_t *src;
  int32_t ky, kx;
  if (iy0 < 0 || iy0 + k->span_h > p->input.h || ix0 < 0 || ix0 + k->span_w > p->input.w) {
    if ((p->input.c & 3) != 0) {
      edgec_cm_conv_border_field(k, at->b, iy0, ix0, dst, field, alone);
    } else {
      edgec_cm_conv_border_taps(k, at->b, iy0, ix0, dst, alone);
    }
    return;
  }
  src = k->input + ((at->b * p->input.h + iy0) * p->input.w + ix0) * p->input.c;
  if (k->interior == EDGEC_CM_ROWS) {
    for (ky = 0; ky < p->filter.h; ++ky, src += k->row_step) {
      dst = edgec_cm_conv_widen(src, dst, k->row_bytes >> 2, k->offset_pair, alone);
    }
  } else if (k->interior == EDGEC_CM_TAPS) {
    for (ky = 0; ky < p->filter.h; ++ky, src += k->row_step) {
      for (kx = 0; kx < p->filter.w; ++kx) {
        dst = edgec_cm_conv_widen(src + kx * k->tap_step, dst, p->input.c >> 2, k->offset_pair, alone);
      }
    }
  } else {
    int8_t *f = field;
    for (ky = 0; ky < p->filter.h; ++ky, src += k->row_step) {
      if (p->dilation_w == 1) {
        f = edgec_cm_copy(f, src, k->row_bytes);
      } else {
        for (kx = 0; kx < p->filter.w; ++kx) f = edgec_cm_copy(f, src + kx * k->tap_step, p->input.c);
      }
    }
    (void)edgec_cm_conv_widen(field, dst, k->groups, k->offset_pair, alone);
  }
}

/* Moves `at` to the next output pixel. */
static inline void edgec_cm_pixel_next(const edgec_conv2d_s8_params *p, edgec_cm_pixel *at) {
  if (++at->ox == p->output.w) {
    at->ox = 0;
    if (++at->oy == p->output.h) {
      at->oy = 0;
      ++at->b;
    }
  }
}

#endif /* EDGEC_CM_COLUMNS_H */
