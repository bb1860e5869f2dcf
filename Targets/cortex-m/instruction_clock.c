/*
 * The instruction clock: exact guest-instruction counts from the board's
 * CMSDK timer under `qemu -icount shift=0` (see instruction_clock.S for the
 * vernier that makes a timer read exact to the instruction).
 *
 * A measurement samples the clock, calls the function, samples again, and
 * only then decodes the samples: decoding takes a data-dependent number of
 * instructions, so it must stay outside the measured interval. Everything
 * between the two first samples is then constant except the function; that
 * constant is measured once against a two-instruction function and removed.
 */
#include "edgec_firmware.h"

#if defined(EDGEC_TIMER_BASE) && (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__))
#define TICK EDGEC_TIMER_TICK_INSNS
int edgec_clock_empty(void);

/* CMSDK APB timer: CTRL, VALUE, RELOAD. */
#define TIMER_CTRL (*(volatile uint32_t *)(EDGEC_TIMER_BASE + 0x0u))
#define TIMER_VALUE (*(volatile uint32_t *)(EDGEC_TIMER_BASE + 0x4u))
#define TIMER_RELOAD (*(volatile uint32_t *)(EDGEC_TIMER_BASE + 0x8u))

void edgec_clock_start(void) {
  TIMER_CTRL = 0u;
  TIMER_RELOAD = 0xFFFFFFFFu;
  TIMER_VALUE = 0xFFFFFFFFu;
  TIMER_CTRL = 1u; /* enable, system clock, no interrupt */
}
#else
#define TICK 1
void edgec_clock_sample(uint32_t *samples) {
  samples[0] = 0xFFFFFFFFu;
  samples[1] = 0xFFFFFFFFu;
}
static int edgec_clock_empty(void) { return 0; }
void edgec_clock_start(void) {}
#endif

typedef uint32_t edgec_samples[EDGEC_CLOCK_SAMPLES];

static int last_exact = 1;

/* The time of samples[0]: whole ticks elapsed (the timer counts down from
 * 0xFFFFFFFF) times T, plus the position within the tick the vernier found. */
uint64_t edgec_clock_decode(const uint32_t *samples) {
  uint64_t ticks = 0xFFFFFFFFu - samples[0];
  int k, found = -1, doubles = 0;
  for (k = 1; k <= TICK; k++) {
    uint32_t step = samples[k - 1] - samples[k];
    if (step == 2u) {
      found = k;
      doubles++;
    } else if (step != 1u) {
      doubles = 2; /* not the pattern -icount shift=0 gives */
    }
  }
  if (TICK == 1) return 0u;
  last_exact = doubles == 1;
  if (!last_exact) return ticks * TICK;
  return ticks * TICK + (uint64_t)((TICK - found) % TICK);
}

int edgec_clock_exact(void) { return last_exact; }

/* Kept out of line and called through a pointer, so that every measurement
 * executes the same instructions around `fn`. */
__attribute__((noinline)) static uint64_t measure_raw(int (*fn)(void), int *result) {
  edgec_samples before, after;
  edgec_clock_sample(before);
  *result = fn();
  edgec_clock_sample(after);
  return edgec_clock_decode(after) - edgec_clock_decode(before);
}

uint64_t edgec_clock_measure(int (*fn)(void), int *result) {
  int ignored;
  uint64_t reference = measure_raw(edgec_clock_empty, &ignored);
  uint64_t raw = measure_raw(fn, result);
  /* `reference` counted the empty function's two instructions. */
  return raw - reference + 2u;
}
