/*
 * Per-operator instruction counts. The generated model, built with
 * `-DEDGEC_PROFILE(op)=edgec_profile_mark(op)`, calls the hook on entering
 * invoke and after every kernel; each call stores a raw timestamp
 * (instruction_clock.S) and nothing else, in a constant number of
 * instructions, so the difference between consecutive marks minus the cost
 * of one mark (measured by two back-to-back marks) is exactly what the
 * operator executed: its call sequence and its kernel.
 */
#include "edgec_firmware.h"

#ifndef EDGEC_PROFILE_MARKS
#define EDGEC_PROFILE_MARKS 2
#endif

static uint32_t samples[EDGEC_PROFILE_MARKS][EDGEC_CLOCK_SAMPLES];
static int ops[EDGEC_PROFILE_MARKS];
static uint32_t count;
static uint64_t mark_cost;

/* No bounds check: a branch would make the hook's cost data-dependent. The
 * generated main sizes EDGEC_PROFILE_MARKS for the model's kernels plus the
 * entry mark and the two calibration marks. */
void edgec_profile_mark(int op) {
  uint32_t n = count;
  ops[n] = op;
  count = n + 1u;
  edgec_clock_sample(samples[n]);
}

/* Two marks with nothing between them but the second call's argument and
 * branch — the same two instructions each EDGEC_PROFILE(op) adds. */
__attribute__((noinline)) static void two_marks(void) {
  edgec_profile_mark(-2);
  edgec_profile_mark(-2);
  /* Keeps the second call a call: a tail branch would cost differently. */
  __asm__ volatile("" ::: "memory");
}

void edgec_profile_begin(void) {
  count = 0;
  two_marks();
  mark_cost = edgec_clock_decode(samples[1]) - edgec_clock_decode(samples[0]);
  count = 0;
}

void edgec_profile_report(long record) {
  uint32_t k;
  for (k = 1; k < count; k++) {
    uint64_t span = edgec_clock_decode(samples[k]) - edgec_clock_decode(samples[k - 1]);
    edgec_print("edgec-fw: profile ");
    edgec_print_u64((uint64_t)record);
    edgec_print(" op ");
    edgec_print_u64((uint64_t)ops[k]);
    edgec_print(" ");
    edgec_print_u64(span - mark_cost);
    edgec_print("\n");
  }
}
