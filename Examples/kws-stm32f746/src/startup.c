/* Reset and exception entry for the STM32F746: the vector table, and a
 * Reset_Handler that makes C work (FPU on, .data copied, .bss zeroed),
 * sets up the clock and caches (system.c) and calls main. */
#include <stdint.h>

#include "stm32f746.h"
#include "system.h"

int main(void);

/* From the linker script. */
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _ssram1, _esram1, _ssram2, _esram2, _estack;

typedef void (*handler_t)(void);

void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);

static void zero(uint32_t *begin, uint32_t *end) {
  while (begin < end) *begin++ = 0;
}

void Reset_Handler(void) {
  /* Full access to CP10 and CP11 before any code may touch a float
   * register: everything is built with -mfloat-abi=hard. */
  SCB_CPACR |= 0xFu << 20;
  DSB();
  ISB();
  {
    const uint32_t *from = &_sidata;
    uint32_t *to = &_sdata;
    while (to < &_edata) *to++ = *from++;
  }
  zero(&_sbss, &_ebss);
  zero(&_ssram1, &_esram1);
  zero(&_ssram2, &_esram2);
  system_init();
  system_exit(main());
}

/* An unexpected interrupt or fault stops here; a debugger shows which. */
void Default_Handler(void) {
  for (;;) {
  }
}

void HardFault_Handler(void) {
  for (;;) {
  }
}

#define D Default_Handler
#define D10 D, D, D, D, D, D, D, D, D, D

/* 16 system entries (the initial stack pointer first), then the 98
 * interrupts of the STM32F746 (RM0385 table 40, IRQ 0 to 97). None is
 * enabled by this example; each gets a handler all the same, so a stray
 * interrupt parks in Default_Handler instead of jumping to address 0. */
struct vector_table {
  uint32_t *initial_stack;
  handler_t exceptions[15];
  handler_t interrupts[98];
};

__attribute__((section(".isr_vector"), used)) const struct vector_table vector_table = {
  &_estack,
  {
    Reset_Handler, D /* NMI */, HardFault_Handler, D /* MemManage */, D /* BusFault */,
    D /* UsageFault */, 0, 0, 0, 0, D /* SVCall */, D /* DebugMonitor */, 0, D /* PendSV */,
    D /* SysTick */,
  },
  {D10, D10, D10, D10, D10, D10, D10, D10, D10, D, D, D, D, D, D, D, D},
};
