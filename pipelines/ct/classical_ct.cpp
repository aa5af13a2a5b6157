#include "pipelines/ct/classical_ct.h"

#include <cmath>

#include "core/error.h"
#include "core/logging.h"
#include "core/progress.h"
#include "operators/algebra.h"
#include "operators/ct/fbp.h"
#include "operators/finite_difference.h"
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

const char* to_string(TvDirections directions) { return directions == TvDirections::kZ ? "z" : "xyz"; }

TvDirections parse_tv_directions(const std::string& name) {
  if (name == "xyz") return TvDirections::kXyz;
  if (name == "z") return TvDirections::kZ;
  throw InvalidArgument("unknown TV directions '" + name + "' (expected xyz or z)");
}

double intensity_scale(const torch::Tensor& image) {
  auto flat = image.detach().flatten().to(torch::kCPU, torch::kFloat);
  const int64_t stride = std::max<int64_t>(1, flat.numel() / (1 << 20));  // ≤ ~1M samples
  flat = flat.slice(0, 0, flat.numel(), stride);
  if (flat.numel() == 0) return 1.0;
  const int64_t k = std::min<int64_t>(flat.numel(), static_cast<int64_t>(std::ceil(0.999 * flat.numel())));
  const double value = std::get<0>(flat.kthvalue(k)).item<double>();
  return value > 0 && std::isfinite(value) ? value : 1.0;
}

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

  const double p = std::sqrt(g.pixel_spacing_x * g.pixel_spacing_y);
  const double kappa = 2.0 * static_cast<double>(g.angles.size()) / M_PI * p * p * p / g.detector_spacing;
  const double c = intensity_scale(x0);
  AdmmOptions options;
  options.rho = config.rho * kappa;
  options.lambda = config.lambda * kappa * c;
  options.iterations = config.iterations;
  options.cg.max_iterations = config.cg_iterations;
  const Shape shape = projector->domain_shape();
  const auto tv = config.directions == TvDirections::kZ ? finite_difference_z(shape, Boundary::kNeumann)
                                                         : gradient_3d(shape, Boundary::kNeumann);
  Log(LogLevel::kDebug) << "ADMM-TV: kappa " << kappa << ", intensity scale " << c << ", rho' " << options.rho
                        << ", lambda' " << options.lambda;
  AdmmL1Solver solver(projector, tv, options);
  const auto adjoint_measurement = projector->adjoint(y);
  AdmmState state;
  auto x = x0;
  Progress progress("ADMM-TV", config.iterations);
  for (int k = 0; k < config.iterations; ++k) {
    x = solver.step(x, adjoint_measurement, state).x;
    progress.advance();
  }
  progress.finish();
  return as_volume(x, m);
}

}  // namespace diffrecon
