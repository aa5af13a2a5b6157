#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>

namespace diffrecon {

// Sampling patterns for undersampled Cartesian MRI, in the layout of centred_fft.h: index n/2 (integer
// division) of an axis of length n is DC. 1D kinds select phase-encode lines, 2D kinds points of a plane
// (ky-kz for 3D acquisitions, ky-kx for 2D ones).
//
// Every mask holds exactly round(N / acceleration) samples (N = lines or rows·cols; round half away from
// zero), the fully sampled centre included. The official DiffusionMBIR/DDS `get_mask` and fastMRI's mask
// functions draw with replacement or add the centre on top, so their masks have fewer samples than
// requested (a higher acceleration); these do not.
//
// Centre (fastMRI's low frequencies, the ACS block): c = round(center_fraction·n) consecutive indices
// [n/2 − c/2, n/2 − c/2 + c) of each sampled axis, at least 1 when center_fraction > 0; for an even c
// the extra index is on the negative-frequency side, as in the official `get_mask`. 2D kinds sample the
// centred rectangle c_rows × c_cols.
//
// Outside the centre:
//   uniform1d     the remaining lines uniformly at random without replacement.
//   equispaced1d  k = target − c lines at the regular spacing s = m/k over the m lines outside the centre,
//                 taken in order as one sequence: positions o + ⌊j m / k⌋, j = 0 … k−1, integer offset o
//                 uniform in [0, ⌊s⌋) (fastMRI's EquispacedMaskFractionFunc: a fractional spacing
//                 rounded per line, so gaps are ⌊s⌋ or ⌈s⌉ and the count is exact).
//   gaussian1d    weighted sampling without replacement, weight w = exp(−Δ²/2σ²), Δ the distance (in
//                 lines) to n/2 and σ = 15/128·n, the official gaussian1d standard deviation.
//   gaussian2d    the same with w = exp(−Δr²/2σr² − Δc²/2σc²), σ = √(1.5/128)·n per axis, the official
//                 gaussian2d covariance n²·1.5/128.
//                 Weighted sampling without replacement = successive draws with probability ∝ w among
//                 the points left, realised as the k smallest keys E/w, E ~ Exp(1) (Efraimidis & Spirakis
//                 2006).
//   poisson2d     variable-density Poisson disc (Bridson 2007 dart throwing grown from the centre, or from
//                 the DC point without one; 30 attempts per active sample p, candidates uniform in the
//                 annulus 1 ≤ |Δ| < 2 around it in p's radii, rounded to the grid). With
//                   R(p) = 1 + a·ρ(p),  ρ = √((2·drow/rows)² + (2·dcol/cols)²)  (d: offset of p from DC;
//                   ρ = 1 at the edge midpoints), radii r_row = max(1, R·rows/M), r_col = max(1, R·cols/M)
//                   pixels, M = max(rows, cols),
//                 a sample p outside the centre and any other sample q satisfy
//                   (Δrow / r_row)² + (Δcol / r_col)² ≥ 1  (Δ = p − q, radii of whichever is nearer DC),
//                 so the density is ∝ 1 / (r_row·r_col) = (1 + aρ)⁻² on square grids. This is SigPy's
//                 `poisson` law (per-axis radii clipped at 1 pixel) with ρ measured from DC instead of from
//                 the calibration edge and without its corner cropping. The slope a ∈ (0, M] is bisected
//                 (the same seed for every trial; 20 steps, or until a set exceeds the required count by
//                 at most 0.5 %) for the largest a whose set has at least the required count, and the
//                 surplus is removed uniformly at random, which keeps the bound. Any a > 0 keeps grid
//                 neighbours apart, so below an acceleration of about 2 every trial falls short: the
//                 densest one is then completed with the empty points nearest DC (ties at random), a
//                 fully sampled core inside which the bound does not hold.
//
// Deterministic given the seed, with a platform-independent random stream: std::mt19937_64(seed),
// u = (draw >> 11)·2⁻⁵³, no standard-library distributions.
enum class MaskKind { kUniform1d, kEquispaced1d, kGaussian1d, kGaussian2d, kPoisson2d };

// "uniform1d", "equispaced1d", "gaussian1d", "gaussian2d", "poisson2d".
const char* to_string(MaskKind kind);
// Inverse of to_string; throws InvalidArgument, listing the names, for any other name.
MaskKind parse_mask_kind(const std::string& name);
// The kinds served by line_mask (uniform1d, equispaced1d, gaussian1d).
bool is_line_mask(MaskKind kind);

// acceleration: finite, ≥ 1, with round(N / acceleration) ≥ 1 and ≥ the centre's sample count;
// center_fraction in [0, 1). Violations throw InvalidArgument.
struct MaskOptions {
  MaskKind kind = MaskKind::kPoisson2d;
  double acceleration = 4;        // requested R = total / sampled
  double center_fraction = 0.08;  // fraction of each sampled axis fully sampled around DC (fastMRI)
  uint64_t seed = 0;
};

// 1D kinds: float32 [lines] of 0/1 on the CPU, contiguous. lines ≥ 1.
torch::Tensor line_mask(const MaskOptions& options, int64_t lines);
// 2D kinds: float32 [rows, cols] of 0/1 on the CPU, contiguous. rows, cols ≥ 1.
torch::Tensor point_mask(const MaskOptions& options, int64_t rows, int64_t cols);
// numel / (number of nonzero entries) of a mask; throws InvalidArgument when nothing is sampled.
double achieved_acceleration(const torch::Tensor& mask);

}  // namespace diffrecon
