/*
 * edgec runtime: per-model configuration.
 *
 * `edgec compile` replaces this file in its output with the values the model
 * needs; this copy holds the defaults for building the runtime on its own
 * (the kernel tests).
 */
#ifndef EDGEC_CONFIG_H
#define EDGEC_CONFIG_H

/* EDGEC_CM_SCRATCH_WORDS: stack scratch of the Cortex-M CONV_2D and
 * FULLY_CONNECTED kernels, in 32-bit words (see src/cortex-m/edgec_cm_dsp.h).
 * Left undefined here: the kernels then use their default. */

#endif /* EDGEC_CONFIG_H */
