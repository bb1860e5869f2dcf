#include "print.h"

#include "usart1.h"

void print_uint(uint32_t value) {
  char digits[16];
  int count = 0;
  do {
    digits[count++] = (char)('0' + value % 10u);
    value /= 10u;
  } while (value != 0);
  while (count > 0) {
    usart1_putc(digits[--count]);
    if (count > 0 && count % 3 == 0) usart1_putc(',');
  }
}

void print_int(int32_t value) {
  if (value < 0) {
    usart1_putc('-');
    print_uint(0u - (uint32_t)value);
  } else {
    print_uint((uint32_t)value);
  }
}

void print_fixed(uint32_t value, unsigned decimals) {
  uint32_t scale = 1;
  unsigned i;
  for (i = 0; i < decimals; ++i) scale *= 10u;
  print_uint(value / scale);
  if (decimals == 0) return;
  usart1_putc('.');
  value %= scale;
  while (scale > 1u) {
    scale /= 10u;
    usart1_putc((char)('0' + value / scale));
    value %= scale;
  }
}
