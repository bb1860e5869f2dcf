/*
 * edgec firmware support: what `edgec run` links around a generated model to
 * run it on a Cortex-M board under QEMU (startup.c, semihosting.c, fault.c,
 * instruction_clock.c/.S, and the linker script made from firmware.ld).
 *
 * Build-time macros (the target file supplies them through edgec):
 *   EDGEC_TIMER_BASE        address of a CMSDK APB timer (timer 0 of the board);
 *                           without it the clock reads 0.
 *   EDGEC_TIMER_TICK_INSNS  guest instructions per timer tick under
 *                           `qemu -icount shift=0` (1 ns per instruction):
 *                           1e9 / timer clock, 40 for a 25 MHz timer.
 *   EDGEC_ENABLE_CACHES     1 on Cortex-M7 chips whose caches the startup enables.
 */
#ifndef EDGEC_FIRMWARE_H
#define EDGEC_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ semihosting */

/* Opens a file on the host (relative to QEMU's working directory) for binary
 * reading (`write` = 0) or writing (`write` = 1). Returns a handle >= 0, or -1. */
int edgec_host_open(const char *path, int write);
/* Reads or writes exactly `bytes` bytes; returns 0 on success, -1 otherwise. */
int edgec_host_read(int handle, void *data, size_t bytes);
int edgec_host_write(int handle, const void *data, size_t bytes);
int edgec_host_close(int handle);

/* Prints text on QEMU's console (the semihosting debug channel). */
void edgec_print(const char *text);
/* `edgec_print` of an unsigned decimal and of an 8-digit 0x hexadecimal. */
void edgec_print_u64(uint64_t value);
void edgec_print_hex(uint32_t value);

/* Ends the emulation with `status` as QEMU's exit status. Never returns. */
void edgec_exit(int status) __attribute__((noreturn));

/* -------------------------------------------------------- instruction clock */

#if defined(EDGEC_TIMER_BASE)
#define EDGEC_CLOCK_SAMPLES (EDGEC_TIMER_TICK_INSNS + 1)
#else
#define EDGEC_CLOCK_SAMPLES 2
#endif

/* Starts the timer. Call once before the first measurement. */
void edgec_clock_start(void);

/* Takes a timestamp: EDGEC_CLOCK_SAMPLES raw timer reads (instruction_clock.S)
 * in a fixed number of instructions, to be decoded later — decoding costs a
 * data-dependent number of instructions, so it must stay out of whatever is
 * being measured. */
void edgec_clock_sample(uint32_t *samples);

/* The time of a timestamp's first read, in instructions from an arbitrary
 * origin: the difference of two is the exact number of instructions between
 * the two reads (0 without a timer). */
uint64_t edgec_clock_decode(const uint32_t *samples);

/* The exact number of guest instructions `fn` executes, from its first
 * instruction to its return inclusive: timestamps around the call, minus
 * their cost, calibrated against a two-instruction function. `*result`
 * receives what `fn` returned. */
uint64_t edgec_clock_measure(int (*fn)(void), int *result);

/* False once a timestamp lacked the vernier's signature (one double step
 * among its reads): the timer did not behave as under `-icount shift=0`, and
 * counts are good only to a tick. */
int edgec_clock_exact(void);

/* ------------------------------------------------------------- profiling */

/* The hook the generated model calls when built with
 * `-DEDGEC_PROFILE(op)=edgec_profile_mark(op)`: -1 on entering invoke, then
 * the operator index after each kernel. Takes a timestamp in constant time. */
void edgec_profile_mark(int op);

/* Forgets the marks taken so far and measures what one mark costs. */
void edgec_profile_begin(void);

/* Prints one line per operator marked since `edgec_profile_begin`:
 * `edgec-fw: profile <record> op <index> <instructions>`, the exact
 * instructions between the previous mark and this one, the mark excluded. */
void edgec_profile_report(long record);

/* ---------------------------------------------------------------- startup */

/* The application's entry, called by the reset handler once memory is set up;
 * its return value is the exit status. */
int main(void);

#endif /* EDGEC_FIRMWARE_H */
