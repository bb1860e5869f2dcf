/*
 * edgec_copy: RESHAPE when input and output cannot share storage; a plain
 * byte copy (the buffers never overlap: the planner gives them separate
 * storage exactly when it emits this call).
 */
#include <string.h>

#include "edgec/kernels.h"

void edgec_copy(const edgec_copy_params *p, const void *input, void *output) {
  memcpy(output, input, (size_t)p->bytes);
}
