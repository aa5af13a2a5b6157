#pragma once

#include <torch/types.h>

namespace diffrecon {

// ESPIRiT coil sensitivities (Uecker et al., MRM 2014), with BART `ecalib`'s defaults.
struct EspiritOptions {
  int64_t calibration = 24;   // side of the centred calibration box (BART -r), shrunk to what is fully sampled
  int64_t kernel = 6;         // kernel side (BART -k), at most the calibration box's
  double threshold = 0.001;   // kernels kept: singular values ≥ threshold · the largest (BART -t)
  double crop = 0.8;          // maps set to zero where the leading eigenvalue < crop (BART -c)
  int64_t grid = 64;          // the eigenproblems are solved on at most grid × grid points, then interpolated
};

// Maps complex64 [C, Z, Y, X] from multi-coil k-space [C, Z, Y, X] (complex) sampled with `mask`
// (broadcasting against [Z, Y, X]), one 2D calibration per slice (fft_dims 2) or, for 3D acquisitions
// (fft_dims 3, X the fully sampled readout), per readout position on the (Z, Y) plane after an inverse
// FFT along X. For each 2D problem:
//   1. the calibration matrix: every kernel × kernel patch of the calibration box, all coils, one row each;
//   2. the basis of its row space (the patches' signal subspace): the rows w_j of Vᴴ with σ_j ≥
//      threshold · σ_1 (A = U Σ Vᴴ; σ_1 of the slice in 2D, of the strongest readout position in 3D);
//   3. per pixel r, W(r) = (G / k²) Σ_j ĝ_j(r) ĝ_j(r)ᴴ with ĝ_j the unitary centred inverse DFT of w_j
//      zero-padded to the G-point grid (k² the kernel's size) — a C × C matrix whose eigenvector of
//      eigenvalue ≈ 1 is the coil sensitivity at r;
//   4. the leading eigenvector, phase referred to the first coil, zeroed where its eigenvalue < crop,
//      interpolated (bilinear, real and imaginary parts) from the grid to the image.
// The kernel is shrunk along an axis whose fully sampled centre is shorter (thin 3D slabs); throws
// InvalidArgument when that centre has fewer than 2 samples.
torch::Tensor espirit_coil_maps(const torch::Tensor& kspace, const torch::Tensor& mask, int fft_dims,
                                const EspiritOptions& options = {});

}  // namespace diffrecon
