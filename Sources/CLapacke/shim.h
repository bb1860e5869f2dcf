/* LAPACKE (Debian: liblapacke-dev, with libopenblas-dev as the LAPACK
 * behind it) for the low-rank pass's SVD. Installed by `make setup`. */
#ifndef EDGEC_CLAPACKE_SHIM_H
#define EDGEC_CLAPACKE_SHIM_H
#include <lapacke.h>
#endif
