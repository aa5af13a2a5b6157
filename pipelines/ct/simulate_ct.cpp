#include "pipelines/ct/simulate_ct.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "operators/ct/parallel_beam.h"

namespace diffrecon {

torch::Tensor add_ct_noise(const torch::Tensor& line_integrals, const NoiseModel& noise, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  const auto clean = line_integrals.to(torch::kCPU, torch::kDouble);
  torch::Tensor noisy;
  if (noise.kind == "none") {
    noisy = clean;
  } else if (noise.kind == "gaussian") {
    if (!(noise.sigma > 0) || !std::isfinite(noise.sigma))
      throw InvalidArgument("Gaussian noise: sigma must be finite and positive");
    noisy = clean + noise.sigma * at::randn(clean.sizes(), generator, clean.options());
  } else if (noise.kind == "poisson") {
    if (!(noise.photons > 0) || !std::isfinite(noise.photons))
      throw InvalidArgument("Poisson noise: the incident photon count must be finite and positive");
    const auto counts = at::poisson(noise.photons * torch::exp(-clean), generator);
    noisy = -torch::log(torch::clamp_min(counts, 1.0) / noise.photons);
  } else {
    throw InvalidArgument("unknown noise kind '" + noise.kind + "' (expected none, gaussian or poisson)");
  }
  return noisy.to(line_integrals.device(), line_integrals.scalar_type());
}

Measurement simulate_ct(const Volume& volume, const CtScan& scan, const NoiseModel& noise, uint64_t seed) {
  if (volume.data().is_complex()) throw InvalidArgument("simulate_ct: the volume must be real (attenuation in 1/mm)");
  const auto& spacing = volume.geometry().spacing;
  ParallelBeamGeometry g;
  g.angles = scan.angles;
  g.nz = volume.nz(), g.ny = volume.ny(), g.nx = volume.nx();
  g.pixel_spacing_x = spacing[0], g.pixel_spacing_y = spacing[1];
  g.detector_spacing = scan.detector_spacing > 0 ? scan.detector_spacing : std::min(spacing[0], spacing[1]);
  if (scan.detector_count < 0) throw InvalidArgument("simulate_ct: the detector count must be positive");
  g.detector_count = scan.detector_count;
  if (g.detector_count == 0) {
    const double diagonal = std::hypot(g.nx * spacing[0], g.ny * spacing[1]);
    g.detector_count = static_cast<int64_t>(std::ceil(diagonal / g.detector_spacing)) + 1;
  }
  const auto projector = parallel_beam_projector(g);

  Measurement m;
  m.modality = Modality::kCt;
  m.data = add_ct_noise(projector->apply(volume.data().to(torch::kFloat)), noise, seed).to(torch::kCPU);
  m.arrays["angles"] = torch::tensor(g.angles, torch::kDouble);
  m.parameters["detector_spacing_mm"] = g.detector_spacing;
  m.volume_size = {g.nx, g.ny, g.nz};
  m.geometry = volume.geometry();
  m.noise = noise;
  m.provenance.seed = seed;
  validate(m, "simulate_ct");
  return m;
}

}  // namespace diffrecon
