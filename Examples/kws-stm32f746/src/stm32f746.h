/* The STM32F746 and Cortex-M7 registers this example touches, by address.
 *
 * Addresses and bit positions are from RM0385 (STM32F75xxx/74xxx reference
 * manual) and the ARMv7-M architecture manual; a vendor header would bring
 * thousands of lines for the two dozen registers used here. */
#ifndef STM32F746_H
#define STM32F746_H

#include <stdint.h>

#define REG32(address) (*(volatile uint32_t *)(address))

/* RCC, reset and clock control (AHB1, 0x40023800). */
#define RCC_CR          REG32(0x40023800u)
#define RCC_PLLCFGR     REG32(0x40023804u)
#define RCC_CFGR        REG32(0x40023808u)
#define RCC_AHB1ENR     REG32(0x40023830u)
#define RCC_APB1ENR     REG32(0x40023840u)
#define RCC_APB2ENR     REG32(0x40023844u)
#define RCC_DCKCFGR2    REG32(0x40023890u)

#define RCC_CR_PLLON            (1u << 24)
#define RCC_CR_PLLRDY           (1u << 25)
#define RCC_CFGR_SW_MASK        (3u << 0)
#define RCC_CFGR_SW_PLL         (2u << 0)
#define RCC_CFGR_SWS_MASK       (3u << 2)
#define RCC_CFGR_SWS_PLL        (2u << 2)
#define RCC_CFGR_HPRE_MASK      (15u << 4)
#define RCC_CFGR_PPRE1_MASK     (7u << 10)
#define RCC_CFGR_PPRE1_DIV4     (5u << 10)
#define RCC_CFGR_PPRE2_MASK     (7u << 13)
#define RCC_CFGR_PPRE2_DIV2     (4u << 13)
#define RCC_AHB1ENR_GPIOAEN     (1u << 0)
#define RCC_AHB1ENR_GPIOBEN     (1u << 1)
#define RCC_APB1ENR_PWREN       (1u << 28)
#define RCC_APB2ENR_USART1EN    (1u << 4)
#define RCC_DCKCFGR2_USART1SEL  (3u << 0) /* 00: PCLK2 */

/* PWR (APB1, 0x40007000): voltage scaling and over-drive for 216 MHz. */
#define PWR_CR1         REG32(0x40007000u)
#define PWR_CSR1        REG32(0x40007004u)
#define PWR_CR1_VOS_SCALE1      (3u << 14)
#define PWR_CR1_ODEN            (1u << 16)
#define PWR_CR1_ODSWEN          (1u << 17)
#define PWR_CSR1_ODRDY          (1u << 16)
#define PWR_CSR1_ODSWRDY        (1u << 17)

/* Flash interface (AHB1, 0x40023C00). */
#define FLASH_ACR       REG32(0x40023C00u)
#define FLASH_ACR_LATENCY_MASK  (15u << 0)
#define FLASH_ACR_PRFTEN        (1u << 8)
#define FLASH_ACR_ARTEN         (1u << 9)

/* GPIO ports A and B (AHB1). */
#define GPIOA_BASE      0x40020000u
#define GPIOB_BASE      0x40020400u
#define GPIO_MODER(port)   REG32((port) + 0x00u)
#define GPIO_OSPEEDR(port) REG32((port) + 0x08u)
#define GPIO_PUPDR(port)   REG32((port) + 0x0Cu)
#define GPIO_AFRL(port)    REG32((port) + 0x20u)
#define GPIO_AFRH(port)    REG32((port) + 0x24u)

/* USART1 (APB2, 0x40011000). */
#define USART1_CR1      REG32(0x40011000u)
#define USART1_BRR      REG32(0x4001100Cu)
#define USART1_ISR      REG32(0x4001101Cu)
#define USART1_TDR      REG32(0x40011028u)
#define USART_CR1_UE    (1u << 0)
#define USART_CR1_RE    (1u << 2)
#define USART_CR1_TE    (1u << 3)
#define USART_ISR_TC    (1u << 6)
#define USART_ISR_TXE   (1u << 7)

/* Cortex-M7 system control block and caches. */
#define SCB_CCR         REG32(0xE000ED14u)
#define SCB_CPACR       REG32(0xE000ED88u)
#define SCB_CCSIDR      REG32(0xE000ED80u)
#define SCB_CSSELR      REG32(0xE000ED84u)
#define SCB_ICIALLU     REG32(0xE000EF50u)
#define SCB_DCISW       REG32(0xE000EF60u)
#define SCB_CCR_DC      (1u << 16)
#define SCB_CCR_IC      (1u << 17)

/* Debug: the DWT cycle counter. */
#define DEMCR           REG32(0xE000EDFCu)
#define DEMCR_TRCENA    (1u << 24)
#define DWT_CTRL        REG32(0xE0001000u)
#define DWT_CYCCNT      REG32(0xE0001004u)
#define DWT_LAR         REG32(0xE0001FB0u)
#define DWT_CTRL_CYCCNTENA (1u << 0)

/* Barriers: the architecture requires them after enabling the FPU and caches. */
#define DSB() __asm__ volatile("dsb 0xF" ::: "memory")
#define ISB() __asm__ volatile("isb 0xF" ::: "memory")

#endif /* STM32F746_H */
