// MRI operators' speed and the comparison with BART (bench/mri/run.sh drives it and prints the table).
//
//   diffrecon_mri_benchmark throughput C Z Y X DIMS   one TSV line: centred FFT against a bare FFTW plan
//                                                     of the same transforms, and the SENSE operator
//   diffrecon_mri_benchmark export DIR SLICES R       Colin27 test slab (central SLICES), 8 coils,
//                                                     Poisson disc ×R: DIR/kspace.{cfl,hdr} (3D k-space
//                                                     for BART), DIR/maps.{cfl,hdr}, DIR/truth.nii; prints
//                                                     the intensity scale for BART's -w
//   diffrecon_mri_benchmark reconstruct SLICES R METHOD [NAME=VALUE ...]
//                                                     a registered method on that problem (TSV: seconds,
//                                                     PSNR, SSIM, iterations)
//   diffrecon_mri_benchmark score DIR NAME            PSNR and SSIM of BART's DIR/NAME.cfl against
//                                                     DIR/truth.nii

#include <fftw3.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "bench/timing.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/memory.h"
#include "core/metrics.h"
#include "core/threading.h"
#include "data/io/cfl_file.h"
#include "data/io/colin27.h"
#include "data/io/volume_io.h"
#include "operators/mri/centred_fft.h"
#include "operators/mri/sense.h"
#include "pipelines/intensity_scale.h"
#include "pipelines/mri/classical_mri.h"
#include "pipelines/mri/mri_problem.h"
#include "pipelines/mri/simulate_mri.h"
#include "pipelines/reconstruction_methods.h"

namespace diffrecon {
namespace {

// Median of 5 timed calls after a warm-up, in milliseconds.
template <typename F>
double median_ms(const F& f) {
  return 1e3 * bench::median_seconds(f, 5);
}

// coils z y x dims | fft_ms bare_fftw_ms ratio | sense_apply_ms sense_adjoint_ms sense_normal_ms
int throughput(const std::vector<int64_t>& shape, int dims) {
  const auto k = torch::randn(shape, torch::kComplexFloat);
  auto out = torch::empty_like(k);
  std::vector<int> n;
  int64_t count = 1;
  for (int d = dims; d >= 1; --d) {
    n.push_back(static_cast<int>(shape[shape.size() - d]));
    count *= shape[shape.size() - d];
  }
  fftwf_init_threads();
  fftwf_plan_with_nthreads(thread_count());
  const auto plan = fftwf_plan_many_dft(dims, n.data(), static_cast<int>(k.numel() / count),
                                        reinterpret_cast<fftwf_complex*>(k.data_ptr()), nullptr, 1, static_cast<int>(count),
                                        reinterpret_cast<fftwf_complex*>(out.data_ptr()), nullptr, 1,
                                        static_cast<int>(count), FFTW_FORWARD, FFTW_ESTIMATE);
  const double bare = median_ms([&] { fftwf_execute(plan); });
  const double ours = median_ms([&] { centred_fft(k, dims); });
  const auto maps = torch::randn(shape, torch::kComplexFloat);
  const auto mask = (torch::rand({shape[2], shape[3]}) > 0.75).to(torch::kFloat);
  const auto a = sense_operator(maps, mask, dims);
  const auto x = torch::randn({shape[1], shape[2], shape[3]}, torch::kComplexFloat);
  const auto y = a->apply(x);
  const double apply = median_ms([&] { a->apply(x); }), adjoint = median_ms([&] { a->adjoint(y); });
  const double normal = median_ms([&] { a->normal(x); });
  std::printf("%lld\t%lld\t%lld\t%lld\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\n", static_cast<long long>(shape[0]),
              static_cast<long long>(shape[1]), static_cast<long long>(shape[2]), static_cast<long long>(shape[3]), dims,
              ours, bare, ours / bare, apply, adjoint, normal);
  return 0;
}

// The benchmark's measurement: the central `slices` of the Colin27 test slab, 8 birdcage coils, 2D
// Poisson disc ×R, noiseless, seed 1.
struct Problem {
  Volume truth;
  Measurement m;
};

Problem problem(int64_t slices, double acceleration) {
  Volume truth = central_slices(colin27(Colin27Part::kTest), slices);
  MriScan scan;
  scan.mask.kind = MaskKind::kPoisson2d;
  scan.mask.acceleration = acceleration;
  Measurement m = simulate_mri(truth, scan, NoiseModel{}, 1);
  return {std::move(truth), std::move(m)};
}

// DIR/truth.nii, DIR/kspace and DIR/maps for BART; prints the intensity scale c of the zero-filled image
// (pipelines/intensity_scale.h), which BART gets as -w c so that its λ means ours.
int export_problem(const std::string& dir, int64_t slices, double acceleration) {
  const auto [truth, m] = problem(slices, acceleration);
  write_volume(truth, dir + "/truth.nii");
  // pics models k-space as the 3D DFT over (x, y, z): a centred DFT along z of the slice-wise k-space
  // makes the multi-slice data exactly that (the mask is the same for every slice).
  write_cfl(dir + "/kspace", centred_fft(m.data.permute({0, 2, 3, 1}), 1).permute({0, 3, 1, 2}));
  write_cfl(dir + "/maps", coil_maps_of(m, torch::kCPU));
  std::printf("%.9g\n", intensity_scale(zero_filled_reconstruction(m, {}, torch::kCPU).data()));
  return 0;
}

// One diffrecon method from the registry with settings NAME=VALUE (seed=N: the request's seed); TSV: seconds
// PSNR SSIM iterations (from the method's log line "… N <solver> iterations …", "-" when it has none).
int reconstruct_problem(int64_t slices, double acceleration, const std::string& method,
                        const std::vector<std::string>& settings) {
  const auto [truth, m] = problem(slices, acceleration);
  ReconstructionRequest request;
  request.measurement = &m;
  for (const auto& setting : settings) {
    const auto equals = setting.find('=');
    if (equals == std::string::npos) throw InvalidArgument("expected NAME=VALUE, found '" + setting + "'");
    if (setting.compare(0, equals, "seed") == 0)
      request.seed = std::stoull(setting.substr(equals + 1));
    else
      request.settings[setting.substr(0, equals)] = setting.substr(equals + 1);
  }
  std::ostringstream log;
  set_log_stream(&log);
  const auto start = std::chrono::steady_clock::now();
  const Volume x = reconstruct(request, method);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  set_log_stream(nullptr);
  std::cerr << log.str();
  const std::regex count("([0-9]+) [A-Za-z-]+ iterations");
  std::smatch match;
  const std::string text = log.str();
  const std::string iterations = std::regex_search(text, match, count) ? match[1].str() : "-";
  std::printf("%.2f\t%.2f\t%.4f\t%s\n", seconds, psnr(truth.data(), x.data()),
              ssim_3d(truth.data(), x.data()), iterations.c_str());
  return 0;
}

// BART's image DIR/NAME.cfl [Z, Y, X] (BART dims x, y, z), magnitude, against DIR/truth.nii: PSNR SSIM.
int score(const std::string& dir, const std::string& name) {
  const auto truth = read_volume(dir + "/truth.nii").data();
  const auto image = read_cfl(dir + "/" + name, 3).abs();
  std::printf("%.2f\t%.4f\n", psnr(truth, image), ssim_3d(truth, image));
  return 0;
}

}  // namespace
}  // namespace diffrecon

int main(int argc, char** argv) {
  using namespace diffrecon;
  retain_freed_memory();
  set_thread_count(0);
  const std::vector<std::string> a(argv + 1, argv + argc);
  try {
    if (a.size() == 6 && a[0] == "throughput")
      return throughput({std::stoll(a[1]), std::stoll(a[2]), std::stoll(a[3]), std::stoll(a[4])}, std::stoi(a[5]));
    if (a.size() == 4 && a[0] == "export") return export_problem(a[1], std::stoll(a[2]), std::stod(a[3]));
    if (a.size() >= 4 && a[0] == "reconstruct")
      return reconstruct_problem(std::stoll(a[1]), std::stod(a[2]), a[3], {a.begin() + 4, a.end()});
    if (a.size() == 3 && a[0] == "score") return score(a[1], a[2]);
  } catch (const std::exception& e) {
    std::cerr << "diffrecon_mri_benchmark: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: diffrecon_mri_benchmark throughput C Z Y X DIMS | export DIR SLICES R | reconstruct "
               "SLICES R METHOD [NAME=VALUE ...] | score DIR NAME\n";
  return 2;
}
