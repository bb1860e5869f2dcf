/* The DWT cycle counter of the Cortex-M7: counts core clock cycles, 32
 * bits (wraps after 19.9 s at 216 MHz; an unsigned difference of two
 * readings is right across one wrap). */
#ifndef CYCLES_H
#define CYCLES_H

#include <stdint.h>

#include "stm32f746.h"

static inline void cycles_enable(void) {
  DEMCR |= DEMCR_TRCENA;
  DWT_LAR = 0xC5ACCE55u; /* the Cortex-M7 DWT is locked until this key is written */
  DWT_CYCCNT = 0;
  DWT_CTRL |= DWT_CTRL_CYCCNTENA;
}

static inline uint32_t cycles_now(void) { return DWT_CYCCNT; }

#endif /* CYCLES_H */
