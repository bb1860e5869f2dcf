#include "harness.h"

enum { SYS_WRITE0 = 0x04, SYS_EXIT_EXTENDED = 0x20, ADP_STOPPED_APPLICATION_EXIT = 0x20026 };

static int hx_semihost(int operation, const void *parameter) {
  register int r0 __asm__("r0") = operation;
  register const void *r1 __asm__("r1") = parameter;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void hx_print(const char *text) { (void)hx_semihost(SYS_WRITE0, text); }

void hx_exit(int status) {
  uint32_t block[2];
  block[0] = ADP_STOPPED_APPLICATION_EXIT;
  block[1] = (uint32_t)status;
  (void)hx_semihost(SYS_EXIT_EXTENDED, block);
  for (;;) {
  }
}

/* ---------------------------------------------------------------- lines */

void hx_line_start(hx_line *line, const char *text) {
  line->length = 0;
  line->text[0] = '\0';
  hx_line_text(line, text);
}

void hx_line_text(hx_line *line, const char *text) {
  while (*text != '\0' && line->length < (int)sizeof line->text - 2) line->text[line->length++] = *text++;
  line->text[line->length] = '\0';
}

void hx_line_int(hx_line *line, int64_t value) {
  char digits[24];
  int n = 0;
  uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
  do {
    digits[n++] = (char)('0' + (int)(magnitude % 10u));
    magnitude /= 10u;
  } while (magnitude != 0u);
  if (value < 0) digits[n++] = '-';
  while (n > 0 && line->length < (int)sizeof line->text - 2) line->text[line->length++] = digits[--n];
  line->text[line->length] = '\0';
}

void hx_line_hex(hx_line *line, uint32_t value) {
  static const char hex[] = "0123456789abcdef";
  int shift;
  hx_line_text(line, "0x");
  for (shift = 28; shift >= 0; shift -= 4) {
    char c[2];
    c[0] = hex[(value >> shift) & 0xFu];
    c[1] = '\0';
    hx_line_text(line, c);
  }
}

void hx_line_fixed(hx_line *line, uint64_t value, int decimals) {
  uint64_t scale = 1;
  int i;
  for (i = 0; i < decimals; ++i) scale *= 10u;
  hx_line_int(line, (int64_t)(value / scale));
  if (decimals > 0) {
    uint64_t fraction = value % scale;
    hx_line_text(line, ".");
    for (i = decimals - 1; i >= 0; --i) {
      uint64_t digit_scale = 1;
      int j;
      char c[2];
      for (j = 0; j < i; ++j) digit_scale *= 10u;
      c[0] = (char)('0' + (int)((fraction / digit_scale) % 10u));
      c[1] = '\0';
      hx_line_text(line, c);
    }
  }
}

void hx_line_end(hx_line *line) {
  line->text[line->length++] = '\n';
  line->text[line->length] = '\0';
  hx_print(line->text);
}

/* ----------------------------------------------------------------- PRNG */

static uint32_t hx_state = 0x12345678u;

void hx_seed(uint32_t seed) { hx_state = seed != 0u ? seed : 0x9E3779B9u; }

uint32_t hx_rand(void) {
  uint32_t x = hx_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  hx_state = x;
  return x;
}

int32_t hx_range(int32_t lo, int32_t hi) {
  const uint32_t span = (uint32_t)(hi - lo) + 1u;
  return span == 0u ? (int32_t)hx_rand() : lo + (int32_t)(hx_rand() % span);
}

int hx_chance(int percent) { return hx_range(0, 99) < percent; }

void hx_fill_s8(int8_t *data, int32_t count, int32_t lo, int32_t hi) {
  int32_t i;
  for (i = 0; i < count; ++i) data[i] = (int8_t)hx_range(lo, hi);
}

/* ---------------------------------------------------------------- clock */

#define HX_TIMER_CTRL (*(volatile uint32_t *)0x40000000u)
#define HX_TIMER_VALUE (*(volatile uint32_t *)0x40000004u)
#define HX_TIMER_RELOAD (*(volatile uint32_t *)0x40000008u)

void hx_clock_start(void) {
  HX_TIMER_CTRL = 0u;
  HX_TIMER_RELOAD = 0xFFFFFFFFu;
  HX_TIMER_VALUE = 0xFFFFFFFFu;
  HX_TIMER_CTRL = 1u;
}

uint32_t hx_clock_ticks(void) { return HX_TIMER_VALUE; }

/* -------------------------------------------------------------- compare */

void hx_poison(int8_t *reference, int8_t *candidate, int32_t count) {
  int32_t i;
  for (i = 0; i < count + HX_GUARD; ++i) {
    reference[i] = (int8_t)0x5A;
    candidate[i] = (int8_t)0x5A;
  }
  for (i = 0; i < count; ++i) candidate[i] = (int8_t)(i * 7 + 3);
}

int32_t hx_check(hx_tally *tally, const int8_t *reference, const int8_t *candidate, int32_t count,
                 const char *describe) {
  int32_t i, first = -1;
  for (i = 0; i < count + HX_GUARD && first < 0; ++i) {
    if (reference[i] != candidate[i]) first = i;
  }
  tally->cases++;
  if (first >= 0) {
    tally->mismatches++;
    if (tally->mismatches <= 5u) {
      hx_line line;
      hx_line_start(&line, "MISMATCH ");
      hx_line_text(&line, tally->kernel);
      hx_line_text(&line, first >= count ? " wrote past its output at byte " : " at byte ");
      hx_line_int(&line, first);
      hx_line_text(&line, ": portable ");
      hx_line_int(&line, reference[first]);
      hx_line_text(&line, ", cortex-m ");
      hx_line_int(&line, candidate[first]);
      hx_line_end(&line);
      hx_line_start(&line, "  case: ");
      hx_line_text(&line, describe);
      hx_line_end(&line);
    }
  }
  return first;
}

static void hx_per_mac(hx_line *line, uint64_t insns, uint64_t macs) {
  hx_line_fixed(line, macs == 0u ? 0u : (insns * 1000u + macs / 2u) / macs, 3);
}

void hx_tally_report(const hx_tally *tally) {
  hx_line line;
  hx_line_start(&line, tally->kernel);
  hx_line_text(&line, ": ");
  hx_line_int(&line, (int64_t)tally->cases);
  hx_line_text(&line, " cases, ");
  hx_line_int(&line, (int64_t)tally->mismatches);
  hx_line_text(&line, " mismatches; ");
  hx_line_int(&line, (int64_t)tally->macs);
  hx_line_text(&line, " MACs: portable ");
  hx_line_int(&line, (int64_t)tally->insns_portable);
  hx_line_text(&line, " insns (");
  hx_per_mac(&line, tally->insns_portable, tally->macs);
  hx_line_text(&line, "/MAC), cortex-m ");
  hx_line_int(&line, (int64_t)tally->insns_cortex_m);
  hx_line_text(&line, " insns (");
  hx_per_mac(&line, tally->insns_cortex_m, tally->macs);
  hx_line_text(&line, "/MAC)");
  hx_line_end(&line);
}

void hx_bench_report(const char *kernel, const char *shape, uint64_t macs, uint64_t portable,
                     uint64_t cortex_m, int exact) {
  hx_line line;
  hx_line_start(&line, "bench ");
  hx_line_text(&line, kernel);
  hx_line_text(&line, " ");
  hx_line_text(&line, shape);
  hx_line_text(&line, ": ");
  hx_line_int(&line, (int64_t)macs);
  hx_line_text(&line, " MACs, portable ");
  hx_line_int(&line, (int64_t)portable);
  hx_line_text(&line, " (");
  hx_per_mac(&line, portable, macs);
  hx_line_text(&line, "/MAC), cortex-m ");
  hx_line_int(&line, (int64_t)cortex_m);
  hx_line_text(&line, " (");
  hx_per_mac(&line, cortex_m, macs);
  hx_line_text(&line, "/MAC)");
  hx_line_text(&line, exact ? ", bit-exact" : ", MISMATCH");
  hx_line_end(&line);
}
