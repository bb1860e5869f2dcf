/* Numbers over USART1 without printf (which would add 20 KB of newlib). */
#ifndef PRINT_H
#define PRINT_H

#include <stdint.h>

/* 1234567 -> "1,234,567" */
void print_uint(uint32_t value);

/* -89 -> "-89" */
void print_int(int32_t value);

/* value / 10^decimals with that many decimals: (152, 3) -> "0.152" */
void print_fixed(uint32_t value, unsigned decimals);

#endif /* PRINT_H */
