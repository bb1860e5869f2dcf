/*
 * The instruction clock's two timing-exact pieces, in assembly because their
 * instruction counts must not depend on the compiler.
 *
 * Under `qemu -icount shift=0` every guest instruction advances virtual time
 * by 1 ns, and a timer clocked at F Hz ticks once per T = 1e9 / F instructions
 * (EDGEC_TIMER_TICK_INSNS; 40 for the MPS2 boards' 25 MHz timer). One read of
 * the timer therefore knows the time only to a tick. The vernier below reads
 * it T + 1 times, exactly T + 1 instructions apart: each sample lands one
 * instruction later within its tick than the one before, so exactly one of the
 * T steps between consecutive samples spans two ticks instead of one, and its
 * position says where within its tick the first sample was taken
 * (instruction_clock.c decodes it). The first sample is thus exact to the
 * instruction.
 */
#if defined(EDGEC_TIMER_BASE) && (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__))

  .syntax unified
  .thumb
  .section .text.edgec_clock_sample, "ax", %progbits

/* void edgec_clock_sample(uint32_t samples[EDGEC_TIMER_TICK_INSNS + 1])
 * The timer's VALUE register, T + 1 times, T + 1 instructions apart: the
 * loop body is ldr, str, subs, T - 3 nops and bne. */
  .global edgec_clock_sample
  .type edgec_clock_sample, %function
  .thumb_func
edgec_clock_sample:
  ldr r1, =(EDGEC_TIMER_BASE + 4)
  movs r2, #(EDGEC_TIMER_TICK_INSNS + 1)
1:
  ldr r3, [r1]
  str r3, [r0], #4
  subs r2, r2, #1
  .rept EDGEC_TIMER_TICK_INSNS - 3
  nop
  .endr
  bne 1b
  bx lr
  .ltorg
  .size edgec_clock_sample, . - edgec_clock_sample

/* int edgec_clock_empty(void): the reference a measurement is calibrated
 * against — two instructions, as an empty C function returning 0 compiles to. */
  .section .text.edgec_clock_empty, "ax", %progbits
  .global edgec_clock_empty
  .type edgec_clock_empty, %function
  .thumb_func
edgec_clock_empty:
  movs r0, #0
  bx lr
  .size edgec_clock_empty, . - edgec_clock_empty

#endif
