/* USART1 transmit driver for the STM32F746 (RM0385 section 31). */
#include "usart1.h"

#include "stm32f746.h"

#define AF_USART1 7u
#define TX_PIN 9u /* PA9 */
#define RX_PIN 7u /* PB7 */

void usart1_init(uint32_t pclk2_hz, uint32_t baud) {
  RCC_AHB1ENR |= RCC_AHB1ENR_GPIOAEN | RCC_AHB1ENR_GPIOBEN;
  RCC_APB2ENR |= RCC_APB2ENR_USART1EN;
  RCC_DCKCFGR2 &= ~RCC_DCKCFGR2_USART1SEL; /* kernel clock: PCLK2 */
  (void)RCC_APB2ENR; /* let the enables take effect before touching the ports */

  /* PA9: alternate function 7 (AFRH covers pins 8-15), high speed. */
  GPIO_MODER(GPIOA_BASE) = (GPIO_MODER(GPIOA_BASE) & ~(3u << (2 * TX_PIN))) | (2u << (2 * TX_PIN));
  GPIO_OSPEEDR(GPIOA_BASE) |= 2u << (2 * TX_PIN);
  GPIO_AFRH(GPIOA_BASE) = (GPIO_AFRH(GPIOA_BASE) & ~(15u << (4 * (TX_PIN - 8)))) | (AF_USART1 << (4 * (TX_PIN - 8)));

  /* PB7: alternate function 7 (AFRL covers pins 0-7), pulled up so an
   * unconnected line reads idle. */
  GPIO_MODER(GPIOB_BASE) = (GPIO_MODER(GPIOB_BASE) & ~(3u << (2 * RX_PIN))) | (2u << (2 * RX_PIN));
  GPIO_PUPDR(GPIOB_BASE) = (GPIO_PUPDR(GPIOB_BASE) & ~(3u << (2 * RX_PIN))) | (1u << (2 * RX_PIN));
  GPIO_AFRL(GPIOB_BASE) = (GPIO_AFRL(GPIOB_BASE) & ~(15u << (4 * RX_PIN))) | (AF_USART1 << (4 * RX_PIN));

  /* 16x oversampling: BRR = f / baud, rounded (108 MHz: 938, 0.05% fast). */
  USART1_CR1 = 0;
  USART1_BRR = (pclk2_hz + baud / 2u) / baud;
  USART1_CR1 = USART_CR1_TE | USART_CR1_RE | USART_CR1_UE;
}

void usart1_putc(char c) {
  while ((USART1_ISR & USART_ISR_TXE) == 0) {
  }
  USART1_TDR = (uint8_t)c;
}

void usart1_write(const char *text) {
  for (; *text != '\0'; ++text) {
    if (*text == '\n') usart1_putc('\r');
    usart1_putc(*text);
  }
}

void usart1_flush(void) {
  while ((USART1_ISR & USART_ISR_TC) == 0) {
  }
}
