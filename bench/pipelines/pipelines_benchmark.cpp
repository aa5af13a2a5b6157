// The pipelines issue's table: every method on the held-out Colin27 slab (Debian's mricron-data), for
// 8-view parallel-beam CT and ×8 2D Poisson-disc 8-coil MRI, as a Markdown table: PSNR and SSIM per
// plane (and their mean over the planes), wall time, network time, time outside the network, NFE per
// slice and the peak resident memory of the method.
//
//   diffrecon_pipelines_benchmark ct|mri MODEL.h5 [--slices N] [--mbir-steps N ...] [--seed K]
//
// --mbir-steps lists the DiffusionMBIR runs (default 100; the official 2000 takes hours on a CPU).

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "core/memory.h"
#include "core/metrics.h"
#include "core/stopwatch.h"
#include "core/threading.h"
#include "data/io/colin27.h"
#include "data/io/prior_file.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/mri/simulate_mri.h"
#include "pipelines/reconstruction_methods.h"

namespace diffrecon {
namespace {

constexpr double kWaterAttenuation = 0.02;  // 1/mm, as the demo

// Peak resident memory since the last reset (Linux: VmHWM, reset by writing 5 to clear_refs), in MiB;
// the reset follows release_freed_memory, so that what earlier methods freed does not count.
void reset_peak_memory() { std::ofstream("/proc/self/clear_refs") << "5"; }
double peak_memory_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

struct Run {
  std::string label;
  std::string method;
  MethodSettings settings;
};

int benchmark(const std::string& modality, const std::string& model_path, int64_t slices,
              const std::vector<int>& mbir_steps, uint64_t seed) {
  const bool ct = modality == "ct";
  Volume truth = central_slices(colin27(Colin27Part::kTest), slices);
  Measurement m;
  if (ct) {
    truth = Volume(truth.data() * kWaterAttenuation, truth.geometry());
    CtScan scan;
    scan.angles = sparse_view_angles(8);
    m = simulate_ct(truth, scan, {}, seed);
  } else {
    MriScan scan;
    scan.coils = 8;
    scan.mask.kind = MaskKind::kPoisson2d;
    scan.mask.acceleration = 8;
    m = simulate_mri(truth, scan, {}, seed);
  }
  const PriorModel model = read_prior(model_path);
  SlicePriorOptions options;
  options.plane = model.plane;
  options.image_size = model.image_size;
  auto prior = std::make_shared<SlicePrior>(make_denoiser(model), options);

  std::vector<Run> runs;
  if (ct) {
    runs.push_back({"FBP", "fbp", {}});
  } else {
    runs.push_back({"zero-filled", "zero-filled", {}});
  }
  runs.push_back({"ADMM-TV", "admm-tv", {}});
  runs.push_back({"DDS (50 steps)", "dds", {}});
  for (const int steps : mbir_steps)
    runs.push_back({"DiffusionMBIR (" + std::to_string(steps) + " steps)", "diffusion-mbir", {{"steps", std::to_string(steps)}}});

  std::printf("%s on the held-out Colin27 slab, %lldx%lldx%lld, %d threads\n\n",
              ct ? "8-view parallel-beam CT" : "x8 2D Poisson-disc, 8-coil MRI", static_cast<long long>(truth.nx()),
              static_cast<long long>(truth.ny()), static_cast<long long>(truth.nz()), thread_count());
  std::printf("| method | PSNR axial | coronal | sagittal | mean | SSIM axial | coronal | sagittal | wall [s] | "
              "network [s] | other [s] | NFE | peak memory [MiB] |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& run : runs) {
    ReconstructionRequest request;
    request.measurement = &m;
    request.settings = run.settings;
    request.seed = seed;
    request.prior = prior;
    SamplerReport report;
    release_freed_memory();
    reset_peak_memory();
    const Stopwatch stopwatch;
    const Volume x = reconstruct(request, run.method, &report);
    const double wall = stopwatch.seconds();
    const double peak = peak_memory_mib();
    PlaneMetrics p[3];
    const Plane planes[] = {Plane::kAxial, Plane::kCoronal, Plane::kSagittal};
    for (int k = 0; k < 3; ++k) p[k] = plane_metrics(truth.data(), x.data(), planes[k]);
    std::printf("| %s | %.2f | %.2f | %.2f | **%.2f** | %.3f | %.3f | %.3f | %.1f | %.1f | %.1f | %lld | %.0f |\n",
                run.label.c_str(), p[0].psnr, p[1].psnr, p[2].psnr, (p[0].psnr + p[1].psnr + p[2].psnr) / 3, p[0].ssim,
                p[1].ssim, p[2].ssim, wall, report.network_seconds, wall - report.network_seconds,
                static_cast<long long>(report.network_evaluations), peak);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace
}  // namespace diffrecon

int main(int argc, char** argv) {
  using namespace diffrecon;
  retain_freed_memory();
  set_thread_count(0);
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() < 2 || (a[0] != "ct" && a[0] != "mri")) {
    std::cerr << "usage: diffrecon_pipelines_benchmark ct|mri MODEL.h5 [--slices N] [--mbir-steps N ...] [--seed K]\n";
    return 2;
  }
  try {
    int64_t slices = 0;
    uint64_t seed = 1;
    std::vector<int> mbir_steps;
    bool mbir_given = false;
    for (size_t i = 2; i < a.size(); ++i) {
      if (a[i] == "--slices" && i + 1 < a.size()) {
        slices = std::stoll(a[++i]);
      } else if (a[i] == "--seed" && i + 1 < a.size()) {
        seed = std::stoull(a[++i]);
      } else if (a[i] == "--mbir-steps") {
        mbir_given = true;
        while (i + 1 < a.size() && a[i + 1].rfind("--", 0) != 0) mbir_steps.push_back(std::stoi(a[++i]));
      } else {
        throw std::invalid_argument("unknown argument " + a[i]);
      }
    }
    if (!mbir_given) mbir_steps = {100};
    return benchmark(a[0], a[1], slices, mbir_steps, seed);
  } catch (const std::exception& e) {
    std::cerr << "diffrecon_pipelines_benchmark: " << e.what() << "\n";
    return 1;
  }
}
