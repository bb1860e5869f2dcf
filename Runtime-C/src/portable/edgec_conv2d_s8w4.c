/*
 * edgec_conv2d_s8w4: int8 CONV_2D with packed int4 weights (edgec_int4.h),
 * bit-exact with edgec_conv2d_s8 on the unpacked weights, hence with TFLM,
 * which unpacks INT4 filters in Prepare and runs ConvPerChannel. The same
 * parameters; the filter is the packed [out_c, kh, kw, in_c] tensor. The sum
 * wraps in uint32_t as in edgec_conv2d_element.h. Needs no scratch.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec_int4.h"

static int8_t edgec_conv2d_s8w4_element(const edgec_conv2d_s8_params *p, const int8_t *input,
                                        const int8_t *filter, const int32_t *bias, int32_t b,
                                        int32_t oy, int32_t ox, int32_t oc) {
  const edgec_dims in = p->input, f = p->filter;
  const int32_t per_group = p->output.c / (in.c / f.c);
  const int32_t channel_base = (oc / per_group) * f.c;
  const int32_t iy0 = oy * p->stride_h - p->pad_h, ix0 = ox * p->stride_w - p->pad_w;
  uint32_t acc = 0;
  int32_t ky, kx, ic, y;
  for (ky = 0; ky < f.h; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    if (iy < 0 || iy >= in.h) continue;
    for (kx = 0; kx < f.w; ++kx) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      const int8_t *x;
      int32_t w;
      if (ix < 0 || ix >= in.w) continue;
      x = input + (((b * in.h + iy) * in.w + ix) * in.c + channel_base);
      w = ((oc * f.h + ky) * f.w + kx) * f.c; /* element index into the packed filter */
      for (ic = 0; ic < f.c; ++ic) {
        acc += (uint32_t)(edgec_int4_at(filter, w + ic) * ((int32_t)x[ic] + p->input_offset));
      }
    }
  }
  if (bias != NULL) acc += (uint32_t)bias[oc];
  y = edgec_multiply_by_quantized_multiplier((int32_t)acc, p->multiplier[oc], p->shift[oc]);
  return (int8_t)edgec_clamp(y + p->output_offset, p->act_min, p->act_max);
}

void edgec_conv2d_s8w4(const edgec_conv2d_s8_params *p, const int8_t *input, const int8_t *filter,
                       const int32_t *bias, int8_t *output, void *scratch, int32_t scratch_bytes) {
  const edgec_dims out = p->output;
  int32_t b, oy, ox, oc;
  (void)scratch;
  (void)scratch_bytes;
  for (b = 0; b < out.n; ++b) {
    for (oy = 0; oy < out.h; ++oy) {
      for (ox = 0; ox < out.w; ++ox) {
        for (oc = 0; oc < out.c; ++oc) {
          *output++ = edgec_conv2d_s8w4_element(p, input, filter, bias, b, oy, ox, oc);
        }
      }
    }
  }
}
