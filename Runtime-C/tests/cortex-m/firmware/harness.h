/*
 * The kernel-test harness: semihosted output, a seeded PRNG, the instruction
 * clock and the bookkeeping that every suite shares.
 *
 * Instruction counts: under `qemu -icount shift=0` each guest instruction
 * advances virtual time by 1 ns, so the mps2 board's 25 MHz CMSDK timer 0
 * ticks once per 40 instructions — the counting method of the TFLM baseline.
 * A measured call is therefore exact to within one tick (40 instructions).
 */
#ifndef HX_HARNESS_H
#define HX_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#define HX_INSNS_PER_TICK 40u

/* ---- output (semihosting) */
void hx_print(const char *text);
void hx_exit(int status) __attribute__((noreturn));

typedef struct {
  char text[240];
  int length;
} hx_line;

void hx_line_start(hx_line *line, const char *text);
void hx_line_text(hx_line *line, const char *text);
void hx_line_int(hx_line *line, int64_t value);
void hx_line_hex(hx_line *line, uint32_t value);
/* value / 10^decimals, printed with that many decimals (value >= 0). */
void hx_line_fixed(hx_line *line, uint64_t value, int decimals);
void hx_line_end(hx_line *line); /* prints it with a newline */

/* ---- seeded PRNG (xorshift32): the same cases on every run */
void hx_seed(uint32_t seed);
uint32_t hx_rand(void);
int32_t hx_range(int32_t lo, int32_t hi); /* uniform in [lo, hi] */
int hx_chance(int percent);
void hx_fill_s8(int8_t *data, int32_t count, int32_t lo, int32_t hi);

/* ---- instruction clock */
void hx_clock_start(void);
uint32_t hx_clock_ticks(void); /* counts down */
#define HX_MEASURE(total, call)                                                        \
  do {                                                                                 \
    const uint32_t hx_t0_ = hx_clock_ticks();                                          \
    call;                                                                              \
    (total) += (uint64_t)(hx_t0_ - hx_clock_ticks()) * HX_INSNS_PER_TICK;               \
  } while (0)

/* ---- comparing a reference and a candidate run */
#define HX_GUARD 16 /* bytes after every output that must stay untouched */

typedef struct {
  const char *kernel;
  uint32_t cases, mismatches;
  uint64_t macs, insns_portable, insns_cortex_m;
} hx_tally;

/* Fills both outputs (count + HX_GUARD bytes each) with different patterns. */
void hx_poison(int8_t *reference, int8_t *candidate, int32_t count);
/* Index of the first differing byte of the outputs or of their guards, -1 if
 * none; counts the case in the tally and prints the first few failures with
 * `describe` (a one-line description of the case). */
int32_t hx_check(hx_tally *tally, const int8_t *reference, const int8_t *candidate, int32_t count,
                 const char *describe);
/* "kernel: N cases, M mismatches, portable X insns, cortex-m Y insns (ratio)" */
void hx_tally_report(const hx_tally *tally);

/* One benchmark line: name, MACs and both instruction counts, per MAC. */
void hx_bench_report(const char *kernel, const char *shape, uint64_t macs, uint64_t portable,
                     uint64_t cortex_m, int exact);

#endif /* HX_HARNESS_H */
