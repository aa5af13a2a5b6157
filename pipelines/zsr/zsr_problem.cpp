#include "pipelines/zsr/zsr_problem.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "core/error.h"
#include "operators/slice_average.h"

namespace diffrecon {

int64_t slice_factor(const Measurement& m) {
  if (m.modality != Modality::kZsr) throw InvalidArgument("slice_factor: not a z-SR measurement");
  return static_cast<int64_t>(m.parameters.at("slice_factor"));
}

OperatorPtr zsr_forward_operator(const Measurement& m) {
  return slice_average({m.volume_size[2], m.volume_size[1], m.volume_size[0]}, slice_factor(m));
}

Measurement simulate_zsr(const Volume& volume, int64_t factor, const NoiseModel& noise, uint64_t seed) {
  if (volume.data().is_complex()) throw InvalidArgument("simulate_zsr: expected a real volume");
  if (factor < 1 || factor > volume.nz())
    throw InvalidArgument("simulate_zsr: the slice factor must be in [1, " + std::to_string(volume.nz()) + "], got " +
                          std::to_string(factor));
  const auto x = volume.data().to(torch::kFloat);
  auto data = slice_average(x.sizes().vec(), factor)->apply(x);
  if (noise.kind == "gaussian") {
    if (!(noise.sigma > 0) || !std::isfinite(noise.sigma)) throw InvalidArgument("simulate_zsr: sigma must be > 0");
    auto generator = at::detail::createCPUGenerator(seed + 0x9e3779b97f4a7c15ULL);
    data = data + noise.sigma * at::randn(data.sizes(), generator, torch::kFloat).to(data.device());
  } else if (noise.kind != "none") {
    throw InvalidArgument("simulate_zsr: noise must be none or gaussian, got '" + noise.kind + "'");
  }
  Measurement m;
  m.modality = Modality::kZsr;
  m.data = data.to(torch::kCPU).contiguous();
  m.parameters["slice_factor"] = static_cast<double>(factor);
  m.volume_size = {volume.nx(), volume.ny(), volume.nz()};
  m.geometry = volume.geometry();
  m.noise = noise;
  m.provenance.seed = seed;
  validate(m, "simulate_zsr");
  return m;
}

Measurement thick_slice_measurement(const Volume& thick, int64_t factor) {
  if (thick.data().is_complex()) throw InvalidArgument("thick_slice_measurement: expected a real volume");
  if (factor < 1 || factor > 64)
    throw InvalidArgument("thick_slice_measurement: the slice factor must be in [1, 64], got " +
                          std::to_string(factor));
  Geometry thin = thick.geometry();
  thin.spacing[2] = thick.geometry().spacing[2] / double(factor);
  // Thick slice 0's centre is the mean of thin slices 0 … f − 1: step back (f − 1)/2 thin spacings.
  const double back = -(double(factor) - 1) / 2;
  const auto first = thin.index_to_physical({0, 0, back});
  for (int i = 0; i < 3; ++i) thin.origin[i] = first[i];
  Measurement m;
  m.modality = Modality::kZsr;
  m.data = thick.data().to(torch::kCPU, torch::kFloat).contiguous();
  m.parameters["slice_factor"] = static_cast<double>(factor);
  m.volume_size = {thick.nx(), thick.ny(), thick.nz() * factor};
  m.geometry = thin;
  validate(m, "thick_slice_measurement");
  return m;
}

}  // namespace diffrecon
