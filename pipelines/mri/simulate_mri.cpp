#include "pipelines/mri/simulate_mri.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "core/error.h"
#include "operators/mri/sense.h"
#include "pipelines/mri/coil_maps.h"

namespace diffrecon {
namespace {

torch::Tensor mask_for(const MriScan& scan, int64_t rows, int64_t cols, uint64_t seed) {
  MaskOptions options = scan.mask;
  options.seed = seed;
  return is_line_mask(options.kind) ? line_mask(options, rows).view({rows, 1}) : point_mask(options, rows, cols);
}

}  // namespace

torch::Tensor scan_mask(const MriScan& scan, int64_t nz, int64_t ny, int64_t nx, uint64_t seed) {
  if (scan.fft_dims == 3) {
    if (is_line_mask(scan.mask.kind)) return mask_for(scan, ny, 1, seed).view({1, ny, 1});
    return point_mask(MaskOptions{scan.mask.kind, scan.mask.acceleration, scan.mask.center_fraction, seed}, nz, ny)
        .view({nz, ny, 1});
  }
  if (scan.fft_dims != 2) throw InvalidArgument("MRI scan: fft_dims must be 2 or 3");
  if (!scan.vary_mask) return mask_for(scan, ny, nx, seed);
  std::vector<torch::Tensor> slices;
  for (int64_t z = 0; z < nz; ++z) slices.push_back(mask_for(scan, ny, nx, seed + static_cast<uint64_t>(z)));
  return torch::stack(slices);
}

Measurement simulate_mri(const Volume& volume, const MriScan& scan, const NoiseModel& noise, uint64_t seed) {
  if (scan.coils < 1 || scan.coils > 128) throw InvalidArgument("simulate_mri: the coil count must be in [1, 128]");
  const int64_t nz = volume.nz(), ny = volume.ny(), nx = volume.nx();
  const auto device = volume.data().device();
  const auto maps = birdcage_coil_maps(scan.coils, nz, ny, nx).to(device);
  const auto mask = scan_mask(scan, nz, ny, nx, seed);
  const auto image = volume.data().to(torch::kComplexFloat);
  auto data = sense_operator(maps, mask, scan.fft_dims)->apply(image);
  if (noise.kind == "gaussian") {
    if (!(noise.sigma > 0) || !std::isfinite(noise.sigma)) throw InvalidArgument("simulate_mri: sigma must be > 0");
    auto generator = at::detail::createCPUGenerator(seed + 0x9e3779b97f4a7c15ULL);
    const auto real = at::randn(data.sizes(), generator, torch::kFloat), imaginary = at::randn(data.sizes(), generator, torch::kFloat);
    // Noise only where k-space was measured.
    data = data + noise.sigma * torch::complex(real, imaginary).to(device) * mask.to(device);
  } else if (noise.kind != "none") {
    throw InvalidArgument("simulate_mri: noise must be none or gaussian, got '" + noise.kind + "'");
  }
  Measurement m;
  m.modality = Modality::kMri;
  m.data = data.to(torch::kCPU).contiguous();
  m.arrays["mask"] = mask.contiguous();
  m.arrays["coil_maps"] = maps.to(torch::kCPU);
  m.parameters["fft_dims"] = scan.fft_dims;
  m.parameters["acceleration"] = achieved_acceleration(mask.expand({nz, ny, nx}));
  m.parameters["coils"] = static_cast<double>(scan.coils);
  m.volume_size = {nx, ny, nz};
  m.geometry = volume.geometry();
  m.noise = noise;
  m.provenance.seed = seed;
  validate(m, "simulate_mri");
  return m;
}

}  // namespace diffrecon
