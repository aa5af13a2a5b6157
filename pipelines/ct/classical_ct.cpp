#include "pipelines/ct/classical_ct.h"

#include <cmath>
#include <functional>

#include "core/error.h"
#include "core/logging.h"
#include "core/progress.h"
#include "operators/algebra.h"
#include "operators/ct/fbp.h"
#include "pipelines/ct/ct_problem.h"
#include "solvers/admm.h"
#include "solvers/cgls.h"
#include "solvers/primal_dual.h"

namespace diffrecon {
namespace {

using Projection = std::function<torch::Tensor(const torch::Tensor&)>;

Volume as_volume(const torch::Tensor& x, const Measurement& m) { return Volume(x.to(torch::kFloat), m.geometry); }

torch::Tensor data_on(const Measurement& m, torch::Device device) { return m.data.to(device, torch::kFloat); }

void require_positive(int value, const char* what) {
  if (value < 1) throw InvalidArgument(std::string(what) + " must be at least 1, got " + std::to_string(value));
}

void require_tolerance(double tolerance, const char* method) {
  if (!(tolerance >= 0) || !std::isfinite(tolerance))
    throw InvalidArgument(std::string(method) + ": the tolerance must be finite and >= 0");
}

// P_C for C = {x ≥ 0 (with positivity), x = 0 outside the field of view}; empty when C is everything.
Projection constraint_of(const CtConstraints& c, const ParallelBeamGeometry& g, torch::Device device) {
  const auto mask = field_of_view_to_keep(g, c.field_of_view, device);
  if (!c.positivity && !mask.defined()) return {};
  return [positivity = c.positivity, mask](const torch::Tensor& x) {
    auto projected = positivity ? torch::clamp_min(x, 0.0) : x;
    return mask.defined() ? projected * mask.to(x.dtype()) : projected;
  };
}

// What the iterative TV methods start from: the projector, y, the FBP image and its intensity scale c.
struct IterativeStart {
  ParallelBeamGeometry geometry;
  OperatorPtr projector;
  torch::Tensor y;
  torch::Tensor fbp;
  double scale;
};

IterativeStart iterative_start(const Measurement& m, torch::Device device) {
  IterativeStart s;
  s.geometry = parallel_beam_geometry(m);
  s.projector = parallel_beam_projector(s.geometry);
  s.y = data_on(m, device);
  s.fbp = filtered_back_projection(s.y, s.geometry);
  s.scale = intensity_scale(s.fbp);
  return s;
}

}  // namespace

Volume fbp_reconstruction(const Measurement& m, const FbpConfig& config, torch::Device device) {
  const auto g = parallel_beam_geometry(m);
  auto x = filtered_back_projection(data_on(m, device), g, config.window);
  const auto mask = field_of_view_to_keep(g, config.field_of_view, device);
  return as_volume(mask.defined() ? x * mask : x, m);
}

Volume cgls_reconstruction(const Measurement& m, const CglsConfig& config, torch::Device device) {
  require_positive(config.iterations, "CGLS iterations");
  const auto g = parallel_beam_geometry(m);
  const auto projector = parallel_beam_projector(g);
  Progress progress("CGLS", config.iterations);
  CglsOptions options;
  options.max_iterations = config.iterations;
  options.tolerance = 0;
  options.on_iteration = [&](int) { progress.advance(); };
  auto x = cgls(*projector, data_on(m, device), {}, options).x;
  progress.finish();
  if (const auto project = constraint_of(config.constraints, g, device)) x = project(x);
  return as_volume(x, m);
}

Volume admm_tv_reconstruction(const Measurement& m, const AdmmTvConfig& config, torch::Device device) {
  require_positive(config.iterations, "ADMM iterations");
  require_positive(config.cg_iterations, "CG iterations");
  require_tolerance(config.tolerance, "ADMM-TV");
  if (!(config.lambda >= 0) || !(config.rho > 0) || !std::isfinite(config.lambda) || !std::isfinite(config.rho))
    throw InvalidArgument("ADMM-TV: lambda must be >= 0 and rho > 0 (finite)");
  const IterativeStart start = iterative_start(m, device);
  const auto& g = start.geometry;
  const double kappa = official_projector_ratio(g);
  const double c = start.scale;
  AdmmOptions options;
  options.rho = config.rho * kappa;
  options.lambda = config.lambda * kappa * c;
  options.iterations = config.iterations;
  options.tolerance = config.tolerance;
  options.cg.max_iterations = config.cg_iterations;
  options.l1_groups = tv_groups(config.directions, config.norm);
  options.constraint = constraint_of(config.constraints, g, device);
  const auto tv = tv_operator(start.projector->domain_shape(), config.directions);
  Log(LogLevel::kDebug) << "ADMM-TV: kappa " << kappa << ", intensity scale " << c << ", rho' " << options.rho
                        << ", lambda' " << options.lambda;
  Progress progress("ADMM-TV", config.iterations);
  options.on_iteration = [&](int) { progress.advance(); };
  const auto result = AdmmL1Solver(start.projector, tv, options).solve(start.y, start.fbp);
  progress.finish();
  Log(LogLevel::kInfo) << "ADMM-TV: " << result.iterations << " iterations"
                       << (result.converged ? " (converged)" : "") << ", relative residuals primal "
                       << result.primal_residual << ", dual " << result.dual_residual;
  return as_volume(result.x, m);
}

Volume primal_dual_tv_reconstruction(const Measurement& m, const PrimalDualTvConfig& config, torch::Device device) {
  require_positive(config.iterations, "primal-dual TV iterations");
  require_tolerance(config.tolerance, "primal-dual TV");
  if (!(config.lambda >= 0) || !std::isfinite(config.lambda))
    throw InvalidArgument("primal-dual TV: lambda must be finite and >= 0");
  const IterativeStart start = iterative_start(m, device);
  const double c = start.scale, norm = projector_norm(start.geometry);
  if (!(norm > 0)) throw InvalidArgument("primal-dual TV: the projector is zero");

  PrimalDualOptions options;
  options.lambda = config.lambda;
  options.iterations = config.iterations;
  options.tolerance = config.tolerance;
  options.primal_step = config.primal_step;
  options.forward_norm = 1.02;  // A / ‖A‖ with ‖A‖ estimated from below by power iteration
  options.l1_groups = tv_groups(config.directions, config.norm);
  options.constraint = constraint_of(config.constraints, start.geometry, device);
  Progress progress("primal-dual TV", config.iterations);
  options.on_iteration = [&](int) { progress.advance(); };
  const auto tv = tv_operator(start.projector->domain_shape(), config.directions);
  const auto result = primal_dual_tv(scale(1.0 / norm, start.projector), tv, start.y / (c * norm), start.fbp / c, options);
  progress.finish();
  Log(LogLevel::kInfo) << "primal-dual TV: " << result.iterations << " iterations"
                       << (result.converged ? " (converged)" : "") << ", last relative change "
                       << result.relative_change;
  return as_volume(result.x * c, m);
}

}  // namespace diffrecon
