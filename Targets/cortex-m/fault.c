/*
 * Fault reporting. Every fault vector lands here: the handler finds the frame
 * the core stacked on exception entry (on the main or the process stack, as
 * EXC_RETURN bit 2 says), prints the faulting PC from it with the fault status
 * registers where the core has them, and ends the emulation with status 3 —
 * a crash becomes a message naming where it happened, never a hang.
 */
#include "edgec_firmware.h"

void edgec_fault_report(const uint32_t *frame, uint32_t exc_return) __attribute__((noreturn, used));

/* Thumb-1 instructions only, so that ARMv6-M (Cortex-M0+) builds it too. */
__attribute__((naked)) void edgec_hard_fault(void) {
  __asm__ volatile(
      "movs r0, #4\n\t"
      "mov r1, lr\n\t"
      "tst r0, r1\n\t"
      "beq 1f\n\t"
      "mrs r0, psp\n\t"
      "b 2f\n"
      "1:\n\t"
      "mrs r0, msp\n"
      "2:\n\t"
      "ldr r2, =edgec_fault_report\n\t"
      "bx r2\n\t"
      ".ltorg\n");
}

static const char *fault_name(uint32_t exception) {
  switch (exception) {
  case 3: return "hardfault";
  case 4: return "memmanage fault";
  case 5: return "busfault";
  case 6: return "usagefault";
  case 7: return "securefault";
  default: return "fault";
  }
}

void edgec_fault_report(const uint32_t *frame, uint32_t exc_return) {
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  /* The stacked frame: r0, r1, r2, r3, r12, lr, pc, xpsr. */
  edgec_print("edgec-fw: ");
  edgec_print(fault_name(ipsr & 0x1FFu));
  edgec_print(" pc=");
  edgec_print_hex(frame[6]);
  edgec_print(" lr=");
  edgec_print_hex(frame[5]);
  edgec_print(" exc_return=");
  edgec_print_hex(exc_return);
#if defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_8M_MAIN__)
  edgec_print(" cfsr=");
  edgec_print_hex(*(volatile uint32_t *)0xE000ED28u);
  edgec_print(" hfsr=");
  edgec_print_hex(*(volatile uint32_t *)0xE000ED2Cu);
  edgec_print(" bfar=");
  edgec_print_hex(*(volatile uint32_t *)0xE000ED38u);
#endif
  edgec_print("\n");
  edgec_exit(3);
}
