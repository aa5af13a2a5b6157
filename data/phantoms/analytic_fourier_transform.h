#pragma once

#include <torch/types.h>

#include <vector>

#include "data/phantoms/ellipsoid_phantom.h"

namespace diffrecon {

// Exact continuous 3D Fourier transform of an ellipsoid phantom in the normalised coordinates of
// Ellipsoid: F(k) = ∫ f(p) e^{−2πi k·p} dp, with k = (kx, ky, kz) in cycles per unit of normalised
// coordinate. kx, ky, kz are real tensors broadcast against each other on one device; the result is
// complex128 of the broadcast shape on that device.
//
// With p = centre + R(phi) D u, D = diag(a, b, c), u in the unit ball:
//   F(k) = Σ v · abc · e^{−2πi k·centre} · (4π/3) · 3 j₁(t)/t,  t = 2π ‖D R(−phi) k‖,
//   R(−phi) k = (kx cos phi + ky sin phi, −kx sin phi + ky cos phi, kz),
//   3 j₁(t)/t = 3 (sin t − t cos t) / t³ (its Taylor series below t = 1; 1 at t = 0),
// so F(0) = Σ v · (4π/3) abc.
//
// A volume f rasterised at the voxel centres p_j (rasterize_ellipsoids, [nz, ny, nx]) satisfies
// Σ_j f(p_j) e^{−2πi k·p_j} · 8 / (nx ny nz) ≈ F(k) up to the staircase error of the edges. The DFT
// torch::fft::fftn(f) at index (mz, my, mx) equals that sum (without the 8/(nx ny nz)) at k = m/2 times
// Π_axes e^{iπ m (1/n − 1)}, exactly for every integer m; use signed indices m ∈ [−n/2, n/2) for the
// low-frequency approximation.
torch::Tensor analytic_fourier_transform(const std::vector<Ellipsoid>& ellipsoids, const torch::Tensor& kx,
                                         const torch::Tensor& ky, const torch::Tensor& kz);

}  // namespace diffrecon
