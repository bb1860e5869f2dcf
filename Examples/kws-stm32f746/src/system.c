/* Clock tree and L1 caches of the STM32F746 (RM0385 sections 3, 4 and 5).
 *
 * 216 MHz: HSI 16 MHz / PLLM 8 = 2 MHz (the PLL input ST recommends, for
 * the least jitter) x PLLN 216 = 432 MHz VCO (its maximum) / PLLP 2 =
 * 216 MHz SYSCLK; PLLQ 9 gives the 48 MHz USB clock. AHB /1 = 216 MHz,
 * APB1 /4 = 54 MHz, APB2 /2 = 108 MHz (their maxima). Above 180 MHz the
 * regulator must be in over-drive, and the flash needs 7 wait states at
 * 2.7-3.6 V (RM0385 table 7); the ART accelerator and prefetch hide them
 * for straight-line code. */
#include "system.h"

#include "stm32f746.h"

#if KWS_CLOCK_HZ != 216000000u && KWS_CLOCK_HZ != 16000000u
#error "KWS_CLOCK_HZ must be 216000000 (PLL) or 16000000 (HSI)"
#endif

#define PLLM 8u
#define PLLN 216u
#define PLLQ 9u
#define FLASH_WAIT_STATES 7u

static void clock_216mhz(void) {
  /* PWR's clock, then regulator voltage scale 1 (needed before the PLL
   * runs above 180 MHz; it is the reset value, written to be sure). */
  RCC_APB1ENR |= RCC_APB1ENR_PWREN;
  (void)RCC_APB1ENR; /* the enable takes effect before the next access */
  PWR_CR1 |= PWR_CR1_VOS_SCALE1;

  /* PLL from HSI (PLLSRC = 0), PLLP = 2 (encoded 0). */
  RCC_PLLCFGR = (PLLQ << 24) | (0u << 22) | (0u << 16) | (PLLN << 6) | PLLM;
  RCC_CR |= RCC_CR_PLLON;
  while ((RCC_CR & RCC_CR_PLLRDY) == 0) {
  }

  /* Over-drive on, then switched in: each step waits for its ready flag. */
  PWR_CR1 |= PWR_CR1_ODEN;
  while ((PWR_CSR1 & PWR_CSR1_ODRDY) == 0) {
  }
  PWR_CR1 |= PWR_CR1_ODSWEN;
  while ((PWR_CSR1 & PWR_CSR1_ODSWRDY) == 0) {
  }

  /* More wait states before the clock goes up, read back to be sure. */
  FLASH_ACR = (FLASH_ACR & ~FLASH_ACR_LATENCY_MASK) | FLASH_WAIT_STATES | FLASH_ACR_ARTEN | FLASH_ACR_PRFTEN;
  while ((FLASH_ACR & FLASH_ACR_LATENCY_MASK) != FLASH_WAIT_STATES) {
  }

  /* Bus prescalers, then SYSCLK from the PLL. */
  RCC_CFGR = (RCC_CFGR & ~(RCC_CFGR_HPRE_MASK | RCC_CFGR_PPRE1_MASK | RCC_CFGR_PPRE2_MASK)) |
             RCC_CFGR_PPRE1_DIV4 | RCC_CFGR_PPRE2_DIV2;
  RCC_CFGR = (RCC_CFGR & ~RCC_CFGR_SW_MASK) | RCC_CFGR_SW_PLL;
  while ((RCC_CFGR & RCC_CFGR_SWS_MASK) != RCC_CFGR_SWS_PLL) {
  }
}

/* The Cortex-M7 procedure (ARMv7-M ARM, B2.2.7): invalidate, then enable. */
static void caches_enable(void) {
  uint32_t ccsidr, sets, ways;

  DSB();
  ISB();
  SCB_ICIALLU = 0;
  DSB();
  ISB();
  SCB_CCR |= SCB_CCR_IC;
  DSB();
  ISB();

  SCB_CSSELR = 0; /* level 1 data cache */
  DSB();
  ccsidr = SCB_CCSIDR;
  sets = (ccsidr >> 13) & 0x7FFFu;
  do {
    ways = (ccsidr >> 3) & 0x3FFu;
    do {
      /* 32-byte lines (set at bit 5), 4 ways (way at bit 30). */
      SCB_DCISW = ((sets & 0x1FFu) << 5) | ((ways & 0x3u) << 30);
    } while (ways-- != 0);
  } while (sets-- != 0);
  DSB();
  SCB_CCR |= SCB_CCR_DC;
  DSB();
  ISB();
}

void system_init(void) {
  if (KWS_CLOCK_HZ == 216000000u) clock_216mhz();
  if (KWS_CACHES) caches_enable();
}

uint32_t system_core_hz(void) { return KWS_CLOCK_HZ; }

uint32_t system_pclk2_hz(void) { return KWS_CLOCK_HZ == 216000000u ? KWS_CLOCK_HZ / 2u : KWS_CLOCK_HZ; }

void system_exit(int status) {
  (void)status;
  for (;;) __asm__ volatile("wfi");
}
