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

}  // namespace diffrecon
