#include "pipelines/ct/classical_ct.h"

#include <cmath>

#include "core/error.h"
#include "core/logging.h"
#include "core/progress.h"
#include "operators/ct/fbp.h"
#include "pipelines/ct/ct_problem.h"
#include "solvers/admm.h"
#include "solvers/cgls.h"

namespace diffrecon {
namespace {

Volume as_volume(const torch::Tensor& x, const Measurement& m) { return Volume(x.to(torch::kFloat), m.geometry); }

torch::Tensor data_on(const Measurement& m, torch::Device device) { return m.data.to(device, torch::kFloat); }

void require_positive(int value, const char* what) {
  if (value < 1) throw InvalidArgument(std::string(what) + " must be at least 1, got " + std::to_string(value));
}

}  // namespace

Volume fbp_reconstruction(const Measurement& m, const FbpConfig& config, torch::Device device) {
  const auto g = parallel_beam_geometry(m);
  return as_volume(filtered_back_projection(data_on(m, device), g, config.window), m);
}

Volume cgls_reconstruction(const Measurement& m, const CglsConfig& config, torch::Device device) {
  require_positive(config.iterations, "CGLS iterations");
  const auto projector = parallel_beam_projector(parallel_beam_geometry(m));
  Progress progress("CGLS", config.iterations);
  CglsOptions options;
  options.max_iterations = config.iterations;
  options.tolerance = 0;
  options.on_iteration = [&](int) { progress.advance(); };
  const auto result = cgls(*projector, data_on(m, device), {}, options);
  progress.finish();
  return as_volume(result.x, m);
}

Volume admm_tv_reconstruction(const Measurement& m, const AdmmTvConfig& config, torch::Device device) {
  require_positive(config.iterations, "ADMM iterations");
  require_positive(config.cg_iterations, "CG iterations");
  if (!(config.lambda >= 0) || !(config.rho > 0) || !std::isfinite(config.lambda) || !std::isfinite(config.rho))
    throw InvalidArgument("ADMM-TV: lambda must be >= 0 and rho > 0 (finite)");
  const auto g = parallel_beam_geometry(m);
  const auto projector = parallel_beam_projector(g);
  const auto y = data_on(m, device);
  const auto x0 = filtered_back_projection(y, g);

  const double kappa = official_projector_ratio(g);
  const double c = intensity_scale(x0);
  AdmmOptions options;
  options.rho = config.rho * kappa;
  options.lambda = config.lambda * kappa * c;
  options.iterations = config.iterations;
  options.cg.max_iterations = config.cg_iterations;
  const auto tv = tv_operator(projector->domain_shape(), config.directions);
  Log(LogLevel::kDebug) << "ADMM-TV: kappa " << kappa << ", intensity scale " << c << ", rho' " << options.rho
                        << ", lambda' " << options.lambda;
  Progress progress("ADMM-TV", config.iterations);
  options.on_iteration = [&](int) { progress.advance(); };
  const auto x = AdmmL1Solver(projector, tv, options).solve(y, x0).x;
  progress.finish();
  return as_volume(x, m);
}

}  // namespace diffrecon
