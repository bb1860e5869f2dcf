/* LAPACKE and CBLAS (Debian: liblapacke-dev and libopenblas-dev) for the
 * low-rank pass: the SVD and Cholesky factorisations, and the Gram matrices
 * of layer inputs it whitens by. Installed by `make setup`. */
#ifndef EDGEC_CLAPACKE_SHIM_H
#define EDGEC_CLAPACKE_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#endif
