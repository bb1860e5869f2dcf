/*
 * Startup for every Cortex-M target: the vector table and the reset handler.
 * Written in C (no assembly) so that one file serves ARMv6-M, ARMv7-M and
 * ARMv8-M alike; the core loads the stack pointer from the table itself.
 *
 * The symbols come from the linker script made from firmware.ld:
 *   edgec_stack_top                  initial stack pointer
 *   edgec_data_load/start/end        .data's image in flash and its place in RAM
 *   edgec_bss_start/end              zero-initialised statics
 *   edgec_arena_start/end            the model's arena (its own region)
 */
#include "edgec_firmware.h"

/* Declared as functions so the vector table can hold them without a cast
 * between object and function pointers (which ISO C does not allow). */
extern void edgec_stack_top(void);
extern uint32_t edgec_data_load[], edgec_data_start[], edgec_data_end[];
extern uint32_t edgec_bss_start[], edgec_bss_end[];
extern uint32_t edgec_arena_start[], edgec_arena_end[];

void edgec_reset(void) __attribute__((noreturn));
void edgec_hard_fault(void); /* fault.c */
void edgec_unexpected(void);

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)

typedef void (*edgec_vector)(void);

/* The 16 system exceptions; the firmware enables no interrupt, so no IRQ
 * vectors follow. The table must sit at the start of the code region, where
 * VTOR (or the boot address) points. */
__attribute__((section(".vectors"), used)) const edgec_vector edgec_vectors[16] = {
    edgec_stack_top,    /* initial SP */
    edgec_reset,        /* Reset */
    edgec_unexpected,   /* NMI */
    edgec_hard_fault,   /* HardFault */
    edgec_hard_fault,   /* MemManage */
    edgec_hard_fault,   /* BusFault */
    edgec_hard_fault,   /* UsageFault */
    edgec_hard_fault,   /* SecureFault (ARMv8-M) */
    0, 0, 0,            /* reserved */
    edgec_unexpected,   /* SVCall */
    edgec_unexpected,   /* DebugMonitor */
    0,                  /* reserved */
    edgec_unexpected,   /* PendSV */
    edgec_unexpected,   /* SysTick */
};

static void copy_words(uint32_t *to, const uint32_t *from, const uint32_t *end) {
  while (to < end) *to++ = *from++;
}

static void zero_words(uint32_t *to, const uint32_t *end) {
  while (to < end) *to++ = 0u;
}

static void barrier(void) { __asm__ volatile("dsb\n\tisb" ::: "memory"); }

#if defined(EDGEC_ENABLE_CACHES) && EDGEC_ENABLE_CACHES
/* Cortex-M7 L1 caches (ARMv7-M ARM B2.2): invalidate, then enable. */
static void enable_caches(void) {
  volatile uint32_t *const csselr = (volatile uint32_t *)0xE000ED84u;
  volatile uint32_t *const ccsidr = (volatile uint32_t *)0xE000ED80u;
  volatile uint32_t *const iciallu = (volatile uint32_t *)0xE000EF50u;
  volatile uint32_t *const dcisw = (volatile uint32_t *)0xE000EF60u;
  uint32_t geometry, sets, ways, set, way;
  barrier();
  *iciallu = 0u;
  barrier();
  SCB_CCR |= 1u << 17; /* IC */
  barrier();
  *csselr = 0u; /* level 1 data cache */
  barrier();
  geometry = *ccsidr;
  sets = ((geometry >> 13) & 0x7FFFu) + 1u;
  ways = ((geometry >> 3) & 0x3FFu) + 1u;
  for (set = 0; set < sets; set++) {
    for (way = 0; way < ways; way++) *dcisw = (set << 5) | (way << 30);
  }
  barrier();
  SCB_CCR |= 1u << 16; /* DC */
  barrier();
}
#endif

void edgec_reset(void) {
#if defined(__ARM_FP)
  /* Full access to CP10 and CP11 before the first floating-point instruction. */
  SCB_CPACR |= 0xFu << 20;
  barrier();
#endif
  copy_words(edgec_data_start, edgec_data_load, edgec_data_end);
  zero_words(edgec_bss_start, edgec_bss_end);
  zero_words(edgec_arena_start, edgec_arena_end);
  barrier(); /* the stores complete before main runs or a cache turns on */
#if defined(EDGEC_ENABLE_CACHES) && EDGEC_ENABLE_CACHES
  enable_caches();
#endif
  edgec_exit(main());
}

void edgec_unexpected(void) {
  edgec_print("edgec-fw: unexpected exception\n");
  edgec_exit(4);
}
