/* The board layer of the firmware for QEMU's mps2-an500 (a Cortex-M7
 * without the STM32's clock tree or USART): text goes out through
 * semihosting, main's return value becomes QEMU's exit status, and the
 * clock is reported as configured. It lets CI run the firmware's own
 * main.c, startup.c and the model end to end; the DWT cycle counter is not
 * emulated and reads 0. */
#include <stdint.h>

#include "system.h"
#include "usart1.h"

#define SYS_WRITEC 0x03u
#define SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static uint32_t semihost(uint32_t operation, const void *argument) {
  register uint32_t r0 __asm__("r0") = operation;
  register const void *r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void system_init(void) {}

uint32_t system_core_hz(void) { return KWS_CLOCK_HZ; }

uint32_t system_pclk2_hz(void) { return KWS_CLOCK_HZ; }

void system_exit(int status) {
  /* On AArch32 only SYS_EXIT_EXTENDED carries an exit code: a block of
   * reason and code. */
  const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
  (void)semihost(SYS_EXIT_EXTENDED, block);
  for (;;) {
  }
}

void usart1_init(uint32_t pclk2_hz, uint32_t baud) {
  (void)pclk2_hz;
  (void)baud;
}

void usart1_putc(char c) { (void)semihost(SYS_WRITEC, &c); }

void usart1_write(const char *text) {
  for (; *text != '\0'; ++text) usart1_putc(*text);
}

void usart1_flush(void) {}
