#pragma once

#include <torch/types.h>

#include <string>

#include "operators/linear_operator.h"

namespace diffrecon {

// The centred orthonormal DFT over the last `dims` (1, 2 or 3) dimensions, batched over the others:
//   F x = fftshift(DFT(ifftshift(x))) / √N,  N = the product of the transformed sizes,
// so k-space index n/2 (integer division) holds DC and F is unitary (Fᴴ = F⁻¹, ‖F x‖ = ‖x‖). This is
// fastMRI's fft2c and the official DiffusionMBIR code's `fft2`/`ifft2` up to their normalisation.
// complex64 or complex128; CPU tensors run through FFTW (plans cached per shape, batch and precision,
// on the intra-op thread count), other devices through torch::fft. Returns a new tensor.
torch::Tensor centred_fft(const torch::Tensor& x, int dims);
torch::Tensor centred_ifft(const torch::Tensor& k, int dims);

// FFTW planning rigour for plans made from now on: false (default) FFTW_ESTIMATE, true FFTW_MEASURE
// (slower to plan, faster to run; worth it for long reconstructions or with a wisdom file).
void set_fftw_measure(bool measure);

// FFTW wisdom (accumulated plans) from / to a file, for both precisions. import returns false when the
// file does not exist; a file that exists but is not wisdom throws IoError. export writes atomically.
bool import_fftw_wisdom(const std::string& path);
void export_fftw_wisdom(const std::string& path);

// F as a LinearOperator on complex tensors of `shape`, transforming its last `dims` dimensions.
OperatorPtr fourier_operator(Shape shape, int dims);

}  // namespace diffrecon
