/*
 * The kernel-test firmware: runs every suite listed in suites.inc (made by
 * the Makefile from its SUITES list) and exits with the number of failed
 * suites, so QEMU's exit status says whether every kernel was bit-exact.
 */
#include "harness.h"

#define HX_SUITE(name) int hx_suite_##name(void);
#include "suites.inc"
#undef HX_SUITE

int main(void) {
  int failed = 0;
  hx_clock_start();
#define HX_SUITE(name) failed += hx_suite_##name() != 0;
#include "suites.inc"
#undef HX_SUITE
  hx_print(failed == 0 ? "cortex-m kernels: every case bit-exact\n"
                       : "cortex-m kernels: MISMATCHES (see above)\n");
  return failed;
}
