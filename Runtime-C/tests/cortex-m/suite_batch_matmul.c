/*
 * BATCH_MATMUL: the cortex-m kernel against the portable one. Random shapes
 * (rows, depth and columns from 1, depths that are not multiples of four,
 * column counts that are not multiples of four), adj_x and adj_y (the
 * strided fallback), broadcast batches, every offset and a multiplier range
 * from tiny to larger than 1 (left shifts); then the ViT's attention
 * products as a benchmark.
 */
#include <string.h>

#include "edgec/kernels.h"
#include "harness.h"

void edgec_batch_matmul_s8_portable(const edgec_batch_matmul_s8_params *p, const int8_t *lhs,
                                    const int8_t *rhs, int8_t *output);

#define MAX_ELEMENTS 16384
#define CASES 600

static int8_t lhs_buf[MAX_ELEMENTS + 4];
static int8_t rhs_buf[MAX_ELEMENTS + 4];
static int8_t reference[MAX_ELEMENTS + HX_GUARD];
static int8_t candidate[MAX_ELEMENTS + HX_GUARD];

static void describe(char *text, const edgec_batch_matmul_s8_params *p, int adj_x, int adj_y) {
  const edgec_batch_matmul_geometry *g = &p->geometry;
  hx_line line;
  int i;
  hx_line_start(&line, "bmm batches ");
  hx_line_int(&line, g->batch[2]);
  hx_line_text(&line, " rows ");
  hx_line_int(&line, g->rows);
  hx_line_text(&line, " depth ");
  hx_line_int(&line, g->depth);
  hx_line_text(&line, " cols ");
  hx_line_int(&line, g->cols);
  hx_line_text(&line, " adj ");
  hx_line_int(&line, adj_x);
  hx_line_int(&line, adj_y);
  hx_line_text(&line, " offsets ");
  hx_line_int(&line, p->lhs_offset);
  hx_line_text(&line, ",");
  hx_line_int(&line, p->rhs_offset);
  hx_line_text(&line, ",");
  hx_line_int(&line, p->output_offset);
  hx_line_text(&line, " shift ");
  hx_line_int(&line, p->shift);
  for (i = 0; i <= line.length; ++i) text[i] = line.text[i];
}

/* Runs one case; the geometry's strides follow from the shape and adj flags. */
static void run_case(hx_tally *tally, edgec_batch_matmul_s8_params *p, int adj_x, int adj_y,
                     int lhs_broadcast, int rhs_broadcast) {
  edgec_batch_matmul_geometry *g = &p->geometry;
  const int32_t m = g->rows, k = g->depth, n = g->cols, b = g->batch[2];
  const int32_t count = b * m * n;
  char text[240];
  g->batch[0] = g->batch[1] = 1;
  g->lhs_batch_stride[0] = g->lhs_batch_stride[1] = 0;
  g->rhs_batch_stride[0] = g->rhs_batch_stride[1] = 0;
  g->lhs_batch_stride[2] = lhs_broadcast ? 0 : m * k;
  g->rhs_batch_stride[2] = rhs_broadcast ? 0 : k * n;
  g->lhs_row_stride = adj_x ? 1 : k;
  g->lhs_depth_stride = adj_x ? m : 1;
  g->rhs_depth_stride = adj_y ? 1 : n;
  g->rhs_col_stride = adj_y ? k : 1;
  describe(text, p, adj_x, adj_y);
  hx_poison(reference, candidate, count);
  tally->macs += (uint64_t)count * (uint64_t)k;
  HX_MEASURE(tally->insns_portable, edgec_batch_matmul_s8_portable(p, lhs_buf, rhs_buf, reference));
  HX_MEASURE(tally->insns_cortex_m, edgec_batch_matmul_s8(p, lhs_buf, rhs_buf, candidate));
  hx_check(tally, reference, candidate, count, text);
}

static void random_cases(hx_tally *tally) {
  int i;
  for (i = 0; i < CASES; ++i) {
    edgec_batch_matmul_s8_params p;
    const int adj_x = hx_chance(20), adj_y = hx_chance(20);
    const int lhs_broadcast = hx_chance(15), rhs_broadcast = !lhs_broadcast && hx_chance(15);
    edgec_batch_matmul_geometry *g = &p.geometry;
    g->batch[2] = hx_range(1, 3);
    g->rows = hx_range(1, 24);
    g->depth = hx_chance(50) ? 4 * hx_range(1, 16) : hx_range(1, 70);
    g->cols = hx_chance(50) ? 4 * hx_range(1, 8) : hx_range(1, 30);
    p.lhs_offset = hx_range(-127, 128);
    p.rhs_offset = hx_range(-127, 128);
    p.output_offset = hx_range(-128, 127);
    p.multiplier = hx_range(1 << 30, 0x7FFFFFFF);
    p.shift = hx_chance(10) ? hx_range(1, 4) : hx_range(-20, 0);
    hx_fill_s8(lhs_buf, g->batch[2] * g->rows * g->depth + 4, -128, 127);
    hx_fill_s8(rhs_buf, g->batch[2] * g->depth * g->cols + 4, -128, 127);
    if (hx_chance(10)) memset(lhs_buf, 127, (size_t)(g->batch[2] * g->rows * g->depth));
    if (hx_chance(10)) memset(rhs_buf, -128, (size_t)(g->batch[2] * g->depth * g->cols));
    run_case(tally, &p, adj_x, adj_y, lhs_broadcast, rhs_broadcast);
  }
}

/* vit_tiny's attention, one head: logits [64,16] x [16,64], context [64,64] x [64,16]. */
static void bench(hx_tally *tally) {
  static const struct {
    const char *name;
    int32_t rows, depth, cols;
  } shapes[] = {{"vit logits 64x16x64", 64, 16, 64}, {"vit context 64x64x16", 64, 64, 16}};
  size_t i;
  for (i = 0; i < sizeof shapes / sizeof shapes[0]; ++i) {
    edgec_batch_matmul_s8_params p;
    uint64_t portable = tally->insns_portable, cortex_m = tally->insns_cortex_m;
    const uint32_t mismatches = tally->mismatches;
    p.geometry.batch[2] = 1;
    p.geometry.rows = shapes[i].rows;
    p.geometry.depth = shapes[i].depth;
    p.geometry.cols = shapes[i].cols;
    p.lhs_offset = 5;
    p.rhs_offset = -3;
    p.output_offset = -7;
    p.multiplier = 1518500250;
    p.shift = -6;
    hx_fill_s8(lhs_buf, shapes[i].rows * shapes[i].depth, -128, 127);
    hx_fill_s8(rhs_buf, shapes[i].depth * shapes[i].cols, -128, 127);
    run_case(tally, &p, 0, 0, 0, 0);
    hx_bench_report("batch_matmul_s8", shapes[i].name,
                    (uint64_t)(shapes[i].rows * shapes[i].depth * shapes[i].cols),
                    tally->insns_portable - portable, tally->insns_cortex_m - cortex_m,
                    tally->mismatches == mismatches);
  }
}

int hx_suite_batch_matmul(void) {
  hx_tally random = {"edgec_batch_matmul_s8 random", 0, 0, 0, 0, 0};
  hx_tally shapes = {"batch_matmul, ViT shapes", 0, 0, 0, 0, 0};
  hx_seed(0xB3Au);
  random_cases(&random);
  hx_tally_report(&random);
  bench(&shapes);
  return (int)(random.mismatches + shapes.mismatches);
}
