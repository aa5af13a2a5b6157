#pragma once

#include <torch/types.h>

#include "operators/linear_operator.h"

namespace diffrecon {

// Cartesian multi-coil MRI (SENSE) forward model on an image x [Z, Y, X] (complex):
//   y_c = M ⊙ F(S_c ⊙ x),  c = 1 … C,     Aᴴ y = Σ_c conj(S_c) ⊙ Fᴴ(M ⊙ y_c),
// range [C, Z, Y, X]. F is centred_fft.h's unitary DFT over (Y, X) of every slice (fft_dims = 2,
// multi-slice 2D acquisitions) or over (Z, Y, X) (fft_dims = 3). `coil_maps` S: complex [C, Z, Y, X];
// `mask` M: real, 0/1 or sampling weights, of rank 2 or 3 broadcasting against [Z, Y, X] (e.g. [Y, X],
// [1, X], [Z, Y, 1]). normal(x) = Σ_c conj(S_c) Fᴴ(M² F(S_c x)) transforms each coil's k-space once.
// The operator lives on the maps' device; the mask is moved there as float32.
OperatorPtr sense_operator(const torch::Tensor& coil_maps, const torch::Tensor& mask, int fft_dims);

// Single-coil special case (S = 1): y = M ⊙ F x, range [1, Z, Y, X] like the multi-coil operator's.
OperatorPtr single_coil_operator(const Shape& image_shape, const torch::Tensor& mask, int fft_dims);

}  // namespace diffrecon
