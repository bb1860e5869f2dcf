/* USART1 on the 32F746G-DISCO: PA9 (TX) and PB7 (RX), alternate function
 * 7, wired to the ST-LINK's virtual COM port. 8 data bits, no parity, one
 * stop bit; transmit by polling, nothing is buffered. */
#ifndef USART1_H
#define USART1_H

#include <stdint.h>

/* Clocks the pins and USART1 and sets the baud rate from PCLK2. */
void usart1_init(uint32_t pclk2_hz, uint32_t baud);

void usart1_putc(char c);

/* Writes a NUL-terminated string; "\n" is sent as "\r\n" for terminals. */
void usart1_write(const char *text);

/* Waits until the last byte has left the shift register. */
void usart1_flush(void);

#endif /* USART1_H */
