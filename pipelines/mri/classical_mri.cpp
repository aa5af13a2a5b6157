#include "pipelines/mri/classical_mri.h"

#include <cmath>

#include "core/error.h"
#include "core/progress.h"
#include "operators/algebra.h"
#include "operators/mri/centred_fft.h"
#include "pipelines/intensity_scale.h"
#include "pipelines/mri/mri_problem.h"
#include "solvers/admm.h"
#include "solvers/conjugate_gradient.h"

namespace diffrecon {
namespace {

Volume magnitude_volume(const torch::Tensor& x, const Measurement& m) { return Volume(x.abs().to(torch::kFloat), m.geometry); }

torch::Tensor data_on(const Measurement& m, torch::Device device) { return m.data.to(device, torch::kComplexFloat); }

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
  const auto a = mri_forward_operator(m, coil_maps_of(m, device, config.maps));
  const auto y = data_on(m, device);
  const auto x0 = a->adjoint(y);
  AdmmOptions options;
  options.lambda = config.lambda * intensity_scale(x0);
  options.rho = config.rho;
  options.iterations = config.iterations;
  options.cg.max_iterations = config.cg_iterations;
  Progress progress("ADMM-TV", config.iterations);
  options.on_iteration = [&](int) { progress.advance(); };
  const auto x = AdmmL1Solver(a, tv_operator(a->domain_shape(), config.directions), options).solve(y, x0).x;
  progress.finish();
  return magnitude_volume(x, m);
}

}  // namespace diffrecon
