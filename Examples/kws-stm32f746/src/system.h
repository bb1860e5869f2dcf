/* Clock and cache set-up for the STM32F746, run once by Reset_Handler. */
#ifndef SYSTEM_H
#define SYSTEM_H

#include <stdint.h>

/* The core clock: 216000000 (the default) runs the PLL from the 16 MHz
 * HSI; 16000000 leaves the chip on the HSI as it comes out of reset.
 * Build with `make CLOCK_HZ=16000000` for the latter. */
#ifndef KWS_CLOCK_HZ
#define KWS_CLOCK_HZ 216000000u
#endif

/* 1 (the default) turns on the Cortex-M7's instruction and data caches. */
#ifndef KWS_CACHES
#define KWS_CACHES 1
#endif

/* Sets the clock tree (KWS_CLOCK_HZ) and the caches (KWS_CACHES). */
void system_init(void);

/* HCLK, the core and DWT cycle-counter clock, in Hz. */
uint32_t system_core_hz(void);

/* PCLK2, the clock of USART1, in Hz. */
uint32_t system_pclk2_hz(void);

/* Where main's return ends up: on the board, a low-power wait forever. */
void system_exit(int status);

#endif /* SYSTEM_H */
