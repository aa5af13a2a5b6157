#pragma once

#include <cstdint>

#include "operators/linear_operator.h"

namespace diffrecon {

// Thick-slice acquisition along the first dimension (z) of tensors [Z, ...]: each measured slice is the
// mean of `factor` adjacent thin slices (TPDM's MR z-super-resolution operator, physics/zsr.py),
//   (A x)[k] = (1/n_k) Σ_{j = k f}^{k f + n_k − 1} x[j],   k = 0 … ⌈Z/f⌉ − 1,
// with n_k = f except for a last, partial group of Z mod f slices when f does not divide Z.
//   (Aᴴ y)[j] = y[⌊j/f⌋] / n_⌊j/f⌋,    A Aᴴ = diag(1/n_k),    so A⁺ = Aᴴ (A Aᴴ)⁻¹ repeats each slice.
// Real or complex input.
OperatorPtr slice_average(Shape shape, int64_t factor);

// ⌈z / factor⌉: the number of thick slices of a volume of z thin slices.
int64_t thick_slice_count(int64_t z, int64_t factor);

}  // namespace diffrecon
