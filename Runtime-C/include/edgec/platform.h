/*
 * edgec runtime: the few compiler-specific spellings the generated code needs.
 */
#ifndef EDGEC_PLATFORM_H
#define EDGEC_PLATFORM_H

/* Alignment of the arena and of constant tables. */
#if defined(__GNUC__) || defined(__clang__)
#define EDGEC_ALIGNED(n) __attribute__((aligned(n)))
#else
#define EDGEC_ALIGNED(n)
#endif

#endif /* EDGEC_PLATFORM_H */
