/*
 * edgec runtime: per-model configuration.
 *
 * `edgec compile` replaces this file in its output with the values the model
 * needs; this copy holds the defaults for building the runtime on its own
 * (the kernel tests).
 */
#ifndef EDGEC_CONFIG_H
#define EDGEC_CONFIG_H

/* No setting is needed today: kernel scratch comes from the arena, per call
 * (kernels.h). */

#endif /* EDGEC_CONFIG_H */
