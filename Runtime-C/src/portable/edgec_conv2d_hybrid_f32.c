/*
 * edgec_conv2d_hybrid_f32: CONV_2D with float activations and int8 weights,
 * as LiteRT's hybrid kernels compute it (tflite/kernels/conv.cc EvalHybrid
 * and EvalHybridPerChannel, with PortableSymmetricQuantizeFloats and
 * PortableAsymmetricQuantizeFloats), and bit-identical with EdgeReference's
 * Conv2DHybridKernel. See kernels.h for the arithmetic.
 *
 * LiteRT quantizes the whole input batch into a scratch tensor first; this
 * kernel computes the batch's scale and zero point in a first pass and then
 * quantizes each input value where the convolution reads it, which gives the
 * same int8 values without scratch memory. Every float operation is its own
 * statement so that no compiler fuses a multiply-add LiteRT does not fuse.
 */
#include <string.h>

#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"

typedef struct {
  float scale;   /* the batch's scaling factor */
  float inverse; /* 0 when the batch is all zeros: every q is 0 */
  int32_t offset;
  int32_t asymmetric;
} edgec_hybrid_batch;

static float edgec_hybrid_scale(const int32_t *bits, int32_t i) {
  float f;
  memcpy(&f, &bits[i], sizeof f);
  return f;
}

/* Round half away from zero, for |v| well inside int32. */
static int32_t edgec_hybrid_round(double v) {
  int32_t t = (int32_t)v;
  const double fraction = v - (double)t;
  if (fraction >= 0.5) t += 1;
  if (fraction <= -0.5) t -= 1;
  return t;
}

static edgec_hybrid_batch edgec_hybrid_prepare(const float *x, int32_t size, int32_t asymmetric) {
  edgec_hybrid_batch q;
  float low = size > 0 ? x[0] : 0.0f, high = low;
  int32_t i;
  q.scale = 1.0f;
  q.inverse = 0.0f;
  q.offset = 0;
  q.asymmetric = asymmetric;
  /* std::minmax_element: the first smallest, the last largest. */
  for (i = 0; i < size; ++i) {
    if (x[i] < low) low = x[i];
    if (!(x[i] < high)) high = x[i];
  }
  if (asymmetric) {
    /* min and max stay float, so the range is a float subtraction; the rest
     * is double, as in the LiteRT build edgec is checked against. */
    const float rmin = low < 0.0f ? low : 0.0f;
    const float rmax = 0.0f < high ? high : 0.0f;
    const float range = rmax - rmin;
    double scale, from_min, from_max, min_ratio, max_ratio, zero_point;
    if (rmin == rmax) return q;
    scale = (double)range / 255.0;
    min_ratio = (double)rmin / scale;
    max_ratio = (double)rmax / scale;
    from_min = -128.0 - min_ratio;
    from_max = 127.0 - max_ratio;
    zero_point = 128.0 + (min_ratio < 0 ? -min_ratio : min_ratio) <
                         127.0 + (max_ratio < 0 ? -max_ratio : max_ratio)
                     ? from_min
                     : from_max;
    q.offset = zero_point <= -128.0 ? -128
               : zero_point >= 127.0 ? 127
                                     : edgec_hybrid_round(zero_point);
    q.scale = (float)scale;
    q.inverse = (float)(1.0 / (double)q.scale);
  } else {
    const float a = low < 0.0f ? -low : low;
    const float b = high < 0.0f ? -high : high;
    const float range = a < b ? b : a;
    if (range == 0.0f) return q;
    q.scale = range / 127.0f;
    q.inverse = 127.0f / range;
  }
  return q;
}

static int32_t edgec_hybrid_quantize(const edgec_hybrid_batch *q, float x) {
  float v = x * q->inverse;
  int32_t r;
  if (q->inverse == 0.0f) return 0;
  if (q->asymmetric) v = (float)q->offset + v;
  if (!(v >= -129.0f)) v = -129.0f; /* NaN too, as LiteRT's conversion does on x86 */
  if (v > 128.0f) v = 128.0f;
  r = edgec_hybrid_round((double)v);
  return q->asymmetric ? edgec_clamp(r, -128, 127) : edgec_clamp(r, -127, 127);
}

void edgec_conv2d_hybrid_f32(const edgec_conv2d_hybrid_f32_params *p, const float *input,
                             const int8_t *filter, const float *bias, float *output) {
  const edgec_dims in = p->input, f = p->filter, out = p->output;
  const int32_t batch_size = in.h * in.w * in.c;
  int32_t b, oy, ox, oc, ky, kx, ic;
  for (b = 0; b < out.n; ++b) {
    const edgec_hybrid_batch q = edgec_hybrid_prepare(input + b * batch_size, batch_size, p->asymmetric);
    for (oy = 0; oy < out.h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      for (ox = 0; ox < out.w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        for (oc = 0; oc < out.c; ++oc) {
          int32_t acc = 0;
          float value;
          for (ky = 0; ky < f.h; ++ky) {
            const int32_t iy = iy0 + ky * p->dilation_h;
            if (iy < 0 || iy >= in.h) continue;
            for (kx = 0; kx < f.w; ++kx) {
              const int32_t ix = ix0 + kx * p->dilation_w;
              const float *x;
              const int8_t *w;
              if (ix < 0 || ix >= in.w) continue;
              x = input + ((b * in.h + iy) * in.w + ix) * in.c;
              w = filter + ((oc * f.h + ky) * f.w + kx) * f.c;
              for (ic = 0; ic < f.c; ++ic) {
                acc += (int32_t)w[ic] * (edgec_hybrid_quantize(&q, x[ic]) - q.offset);
              }
            }
          }
          if (p->asymmetric) {
            value = (float)acc * edgec_hybrid_scale(p->filter_scale, oc);
            value = value * q.scale;
          } else {
            const float scale = q.scale * edgec_hybrid_scale(p->filter_scale, 0);
            value = (float)acc * scale;
          }
          value = value + (bias != NULL ? bias[oc] : 0.0f);
          *output++ = edgec_clamp_f32(value, p->act_min, p->act_max);
        }
      }
    }
  }
}
