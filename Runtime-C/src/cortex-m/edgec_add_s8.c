/*
 * edgec_add_s8 (Cortex-M, DSP): int8 ADD with broadcasting, bit-exact with
 * src/portable/edgec_add_s8.c (TFLM's reference_integer_ops::Add).
 *
 * TFLM rescales each input, ((v + offset) << 20) · multiplier >> shift, then
 * rescales the sum to the output. The first step depends only on the int8
 * value v, so for tensors of 128 elements or more the call tabulates it once
 * per input (256 words each, on the stack) and an element costs two loads,
 * an add and the SMMULR requantization of edgec_dsp_requant.h. Four outputs are
 * packed into a word so the activation clamp is one SSUB8/SEL pair per bound.
 *
 * Small tensors, and parameters outside the fast form's range (checked from
 * the tables' extremes), take the portable kernel's arithmetic.
 */
#include "edgec/fixedpoint.h"
#include "edgec/kernels.h"
#include "edgec/residual.h"
#include "edgec_dsp_requant.h"
#include "edgec_dsp_simd.h"

enum { ADD_TABLE_MIN = 128 };

/* TFLM's arithmetic for one element (edgec/residual.h, shared with the
 * portable kernel and the fused CONV_2D + ADD). */
static int8_t add_one_exact(const edgec_residual_s8 *a, int32_t x, int32_t y) {
  return edgec_residual_add_s8(a, x, y);
}

/* Fills table[0..255] (indexed by v + 128) with one input's rescaled value of
 * v times 2^pre; returns the largest magnitude, or -1 when the fast form does
 * not apply. */
static int32_t add_tabulate(const edgec_add_s8_params *p, int32_t offset, int32_t multiplier,
                            int32_t shift, int32_t *table) {
  edgec_dsp_requant q;
  int32_t v, lo, hi;
  if (shift > 0 || p->left_shift < 0 || p->left_shift > 22 ||
      !edgec_dsp_requant_prepare(multiplier, shift, 0, 255u << p->left_shift, &q)) {
    return -1;
  }
  for (v = -128; v < 128; ++v) {
    table[v + 128] = edgec_dsp_rescale((int32_t)((uint32_t)(offset + v) << (p->left_shift + 1)),
                                       q.multiplier, q.round, q.shift);
  }
  /* The rescaling is monotone in v, so the extremes are at the ends. */
  lo = table[0] < 0 ? -table[0] : table[0];
  hi = table[255] < 0 ? -table[255] : table[255];
  return lo > hi ? lo : hi;
}

typedef struct {
  const int32_t *t1, *t2; /* centred: t[v] for v in -128..127 */
  int32_t multiplier, round, shift;
  uint32_t act_lo, act_hi;
  int clamp;
} add_plan;

#define ADD_OUT(sum) edgec_dsp_requantize((sum), multiplier, round, shift)

/* The same-shape loop without a clamp: n (a multiple of 4) outputs from a
 * and b. Offsets read by the assembly: t1 0, t2 4, a 8, b 12, y 16, n 20,
 * multiplier 24, round 28, shift 32. */
typedef struct {
  const int32_t *t1, *t2;
  const int8_t *a, *b;
  int8_t *y;
  int32_t n, multiplier, round, shift;
} add_run;

#if EDGEC_DSP_HARDWARE

/* One element: two loads, two table reads, the add and the requantization
 * of edgec_dsp_requant.h, a store (eleven instructions; GCC needs fourteen). */
#define ADD_ASM_ONE                            \
  "ldrsb   r9, [r2], #1\n\t"                  \
  "ldrsb   r10, [r3], #1\n\t"                 \
  "ldr     r9, [r0, r9, lsl #2]\n\t"          \
  "ldr     r10, [r1, r10, lsl #2]\n\t"        \
  "add     r9, r9, r10\n\t"                   \
  "smmulr  r10, r9, r6\n\t"                   \
  "add     r9, r7, r10, lsl #1\n\t"           \
  "add     r9, r9, r10, asr #31\n\t"          \
  "asr     r9, r9, r8\n\t"                    \
  "ssat    r9, #8, r9\n\t"                    \
  "strb    r9, [r4], #1\n\t"

__attribute__((naked, noinline)) static void add_same_shape(const add_run *run
                                                            __attribute__((unused))) {
  __asm__(
      "push    {r4-r11, lr}\n\t"
      "ldm     r0, {r0-r8}\n\t"
      "lsrs    r5, r5, #2\n\t"
      "1:\n\t"
      ADD_ASM_ONE ADD_ASM_ONE ADD_ASM_ONE ADD_ASM_ONE
      "subs    r5, r5, #1\n\t"
      "bne     1b\n\t"
      "pop     {r4-r11, pc}\n\t");
}

#else

static void add_same_shape(const add_run *run) {
  const int32_t multiplier = run->multiplier, round = run->round, shift = run->shift;
  int32_t i;
  for (i = 0; i < run->n; ++i) run->y[i] = (int8_t)ADD_OUT(run->t1[run->a[i]] + run->t2[run->b[i]]);
}

#endif

/* n outputs from a (step sa) and b (step sb), each step 0 or 1 in the fast loops. */
__attribute__((noinline)) static void add_row(const add_plan *q, const int8_t *a, int32_t sa, const int8_t *b, int32_t sb,
                    int32_t n, int8_t *y) {
  /* Locals, not q->: a store through int8_t * may alias the plan. */
  const int32_t *t1 = q->t1, *t2 = q->t2;
  const int32_t multiplier = q->multiplier, round = q->round, shift = q->shift;
  const uint32_t act_lo = q->act_lo, act_hi = q->act_hi;
  const int clamp = q->clamp;
  int32_t i;
  if (sa == 1 && sb == 1 && !clamp) {
    const int32_t body = n & ~3;
    if (body > 0) {
      add_run run;
      run.t1 = t1;
      run.t2 = t2;
      run.a = a;
      run.b = b;
      run.y = y;
      run.n = body;
      run.multiplier = multiplier;
      run.round = round;
      run.shift = shift;
      add_same_shape(&run);
      a += body;
      b += body;
      y += body;
      n -= body;
    }
  } else if (sa == 1 && sb == 1) {
    for (; n >= 4; n -= 4, a += 4, b += 4, y += 4) {
      uint32_t v = edgec_dsp_pack4(ADD_OUT(t1[a[0]] + t2[b[0]]), ADD_OUT(t1[a[1]] + t2[b[1]]),
                                   ADD_OUT(t1[a[2]] + t2[b[2]]), ADD_OUT(t1[a[3]] + t2[b[3]]));
      v = edgec_dsp_clamp4(v, act_lo, act_hi);
      edgec_dsp_store32(y, v);
    }
  } else if (sa == 1 && sb == 0) {
    const int32_t c = t2[b[0]];
    for (; n >= 4; n -= 4, a += 4, y += 4) {
      uint32_t v = edgec_dsp_pack4(ADD_OUT(t1[a[0]] + c), ADD_OUT(t1[a[1]] + c),
                                   ADD_OUT(t1[a[2]] + c), ADD_OUT(t1[a[3]] + c));
      if (clamp) v = edgec_dsp_clamp4(v, act_lo, act_hi);
      edgec_dsp_store32(y, v);
    }
  } else if (sa == 0 && sb == 1) {
    const int32_t c = t1[a[0]];
    for (; n >= 4; n -= 4, b += 4, y += 4) {
      uint32_t v = edgec_dsp_pack4(ADD_OUT(c + t2[b[0]]), ADD_OUT(c + t2[b[1]]),
                                   ADD_OUT(c + t2[b[2]]), ADD_OUT(c + t2[b[3]]));
      if (clamp) v = edgec_dsp_clamp4(v, act_lo, act_hi);
      edgec_dsp_store32(y, v);
    }
  }
  for (i = 0; i < n; ++i) {
    /* act_lo/act_hi hold the bounds in every byte lane; the low byte is the bound. */
    const int32_t raw = ADD_OUT(t1[a[i * sa]] + t2[b[i * sb]]);
    y[i] = (int8_t)edgec_clamp(raw, (int8_t)act_lo, (int8_t)act_hi);
  }
}

void edgec_add_s8(const edgec_add_s8_params *p, const int8_t *input1, const int8_t *input2,
                  int8_t *output) {
  const edgec_broadcast *b = &p->broadcast;
  const int32_t last = b->rank - 1;
  const int32_t inner = b->dims[last], step1 = b->stride1[last], step2 = b->stride2[last];
  int32_t counter[EDGEC_MAX_DIMS] = {0};
  int32_t base1 = 0, base2 = 0, outer = 1, axis, row, i, max1, max2;
  int32_t t1[256], t2[256];
  const edgec_residual_s8 exact = edgec_residual_of_add(p);
  edgec_dsp_requant out;
  add_plan q;
  int fast;

  memset(&q, 0, sizeof q);
  for (axis = 0; axis < last; ++axis) outer *= b->dims[axis];
  fast = outer * inner >= ADD_TABLE_MIN && p->output_shift <= 0;
  if (fast) {
    max1 = add_tabulate(p, p->input1_offset, p->input1_multiplier, p->input1_shift, t1);
    max2 = max1 < 0 ? -1 : add_tabulate(p, p->input2_offset, p->input2_multiplier, p->input2_shift, t2);
    fast = max2 >= 0 && max1 <= 0x3FFFFFFF - max2 &&
           edgec_dsp_requant_prepare(p->output_multiplier, p->output_shift, p->output_offset,
                                     (uint32_t)(max1 + max2), &out);
  }
  if (fast) {
    /* Pre-scale the tables so their sum needs no shift before SMMULR. */
    for (i = 0; i < 256; ++i) {
      t1[i] = (int32_t)((uint32_t)t1[i] << out.pre_shift);
      t2[i] = (int32_t)((uint32_t)t2[i] << out.pre_shift);
    }
    q.t1 = t1 + 128;
    q.t2 = t2 + 128;
    q.multiplier = out.multiplier;
    q.round = out.round;
    q.shift = out.shift;
    q.act_lo = edgec_dsp_quad8(p->act_min);
    q.act_hi = edgec_dsp_quad8(p->act_max);
    q.clamp = p->act_min > -128 || p->act_max < 127;
  }
  for (row = 0; row < outer; ++row) {
    if (fast) {
      add_row(&q, input1 + base1, step1, input2 + base2, step2, inner, output);
    } else {
      for (i = 0; i < inner; ++i) {
        output[i] = add_one_exact(&exact, input1[base1 + i * step1], input2[base2 + i * step2]);
      }
    }
    output += inner;
    for (axis = last - 1; axis >= 0; --axis) {
      base1 += b->stride1[axis];
      base2 += b->stride2[axis];
      if (++counter[axis] < b->dims[axis]) break;
      base1 -= b->stride1[axis] * b->dims[axis];
      base2 -= b->stride2[axis] * b->dims[axis];
      counter[axis] = 0;
    }
  }
}
