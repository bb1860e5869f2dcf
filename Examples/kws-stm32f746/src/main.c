/* Keyword spotting on the 32F746G-DISCO with the code edgec generated.
 *
 * Loads one bundled input (record SAMPLE_INDEX of kws_dscnn_x.npy), runs
 * the model, prints the detected class and its score over USART1 (the
 * ST-LINK virtual COM port, 115200 8N1), checks the output bytes against
 * what the host simulator computed for the same input, then times
 * KWS_RUNS inferences with the DWT cycle counter. */
#include <stdint.h>
#include <string.h>

#include "cycles.h"
#include "kws_dscnn_int8.h"
#include "print.h"
#include "sample.h"
#include "system.h"
#include "usart1.h"

#ifndef KWS_RUNS
#define KWS_RUNS 10
#endif

/* C99 compile-time checks: the sample was made for this model. */
typedef char sample_matches_input[(SAMPLE_INPUT_BYTES == KWS_DSCNN_INT8_INPUT_BYTES) ? 1 : -1];
typedef char output_is_int8[(KWS_DSCNN_INT8_OUTPUT_BYTES == KWS_DSCNN_INT8_OUTPUT_ELEMENTS) ? 1 : -1];

/* One inference on the sample: 0 on success, and its cycle count. */
static int infer(uint32_t *cycles) {
  uint32_t start;
  int status;
  /* The arena reuses the input's bytes once they are consumed: copy it in
   * before every run. */
  memcpy(kws_dscnn_int8_input(), sample_input, SAMPLE_INPUT_BYTES);
  start = cycles_now();
  status = kws_dscnn_int8_invoke();
  *cycles = cycles_now() - start;
  return status;
}

static void fail(void) {
  usart1_write("error: kws_dscnn_int8_invoke failed\n");
  usart1_flush();
}

static void report_class(const int8_t *scores) {
  int best = 0, i;
  uint32_t millis;
  /* Ties go to the lowest index, as numpy's argmax does. */
  for (i = 1; i < KWS_DSCNN_INT8_OUTPUT_ELEMENTS; ++i) {
    if (scores[i] > scores[best]) best = i;
  }
  /* Dequantized: (q - zero_point) * scale, a probability after softmax. */
  millis = (uint32_t)((float)(scores[best] - KWS_DSCNN_INT8_OUTPUT_ZERO_POINT) * KWS_DSCNN_INT8_OUTPUT_SCALE * 1000.0f + 0.5f);
  usart1_write("class ");
  print_int(best);
  usart1_write(" score ");
  print_fixed(millis, 3);
  usart1_write(" (int8 ");
  print_int(scores[best]);
  usart1_write(")\n");
}

int main(void) {
  uint32_t cycles, min = UINT32_MAX, max = 0, total = 0;
  int run;
  const int8_t *output = kws_dscnn_int8_output();

  usart1_init(system_pclk2_hz(), 115200u);
  cycles_enable();
  usart1_write("\nedgec kws_dscnn_int8 on STM32F746 at ");
  print_uint(system_core_hz() / 1000000u);
  usart1_write(KWS_CACHES ? " MHz, caches on\n" : " MHz, caches off\n");
  usart1_write("input: record ");
  print_int(SAMPLE_INDEX);
  usart1_write(" of " SAMPLE_SOURCE "\n");

  if (infer(&cycles) != 0) {
    fail();
    return 1;
  }
  report_class(output);
#if SAMPLE_EXPECTED_BYTES == KWS_DSCNN_INT8_OUTPUT_BYTES
  usart1_write(memcmp(output, sample_expected, SAMPLE_EXPECTED_BYTES) == 0
                   ? "output matches the host simulation: yes\n"
                   : "output matches the host simulation: NO\n");
#endif

  for (run = 0; run < KWS_RUNS; ++run) {
    if (infer(&cycles) != 0) {
      fail();
      return 1;
    }
    if (cycles < min) min = cycles;
    if (cycles > max) max = cycles;
    total += cycles;
  }
  usart1_write("invoke: ");
  print_uint(min);
  usart1_write(" cycles (");
  /* microseconds = cycles / MHz */
  print_fixed(min / (system_core_hz() / 1000000u), 3);
  usart1_write(" ms), min of ");
  print_int(KWS_RUNS);
  usart1_write(" runs; max ");
  print_uint(max);
  usart1_write(", mean ");
  print_uint(total / KWS_RUNS);
  usart1_write("\n");
  usart1_flush();
  return 0;
}
