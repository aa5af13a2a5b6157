// Parallel-beam projector throughput and the FBP export for the comparison with scikit-image
// (bench/ct/run.sh drives both and prints the table).
//
//   diffrecon_ct_benchmark throughput SIZE VIEWS [SLICES]   one TSV line: forward and back projection
//   diffrecon_ct_benchmark fbp-export DIR [VIEWS]            Colin27 127³: truth.nii, sinogram.h5, fbp.nii
//   diffrecon_ct_benchmark slab-export DIR PART SLICES VIEWS  central slices of a Colin27 part (127²):
//                                                            truth.nii and ours.h5 (our projector, noiseless)
//   diffrecon_ct_benchmark fov-export DIR                    a phantom reaching outside the inscribed circle,
//                                                            8 × 127², and its exact line integrals on a
//                                                            127-bin detector (the circle), 180 views:
//                                                            fov_truth.nii, fov_analytic.h5

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
#include "data/phantoms/analytic_projection.h"
#include "data/phantoms/ellipsoid_phantom.h"
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

// The central `slices` of a Colin27 part, cropped to 127² as in fbp_export, μ in 1/mm.
int slab_export(const std::string& dir, const std::string& part, int64_t slices, int views) {
  const Volume prepared = colin27(parse_colin27_part(part));
  if (slices < 1 || slices > prepared.nz()) throw InvalidArgument("slab-export: SLICES must be in [1, part depth]");
  const int64_t first = (prepared.nz() - slices) / 2;
  Geometry geometry = prepared.geometry();
  for (int axis = 0; axis < 3; ++axis)
    geometry.origin[axis] += first * geometry.spacing[2] * geometry.direction[axis * 3 + 2];
  const auto slab = prepared.data().narrow(0, first, slices).narrow(1, 0, 127).narrow(2, 0, 127).contiguous();
  const Volume truth(slab * 0.02, geometry);
  CtScan scan;
  scan.angles = sparse_view_angles(views);
  scan.detector_spacing = truth.geometry().spacing[0];
  scan.detector_count = static_cast<int64_t>(std::ceil(std::sqrt(2.0) * truth.nx())) | 1;
  write_volume(truth, dir + "/truth.nii");
  write_measurement(simulate_ct(truth, scan, NoiseModel{}, 0), dir + "/ours.h5");
  return 0;
}

// No projector's inverse crime: exact projections of ellipses (data/phantoms/analytic_projection.h). The
// modified Shepp–Logan head inside a body ellipse whose tips (radius 1.05, the image's half-width being 1)
// lie outside the circle the detector covers; 1 mm pixels.
int fov_export(const std::string& dir) {
  const int64_t n = 127, slices = 8;
  auto ellipsoids = shepp_logan_ellipsoids();
  ellipsoids.push_back({0.2, 1.05, 0.6, 2.0, 0.0, 0.0, 0.0, M_PI / 4});
  const auto phantom = rasterize_ellipsoids(ellipsoids, slices, n, n);
  Geometry geometry;
  geometry.spacing = {1.0, 1.0, 1.0};
  const Volume truth(phantom * 0.02, geometry);
  CtScan scan;
  scan.angles = sparse_view_angles(180);
  scan.detector_spacing = 1.0;
  scan.detector_count = n;
  Measurement m = simulate_ct(truth, scan, NoiseModel{}, 0);
  std::vector<double> positions;
  for (int64_t u = 0; u < n; ++u) positions.push_back(static_cast<double>(u - n / 2));
  m.data = (analytic_parallel_projection(ellipsoids, slices, scan.angles, positions, 0.5 * n) * 0.02).to(torch::kFloat);
  write_volume(truth, dir + "/fov_truth.nii");
  write_measurement(m, dir + "/fov_analytic.h5");
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
    if (args.size() == 5 && args[0] == "slab-export")
      return slab_export(args[1], args[2], std::stoll(args[3]), std::stoi(args[4]));
    if (args.size() == 2 && args[0] == "fov-export") return fov_export(args[1]);
    if (args.size() >= 2 && args[0] == "fbp-export") return fbp_export(args[1], args.size() > 2 ? std::stoi(args[2]) : 180);
  } catch (const std::exception& e) {
    std::cerr << "diffrecon_ct_benchmark: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: diffrecon_ct_benchmark throughput SIZE VIEWS [SLICES] | fbp-export DIR [VIEWS] | slab-export DIR "
               "test|training SLICES VIEWS | fov-export DIR\n";
  return 2;
}
