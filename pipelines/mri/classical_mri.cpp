#include "pipelines/mri/classical_mri.h"

#include <cmath>
#include <random>

#include "core/error.h"
#include "core/logging.h"
#include "core/progress.h"
#include "operators/algebra.h"
#include "operators/daubechies_wavelet.h"
#include "operators/mri/centred_fft.h"
#include "pipelines/intensity_scale.h"
#include "pipelines/mri/mri_problem.h"
#include "solvers/admm.h"
#include "solvers/conjugate_gradient.h"
#include "solvers/fista.h"
#include "solvers/proximal.h"

namespace diffrecon {
namespace {

Volume magnitude_volume(const torch::Tensor& x, const Measurement& m) { return Volume(x.abs().to(torch::kFloat), m.geometry); }

torch::Tensor data_on(const Measurement& m, torch::Device device) { return m.data.to(device, torch::kComplexFloat); }

// (1/K) Σ_k S₋ₛₖ Wᴴ soft(W Sₛₖ v, λ t) for K fresh random cyclic shifts s_k per call (K = 1, no shift,
// when `random_shifts` is off).
class ShiftedWaveletThreshold {
 public:
  ShiftedWaveletThreshold(const Shape& shape, const CsWaveletConfig& config, double lambda)
      : wavelet_(daubechies_wavelet(shape, config.vanishing_moments)),
        lambda_(lambda),
        random_shifts_(config.random_shifts),
        shifts_per_step_(config.shifts_per_iteration),
        generator_(config.seed) {
    for (int axis = 0; axis < 2; ++axis)
      period_[axis] = int64_t{1} << wavelet_levels(shape[shape.size() - 2 + axis], kWaveletMinSize);
  }

  torch::Tensor operator()(const torch::Tensor& v, double t) {
    const int draws = random_shifts_ ? shifts_per_step_ : 1;
    torch::Tensor sum;
    for (int k = 0; k < draws; ++k) {
      std::vector<int64_t> shift(2, 0), back(2, 0);
      if (random_shifts_)
        for (int axis = 0; axis < 2; ++axis) {
          shift[axis] = std::uniform_int_distribution<int64_t>(0, period_[axis] - 1)(generator_);
          back[axis] = -shift[axis];
        }
      const auto coefficients = wavelet_->apply(torch::roll(v, shift, {-2, -1}));
      const auto part =
          torch::roll(wavelet_->adjoint(soft_threshold(coefficients, lambda_ * t)), back, {-2, -1});
      sum = k == 0 ? part : sum + part;
    }
    return draws == 1 ? sum : sum / draws;
  }

 private:
  static constexpr int64_t kWaveletMinSize = 16;  // daubechies_wavelet's default
  OperatorPtr wavelet_;
  double lambda_;
  bool random_shifts_;
  int shifts_per_step_;
  std::mt19937_64 generator_;
  int64_t period_[2] = {1, 1};
};

}  // namespace

Volume zero_filled_reconstruction(const Measurement& m, const ZeroFilledConfig& config, torch::Device device) {
  const int dims = fft_dims_of(m);
  validate(m, "MRI measurement");
  const auto y = data_on(m, device);
  if (config.combination == CoilCombination::kRss) {
    const auto images = centred_ifft(y, dims);
    return Volume((images.abs() * images.abs()).sum(0).sqrt().to(torch::kFloat), m.geometry);
  }
  return magnitude_volume(mri_forward_operator(m, coil_maps_of(m, device, config.maps))->adjoint(y), m);
}

Volume cg_sense_reconstruction(const Measurement& m, const CgSenseConfig& config, torch::Device device) {
  if (config.iterations < 1) throw InvalidArgument("CG-SENSE: iterations must be at least 1");
  if (!(config.lambda >= 0) || !std::isfinite(config.lambda)) throw InvalidArgument("CG-SENSE: lambda must be >= 0");
  const auto a = mri_forward_operator(m, coil_maps_of(m, device, config.maps));
  const auto system = config.lambda > 0 ? sum(normal_of(a), scale(config.lambda, identity(a->domain_shape())))
                                        : normal_of(a);
  CgOptions options;
  options.max_iterations = config.iterations;
  options.tolerance = config.tolerance;
  const auto result = conjugate_gradient(*system, a->adjoint(data_on(m, device)), {}, options);
  return magnitude_volume(result.x, m);
}

Volume mri_admm_tv_reconstruction(const Measurement& m, const MriAdmmTvConfig& config, torch::Device device) {
  if (config.iterations < 1 || config.cg_iterations < 1)
    throw InvalidArgument("ADMM-TV: iterations and CG iterations must be at least 1");
  if (!(config.lambda >= 0) || !(config.rho > 0) || !std::isfinite(config.lambda) || !std::isfinite(config.rho))
    throw InvalidArgument("ADMM-TV: lambda must be >= 0 and rho > 0 (finite)");
  if (!(config.tolerance >= 0) || !(config.cg_tolerance >= 0))
    throw InvalidArgument("ADMM-TV: the tolerances must be >= 0");
  const auto a = mri_forward_operator(m, coil_maps_of(m, device, config.maps));
  const auto y = data_on(m, device);
  const auto x0 = a->adjoint(y);
  const auto d = tv_operator(a->domain_shape(), config.directions);
  AdmmOptions options;
  options.lambda = config.lambda * intensity_scale(x0);
  options.rho = config.rho;
  options.iterations = config.iterations;
  options.tolerance = config.tolerance;
  options.cg.max_iterations = config.cg_iterations;
  options.cg.tolerance = config.cg_tolerance;
  options.l1_groups = tv_groups(config.directions, config.norm);
  Progress progress("ADMM-TV", config.iterations);
  options.on_iteration = [&](int) { progress.advance(); };
  const auto result = AdmmL1Solver(a, d, options).solve(y, x0);
  progress.finish();
  Log(LogLevel::kInfo) << "admm-tv: " << result.iterations << " ADMM iterations, residuals "
                       << result.primal_residual << " (primal), " << result.dual_residual << " (dual)"
                       << (result.converged ? ", converged" : "");
  return magnitude_volume(result.x, m);
}

Volume cs_wavelet_reconstruction(const Measurement& m, const CsWaveletConfig& config, torch::Device device) {
  if (config.iterations < 1) throw InvalidArgument("cs-wavelet: iterations must be at least 1");
  if (!(config.lambda >= 0) || !std::isfinite(config.lambda))
    throw InvalidArgument("cs-wavelet: lambda must be >= 0");
  if (!(config.tolerance >= 0)) throw InvalidArgument("cs-wavelet: tolerance must be >= 0");
  if (config.shifts_per_iteration < 1)
    throw InvalidArgument("cs-wavelet: shifts per iteration must be at least 1");
  if (!(config.averaging >= 0 && config.averaging < 1))
    throw InvalidArgument("cs-wavelet: averaging must be in [0, 1)");
  if (config.vanishing_moments < 1 || config.vanishing_moments > 4)
    throw InvalidArgument("cs-wavelet: the Daubechies order (vanishing moments) must be 1 to 4");
  const auto a = mri_forward_operator(m, coil_maps_of(m, device, config.maps));
  const auto y = data_on(m, device);
  const auto x0 = a->adjoint(y);
  const double mask_peak = m.arrays.at("mask").abs().max().item<double>();
  if (!(mask_peak > 0)) throw InvalidArgument("cs-wavelet: the sampling mask is empty");
  ShiftedWaveletThreshold prox(a->domain_shape(), config, config.lambda * intensity_scale(x0));
  FistaOptions options;
  options.step = 1 / (mask_peak * mask_peak);
  options.max_iterations = config.iterations;
  options.tolerance = config.tolerance;
  options.averaging = config.averaging;
  Progress progress("cs-wavelet", config.iterations);
  options.on_iteration = [&](int) { progress.advance(); };
  const auto result = fista(*a, y, std::ref(prox), x0, options);
  progress.finish();
  Log(LogLevel::kInfo) << "cs-wavelet: " << result.iterations << " FISTA iterations, relative change "
                       << result.relative_change << (result.converged ? " (converged)" : "");
  return magnitude_volume(result.x, m);
}

}  // namespace diffrecon
