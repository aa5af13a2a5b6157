// The CUDA issue's speed and memory figures on one device, as one Markdown table (scripts/gpu_check.sh
// runs it after the GPU tests):
//   - the parallel-beam projector's forward and back projection in GUPS (10⁹ voxel × view updates per
//     second) at N³ and 512²×256 with 8 and 180 views;
//   - DDS (50 steps, official defaults) on N³ 8-view CT and on N³ ×8 Poisson-disc 8-coil MRI: wall,
//     network and non-network time, NFE, device memory;
//   - DiffusionMBIR's cost per step on N³ 8-view CT and the official 2000 steps extrapolated;
//   - DDS on a 512×512×256 8-view CT volume, which must fit the device's memory.
//
//   diffrecon_gpu_benchmark [--device cuda|cpu] [--size N] [--large Z,Y,X] [--steps S] [--mbir-steps M]
//                           [--repeats R] [--quick]
//
// The network is a UNet of the shipped priors' architecture (UNetConfig's defaults, models/*.h5) with
// freshly initialised, perturbed weights: this benchmark builds without the HDF5 and ITK readers (so it
// runs where only LibTorch is), and time and memory do not depend on the weights' values. Slices are
// N × N: the 128² model runs on them unchanged (it is fully convolutional), as "upsampled to 256".
// Volumes are the 3D Shepp–Logan head. --quick shrinks every case for a smoke test on a CPU.

#include <torch/cuda.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bench/timing.h"
#include "core/device.h"
#include "core/memory.h"
#include "core/stopwatch.h"
#include "core/threading.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "operators/ct/parallel_beam.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/dds_reconstruction.h"
#include "pipelines/diffusion_mbir.h"
#include "pipelines/mri/simulate_mri.h"
#include "priors/edm_denoiser.h"

namespace diffrecon {
namespace {

constexpr double kWaterAttenuation = 0.02;  // 1/mm
constexpr double kFieldOfViewMm = 200;

struct Options {
  torch::Device device = cuda_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  int64_t size = 256;
  std::vector<int64_t> large{256, 512, 512};
  int steps = 50;
  int mbir_steps = 20;
  int repeats = 5;
};

void synchronize(torch::Device device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

// Memory a computation takes on the device: what the driver reports in use after it less what was in
// use before it, with the caching allocator's spare blocks released before (the allocator keeps what
// it reserved at the computation's peak, so the difference after is that peak). On the CPU: the peak
// resident size (VmHWM) since the start.
class MemoryMeter {
 public:
  explicit MemoryMeter(torch::Device device) : device_(device) {
    release_cached_device_memory();
    release_freed_memory();
    reset_peak_resident_memory();
    if (const auto m = device_memory(device_)) baseline_ = m->total - m->free;
  }
  std::string peak() const {
    std::ostringstream out;
    if (const auto m = device_memory(device_)) {
      out.precision(2);
      out << std::fixed << double(m->total - m->free - baseline_) / (1 << 30) << " GiB (device)";
    } else {
      out << format("%.2f", peak_resident_memory_mib() / 1024) << " GiB (process peak)";
    }
    return out.str();
  }

 private:
  torch::Device device_;
  int64_t baseline_ = 0;
};

Volume phantom(int64_t nz, int64_t ny, int64_t nx) {
  Geometry geometry;
  geometry.spacing = {kFieldOfViewMm / double(nx), kFieldOfViewMm / double(ny), kFieldOfViewMm / double(nx)};
  return Volume(shepp_logan_3d(nz, ny, nx) * float(kWaterAttenuation), geometry);
}

std::string shape_text(int64_t nz, int64_t ny, int64_t nx) {
  return std::to_string(nx) + "×" + std::to_string(ny) + "×" + std::to_string(nz);
}

// The shipped priors' network with weights perturbed away from the untrained zero output layer.
SlicePrior shipped_architecture_prior(torch::Device device) {
  torch::manual_seed(1);
  auto denoiser = std::make_shared<EdmDenoiser>(UNet(UNetConfig{}), 0.5);
  {
    torch::NoGradGuard no_grad;
    for (auto& [name, parameter] : denoiser->network().named_parameters())
      parameter.add_(torch::randn_like(parameter) * 0.01);
  }
  denoiser->to(device);
  SlicePriorOptions options;
  options.image_size = 128;
  return SlicePrior(denoiser, options);
}

void projector_rows(const Options& o) {
  std::cout << "\n### Parallel-beam projector\n\n| volume | views | forward s | GUPS | back s | GUPS "
               "|\n|---|---|---|---|---|---|\n";
  const std::vector<std::vector<int64_t>> shapes{{o.size, o.size, o.size}, o.large};
  for (const auto& shape : shapes) {
    for (const int views : {8, 180}) {
      ParallelBeamGeometry g;
      g.angles = sparse_view_angles(views);
      g.nz = shape[0];
      g.ny = shape[1];
      g.nx = shape[2];
      g.detector_count = static_cast<int64_t>(std::ceil(std::sqrt(2.0) * double(std::max(g.ny, g.nx))));
      const auto projector = parallel_beam_projector(g);
      const auto x = torch::rand({g.nz, g.ny, g.nx}).to(o.device);
      const auto y = torch::rand({g.nz, views, g.detector_count}).to(o.device);
      const double forward = bench::median_seconds(
          [&] {
            projector->apply(x);
            synchronize(o.device);
          },
          o.repeats);
      const double back = bench::median_seconds(
          [&] {
            projector->adjoint(y);
            synchronize(o.device);
          },
          o.repeats);
      const double updates = double(g.nz * g.ny * g.nx) * views / 1e9;
      std::cout << "| " << shape_text(g.nz, g.ny, g.nx) << " | " << views << " | " << format("%.4f", forward)
                << " | " << format("%.1f", updates / forward) << " | " << format("%.4f", back) << " | "
                << format("%.1f", updates / back) << " |\n";
    }
  }
}

struct PipelineRow {
  PipelineRow(std::string name, std::string volume) : name(std::move(name)), volume(std::move(volume)) {}
  std::string name;
  std::string volume;
  SamplerReport report;
  std::string memory;
  std::string note;
};

void print_pipeline_rows(const std::vector<PipelineRow>& rows) {
  std::cout << "\n### Pipelines\n\n| run | volume | wall s | network s | non-network s | non-network % | NFE "
               "| memory | note |\n"
            << "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    const double other = r.report.total_seconds - r.report.network_seconds;
    std::cout << "| " << r.name << " | " << r.volume << " | " << format("%.1f", r.report.total_seconds)
              << " | " << format("%.1f", r.report.network_seconds) << " | " << format("%.1f", other) << " | "
              << format("%.1f", 100 * other / r.report.total_seconds) << " | " << r.report.network_evaluations
              << " | " << r.memory << " | " << r.note << " |\n";
  }
}

Measurement eight_view_ct(const std::vector<int64_t>& shape) {
  CtScan scan;
  scan.angles = sparse_view_angles(8);
  return simulate_ct(phantom(shape[0], shape[1], shape[2]), scan, {}, 1);
}

Measurement poisson_x8_mri(const std::vector<int64_t>& shape) {
  MriScan scan;
  scan.coils = 8;
  scan.mask.kind = MaskKind::kPoisson2d;
  scan.mask.acceleration = 8;
  return simulate_mri(phantom(shape[0], shape[1], shape[2]), scan, {}, 1);
}

// Times `sample(problem, prior, report)` on the device with the memory it takes.
PipelineRow timed_run(
    const Options& o, const std::string& name, const std::vector<int64_t>& shape,
    const std::function<DiffusionProblem()>& make_problem,
    const std::function<void(const DiffusionProblem&, const SlicePrior&, SamplerReport*)>& sample) {
  const SlicePrior prior = shipped_architecture_prior(o.device);
  const MemoryMeter meter(o.device);
  PipelineRow row(name, shape_text(shape[0], shape[1], shape[2]));
  const DiffusionProblem problem = make_problem();
  sample(problem, prior, &row.report);
  synchronize(o.device);
  row.memory = meter.peak();
  return row;
}

PipelineRow dds_ct(const Options& o, const std::vector<int64_t>& shape) {
  const Measurement m = eight_view_ct(shape);
  DdsConfig config = dds_defaults(Modality::kCt);
  config.steps = o.steps;
  return timed_run(
      o, "DDS " + std::to_string(o.steps) + " steps, 8-view CT", shape,
      [&] { return ct_diffusion_problem(m, o.device, kWaterAttenuation); },
      [&](const DiffusionProblem& p, const SlicePrior& prior, SamplerReport* report) {
        dds_reconstruction(p, prior, config, o.device, 1, report);
      });
}

PipelineRow dds_mri(const Options& o, const std::vector<int64_t>& shape) {
  const Measurement m = poisson_x8_mri(shape);
  DdsConfig config = dds_defaults(Modality::kMri);
  config.steps = o.steps;
  return timed_run(
      o, "DDS " + std::to_string(o.steps) + " steps, ×8 8-coil MRI", shape,
      [&] { return mri_diffusion_problem(m, o.device, false, CoilMapSource::kAuto, 0); },
      [&](const DiffusionProblem& p, const SlicePrior& prior, SamplerReport* report) {
        dds_reconstruction(p, prior, config, o.device, 1, report);
      });
}

PipelineRow diffusion_mbir_ct(const Options& o, const std::vector<int64_t>& shape) {
  const Measurement m = eight_view_ct(shape);
  DiffusionMbirConfig config = diffusion_mbir_defaults(Modality::kCt);
  config.steps = o.mbir_steps;
  PipelineRow row = timed_run(
      o, "DiffusionMBIR " + std::to_string(o.mbir_steps) + " steps, 8-view CT", shape,
      [&] { return ct_diffusion_problem(m, o.device, kWaterAttenuation); },
      [&](const DiffusionProblem& p, const SlicePrior& prior, SamplerReport* report) {
        diffusion_mbir_reconstruction(p, prior, config, o.device, 1, report);
      });
  const double per_step = row.report.total_seconds / o.mbir_steps;
  row.note = format("%.3f s/step; 2000 steps ≈ ", per_step) + format("%.0f s", 2000 * per_step);
  return row;
}

std::vector<int64_t> parse_shape(const std::string& text) {
  std::vector<int64_t> shape;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) shape.push_back(std::stoll(part));
  if (shape.size() != 3) throw std::invalid_argument("--large expects Z,Y,X");
  return shape;
}

int run(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--device")
      o.device = parse_device(value());
    else if (arg == "--size")
      o.size = std::stoll(value());
    else if (arg == "--large")
      o.large = parse_shape(value());
    else if (arg == "--steps")
      o.steps = std::stoi(value());
    else if (arg == "--mbir-steps")
      o.mbir_steps = std::stoi(value());
    else if (arg == "--repeats")
      o.repeats = std::stoi(value());
    else if (arg == "--quick") {
      o.size = 32;
      o.large = {16, 64, 64};
      o.steps = 2;
      o.mbir_steps = 2;
      o.repeats = 1;
    } else {
      std::cerr << "usage: diffrecon_gpu_benchmark [--device cuda|cpu] [--size N] [--large Z,Y,X] [--steps S]"
                   " [--mbir-steps M] [--repeats R] [--quick]\n";
      return 2;
    }
  }
  set_thread_count(hardware_threads());
  retain_freed_memory();
  std::cout << "## diffrecon GPU benchmark on " << o.device << " (" << thread_count() << " CPU threads)\n";
  projector_rows(o);
  std::vector<PipelineRow> rows;
  const std::vector<int64_t> cube{o.size, o.size, o.size};
  const std::vector<std::function<PipelineRow()>> cases{
      [&] { return dds_ct(o, cube); },
      [&] { return dds_mri(o, cube); },
      [&] { return diffusion_mbir_ct(o, cube); },
      [&] { return dds_ct(o, o.large); },
  };
  for (const auto& run_case : cases) {
    // A case that fails (out of memory, say) is reported and the others still run.
    try {
      rows.push_back(run_case());
    } catch (const std::exception& e) {
      rows.emplace_back("failed", "");
      rows.back().note = std::string(e.what()).substr(0, 200);
    }
    std::cerr << "done: " << rows.back().name << "\n";
  }
  print_pipeline_rows(rows);
  return 0;
}

}  // namespace
}  // namespace diffrecon

int main(int argc, char** argv) {
  try {
    return diffrecon::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "diffrecon_gpu_benchmark: " << e.what() << "\n";
    return 1;
  }
}
