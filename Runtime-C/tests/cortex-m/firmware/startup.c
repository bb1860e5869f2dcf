/*
 * Minimal startup for the kernel-test firmware: a vector table whose fault
 * entries report the faulting PC over semihosting and exit with status 3,
 * and a reset handler that copies .data, clears .bss, turns on the FPU (the
 * kernels are built for -mfloat-abi=hard) and runs main.
 */
#include "harness.h"

extern void hx_stack_top(void);
extern uint32_t hx_data_load[], hx_data_start[], hx_data_end[];
extern uint32_t hx_bss_start[], hx_bss_end[];

int main(void);
void hx_reset(void) __attribute__((noreturn));
void hx_fault(void) __attribute__((naked));
void hx_fault_report(const uint32_t *frame) __attribute__((noreturn, used));

typedef void (*hx_vector)(void);

__attribute__((section(".vectors"), used)) const hx_vector hx_vectors[16] = {
    hx_stack_top, hx_reset, hx_fault, hx_fault, hx_fault, hx_fault, hx_fault, 0, 0, 0, 0,
    hx_fault,     hx_fault, 0,        hx_fault, hx_fault,
};

void hx_reset(void) {
  uint32_t *to = hx_data_start;
  const uint32_t *from = hx_data_load;
  while (to < hx_data_end) *to++ = *from++;
  for (to = hx_bss_start; to < hx_bss_end; ++to) *to = 0u;
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20; /* CPACR: CP10, CP11 full access */
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  hx_exit(main());
}

/* The exception frame is on the stack the fault used (MSP here: no RTOS). */
void hx_fault(void) { __asm__ volatile("mrs r0, msp\n\tb hx_fault_report"); }

void hx_fault_report(const uint32_t *frame) {
  hx_line line;
  hx_line_start(&line, "FAULT: exception ");
  hx_line_int(&line, (int64_t)(*(volatile uint32_t *)0xE000ED04u & 0x1FFu));
  hx_line_text(&line, " at pc=");
  hx_line_hex(&line, frame[6]);
  hx_line_text(&line, " lr=");
  hx_line_hex(&line, frame[5]);
  hx_line_text(&line, " cfsr=");
  hx_line_hex(&line, *(volatile uint32_t *)0xE000ED28u);
  hx_line_end(&line);
  hx_exit(3);
}
