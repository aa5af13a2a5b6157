// Parallel-beam projector throughput and the FBP export for the comparison with scikit-image
// (bench/ct/run.sh drives both and prints the table).
//
//   diffrecon_ct_benchmark throughput SIZE VIEWS [SLICES]   one TSV line: forward and back projection
//   diffrecon_ct_benchmark fbp-export DIR [VIEWS]            Colin27 127³: truth.nii, sinogram.h5, fbp.nii

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "bench/timing.h"
#include "core/error.h"
#include "core/memory.h"
#include "core/threading.h"
#include "data/io/colin27.h"
#include "data/io/measurement_file.h"
#include "data/io/volume_io.h"
#include "operators/ct/fbp.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"

namespace diffrecon {
namespace {

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// size views slices forward_s back_s forward_updates_per_s back_updates_per_s peak_rss_mib
int throughput(int64_t n, int views, int64_t slices) {
  ParallelBeamGeometry g;
  g.angles = sparse_view_angles(views);
  g.nz = slices, g.ny = n, g.nx = n;
  g.detector_count = static_cast<int64_t>(std::ceil(std::sqrt(2.0) * n)) | 1;
  const auto projector = parallel_beam_projector(g);
  torch::manual_seed(0);
  const auto volume = torch::rand({slices, n, n});
  const auto sinogram = projector->apply(volume);
  const int repeats = n * n * slices * views > 200'000'000 ? 1 : 3;
  const double forward = bench::median_seconds([&] { projector->apply(volume); }, repeats);
  const double back = bench::median_seconds([&] { projector->adjoint(sinogram); }, repeats);
  const double updates = static_cast<double>(slices) * n * n * views;
  std::printf("%lld\t%d\t%lld\t%.4f\t%.4f\t%.4g\t%.4g\t%.0f\n", static_cast<long long>(n), views,
              static_cast<long long>(slices), forward, back, updates / forward, updates / back, peak_rss_mib());
  return 0;
}

int fbp_export(const std::string& dir, int views) {
  // The 128³ cube less its last (zero-padding) index in each axis: with an odd size the slice centre is
  // a pixel centre in both skimage's convention (n // 2) and ours ((n − 1) / 2).
  const Volume prepared = colin27(Colin27Part::kWhole);
  const auto cube = prepared.data().narrow(0, 0, 127).narrow(1, 0, 127).narrow(2, 0, 127).contiguous();
  const Volume truth(cube * 0.02, prepared.geometry());  // μ in 1/mm
  CtScan scan;
  scan.angles = sparse_view_angles(views);
  // skimage's radon/iradon: bins of one pixel, an odd count centred on the middle bin.
  scan.detector_spacing = truth.geometry().spacing[0];
  scan.detector_count = static_cast<int64_t>(std::ceil(std::sqrt(2.0) * truth.nx())) | 1;
  const Measurement m = simulate_ct(truth, scan, NoiseModel{}, 0);
  write_volume(truth, dir + "/truth.nii");
  write_measurement(m, dir + "/sinogram.h5");
  const auto g = parallel_beam_geometry(m);
  const auto start = std::chrono::steady_clock::now();
  const auto fbp = filtered_back_projection(m.data, g);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_volume(Volume(fbp, m.geometry), dir + "/fbp.nii");
  std::printf("fbp_seconds\t%.3f\n", seconds);
  return 0;
}

}  // namespace
}  // namespace diffrecon

int main(int argc, char** argv) {
  using namespace diffrecon;
  retain_freed_memory();
  set_thread_count(0);
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.size() >= 3 && args[0] == "throughput")
      return throughput(std::stoll(args[1]), std::stoi(args[2]), args.size() > 3 ? std::stoll(args[3]) : std::stoll(args[1]));
    if (args.size() >= 2 && args[0] == "fbp-export") return fbp_export(args[1], args.size() > 2 ? std::stoi(args[2]) : 180);
  } catch (const std::exception& e) {
    std::cerr << "diffrecon_ct_benchmark: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: diffrecon_ct_benchmark throughput SIZE VIEWS [SLICES] | fbp-export DIR [VIEWS]\n";
  return 2;
}
