#pragma once

#include <torch/types.h>

namespace diffrecon {

// Simulated receive coils for `simulate mri`, complex64 [C, Z, Y, X]: C loops evenly spaced on a ring
// of radius 1.5 (in units of the half field of view) around the slice centre, as SigPy's birdcage_maps:
//   S_c(p) = e^{i(φ_c(p) + 2πc/C)} / |p − q_c|,  φ_c the angle of p − q_c,
// then normalised so that Σ_c |S_c|² = 1 at every voxel (the same for every slice).
torch::Tensor birdcage_coil_maps(int64_t coils, int64_t nz, int64_t ny, int64_t nx);

// Coil maps from the low-resolution centre of multi-coil k-space [C, Z, Y, X] (a fast fallback to
// ESPIRiT): keep a centred box of `calibration` samples along each transformed axis (the last
// fft_dims), apodised by a Hann window, transform to image space and divide by the root sum of squares:
//   S_c = I_c / √(Σ_c |I_c|² + ε),  ε = 10⁻⁶ · max Σ_c |I_c|²  (so Σ|S_c|² ≈ 1 inside the object).
torch::Tensor lowres_coil_maps(const torch::Tensor& kspace, int fft_dims, int64_t calibration = 24);

// Maps [C, ...] normalised to unit root sum of squares at every voxel:
//   S_c ← S_c / √(Σ_c |S_c|²)   where Σ_c |S_c|² > 10⁻⁶ · max Σ_c |S_c|²,   S_c ← 0 elsewhere.
// The SENSE model y_c = F(S_c x) leaves the magnitude of the maps to the image: maps multiplied by a
// positive field g(r) describe the same data with the image x/g. Normalised maps pick x = the image the
// root-sum-of-squares combination of fully sampled coil images gives, so every reconstruction is the
// same for any such g, and Aᴴy = Σ_c S_c* x_c is the SENSE combination Σ_c S_c* x_c / Σ_c |S_c|².
torch::Tensor normalised_coil_maps(const torch::Tensor& maps);

}  // namespace diffrecon
