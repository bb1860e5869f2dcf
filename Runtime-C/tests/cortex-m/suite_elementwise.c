/*
 * ADD and MUL: the cortex-m edgec_add_s8 / edgec_mul_s8 against the portable
 * ones on random broadcasting shapes (ranks 1-5, any axis broadcast on either
 * side, planned as EdgeReference's BroadcastPlan merges axes), offsets,
 * multipliers and shifts (including ones outside the fast form's range),
 * activation ranges, misaligned tensors; then ResNet-8's residual ADDs.
 */
#include <string.h>

#include "edgec/kernels.h"
#include "harness.h"

void edgec_add_s8_portable(const edgec_add_s8_params *p, const int8_t *input1,
                           const int8_t *input2, int8_t *output);
void edgec_mul_s8_portable(const edgec_mul_s8_params *p, const int8_t *input1,
                           const int8_t *input2, int8_t *output);

#define MAX_ELEMENTS 20000
#define RANDOM_CASES 500

static int8_t a_buf[MAX_ELEMENTS + 4], b_buf[MAX_ELEMENTS + 4];
static int8_t reference[MAX_ELEMENTS + HX_GUARD];
static int8_t candidate[MAX_ELEMENTS + HX_GUARD];

/* numpy broadcasting of in1 and in2 (rank `rank`, 1 = broadcast) to out: the
 * axes walked with both inputs' strides, size-1 axes dropped and axes that
 * both inputs walk contiguously merged. Returns the output's element count. */
static int32_t plan(edgec_broadcast *b, int32_t rank, const int32_t *out, const int32_t *in1,
                    const int32_t *in2) {
  int32_t s1[EDGEC_MAX_DIMS], s2[EDGEC_MAX_DIMS], e1 = 1, e2 = 1, n = 0, total = 1, axis;
  for (axis = rank - 1; axis >= 0; --axis) {
    s1[axis] = in1[axis] == 1 ? 0 : e1;
    s2[axis] = in2[axis] == 1 ? 0 : e2;
    e1 *= in1[axis];
    e2 *= in2[axis];
  }
  memset(b, 0, sizeof *b);
  for (axis = 0; axis < rank; ++axis) {
    total *= out[axis];
    if (out[axis] == 1) continue;
    if (n > 0 && b->stride1[n - 1] == s1[axis] * out[axis] &&
        b->stride2[n - 1] == s2[axis] * out[axis]) {
      b->dims[n - 1] *= out[axis];
      b->stride1[n - 1] = s1[axis];
      b->stride2[n - 1] = s2[axis];
    } else {
      b->dims[n] = out[axis];
      b->stride1[n] = s1[axis];
      b->stride2[n] = s2[axis];
      n++;
    }
  }
  if (n == 0) b->dims[n++] = 1;
  b->rank = n;
  return total;
}

/* A random broadcast; *n1, *n2 receive the inputs' element counts. */
static int32_t random_broadcast(edgec_broadcast *b, int32_t *n1, int32_t *n2) {
  const int32_t rank = hx_range(1, 5), mode = hx_range(0, 3);
  int32_t out[EDGEC_MAX_DIMS], in1[EDGEC_MAX_DIMS], in2[EDGEC_MAX_DIMS], total, axis;
  do {
    total = 1;
    for (axis = 0; axis < rank; ++axis) {
      out[axis] = hx_chance(25) ? 1 : hx_range(1, rank <= 2 ? 300 : (rank == 3 ? 30 : 10));
      in1[axis] = in2[axis] = out[axis];
      if (mode >= 2 && hx_chance(33)) in1[axis] = 1;
      if (mode >= 2 && hx_chance(33)) in2[axis] = 1;
      if (mode == 1 && hx_chance(50)) in2[axis] = 1;
      total *= out[axis];
    }
  } while (total > MAX_ELEMENTS);
  *n1 = *n2 = 1;
  for (axis = 0; axis < rank; ++axis) {
    *n1 *= in1[axis];
    *n2 *= in2[axis];
  }
  return plan(b, rank, out, in1, in2);
}

static void random_act(int32_t *lo, int32_t *hi) {
  if (hx_chance(50)) {
    *lo = -128;
    *hi = 127;
  } else {
    *lo = hx_range(-128, 20);
    *hi = hx_range(*lo, 127);
  }
}

static void describe(char *text, const char *op, const edgec_broadcast *b, int32_t shift,
                     int misalign) {
  hx_line line;
  int32_t i;
  hx_line_start(&line, op);
  hx_line_text(&line, " dims");
  for (i = 0; i < b->rank; ++i) {
    hx_line_text(&line, " ");
    hx_line_int(&line, b->dims[i]);
    hx_line_text(&line, "/");
    hx_line_int(&line, b->stride1[i]);
    hx_line_text(&line, ",");
    hx_line_int(&line, b->stride2[i]);
  }
  hx_line_text(&line, " output shift ");
  hx_line_int(&line, shift);
  hx_line_text(&line, " misalign ");
  hx_line_int(&line, misalign);
  for (i = 0; i <= line.length; ++i) text[i] = line.text[i];
}

static void add_case(hx_tally *tally, edgec_add_s8_params *p, int32_t n1, int32_t n2,
                     int32_t total) {
  const int misalign = hx_chance(25) ? hx_range(1, 3) : 0;
  char text[240];
  hx_fill_s8(a_buf, n1 + 4, -128, 127);
  hx_fill_s8(b_buf, n2 + 4, -128, 127);
  hx_poison(reference, candidate, total);
  tally->macs += (uint64_t)total;
  HX_MEASURE(tally->insns_portable, edgec_add_s8_portable(p, a_buf + misalign, b_buf, reference));
  HX_MEASURE(tally->insns_cortex_m, edgec_add_s8(p, a_buf + misalign, b_buf, candidate));
  describe(text, "add", &p->broadcast, p->output_shift, misalign);
  hx_check(tally, reference, candidate, total, text);
}

static void random_adds(hx_tally *tally) {
  int i;
  for (i = 0; i < RANDOM_CASES; ++i) {
    edgec_add_s8_params p;
    int32_t n1, n2, total;
    const int extreme = hx_chance(15);
    total = random_broadcast(&p.broadcast, &n1, &n2);
    p.input1_offset = hx_range(-127, 128);
    p.input2_offset = hx_range(-127, 128);
    p.output_offset = hx_range(-128, 127);
    p.left_shift = 20;
    p.input1_multiplier = hx_range(1 << 30, 0x7FFFFFFF);
    p.input2_multiplier = hx_range(1 << 30, 0x7FFFFFFF);
    p.output_multiplier = hx_range(1 << 30, 0x7FFFFFFF);
    p.input1_shift = extreme ? hx_range(-31, 0) : hx_range(-6, 0);
    p.input2_shift = extreme ? hx_range(-31, 0) : hx_range(-6, 0);
    p.output_shift = extreme ? hx_range(-31, 0) : hx_range(-24, -12);
    random_act(&p.act_min, &p.act_max);
    add_case(tally, &p, n1, n2, total);
  }
}

static void random_muls(hx_tally *tally) {
  int i;
  for (i = 0; i < RANDOM_CASES; ++i) {
    edgec_mul_s8_params p;
    int32_t n1, n2, total;
    const int misalign = hx_chance(25) ? hx_range(1, 3) : 0;
    char text[240];
    total = random_broadcast(&p.broadcast, &n1, &n2);
    p.input1_offset = hx_range(-127, 128);
    p.input2_offset = hx_range(-127, 128);
    p.output_offset = hx_range(-128, 127);
    p.output_multiplier = hx_range(1 << 30, 0x7FFFFFFF);
    p.output_shift = hx_chance(15) ? hx_range(-31, 20) : hx_range(-14, 2);
    random_act(&p.act_min, &p.act_max);
    hx_fill_s8(a_buf, n1 + 4, -128, 127);
    hx_fill_s8(b_buf, n2 + 4, -128, 127);
    hx_poison(reference, candidate, total);
    tally->macs += (uint64_t)total;
    HX_MEASURE(tally->insns_portable, edgec_mul_s8_portable(&p, a_buf, b_buf + misalign, reference));
    HX_MEASURE(tally->insns_cortex_m, edgec_mul_s8(&p, a_buf, b_buf + misalign, candidate));
    describe(text, "mul", &p.broadcast, p.output_shift, misalign);
    hx_check(tally, reference, candidate, total, text);
  }
}

/* ResNet-8's three residual ADDs (same shapes, ReLU folded into the range). */
static void bench(hx_tally *tally) {
  static const struct {
    const char *name;
    int32_t elements;
  } shapes[] = {{"resnet8 add 32x32x16", 16384}, {"resnet8 add 16x16x32", 8192},
                {"resnet8 add 8x8x64", 4096}};
  size_t i;
  for (i = 0; i < sizeof shapes / sizeof shapes[0]; ++i) {
    edgec_add_s8_params p;
    uint64_t portable = tally->insns_portable, cortex_m = tally->insns_cortex_m;
    uint32_t mismatches = tally->mismatches;
    memset(&p, 0, sizeof p);
    p.broadcast.rank = 1;
    p.broadcast.dims[0] = shapes[i].elements;
    p.broadcast.stride1[0] = p.broadcast.stride2[0] = 1;
    p.input1_offset = 5;
    p.input2_offset = 128;
    p.output_offset = -128;
    p.left_shift = 20;
    p.input1_multiplier = 1623457890;
    p.input1_shift = -1;
    p.input2_multiplier = 1073741824;
    p.input2_shift = 0;
    p.output_multiplier = 1500000000;
    p.output_shift = -19;
    p.act_min = -128;
    p.act_max = 127;
    add_case(tally, &p, shapes[i].elements, shapes[i].elements, shapes[i].elements);
    hx_bench_report("add_s8 (per element)", shapes[i].name, (uint64_t)shapes[i].elements,
                    tally->insns_portable - portable, tally->insns_cortex_m - cortex_m,
                    tally->mismatches == mismatches);
  }
}

int hx_suite_elementwise(void) {
  hx_tally adds = {"edgec_add_s8 random", 0, 0, 0, 0, 0};
  hx_tally muls = {"edgec_mul_s8 random", 0, 0, 0, 0, 0};
  hx_tally shapes = {"edgec_add_s8 ResNet-8 shapes", 0, 0, 0, 0, 0};
  hx_seed(0xADD5u);
  random_adds(&adds);
  hx_tally_report(&adds);
  random_muls(&muls);
  hx_tally_report(&muls);
  bench(&shapes);
  return (int)(adds.mismatches + muls.mismatches + shapes.mismatches);
}
