// Denoising acceptance of a prior (priors issue): the held-out Colin27 test slab plus Gaussian noise of
// standard deviation σ, denoised slice by slice with the prior, against the best Gaussian smoothing
// (its width chosen with the ground truth: an oracle, so the comparison favours the baseline).
//
//   diffrecon_denoise_benchmark PRIOR.h5 [SIGMA...]     one line per σ (default 0.05 0.1 0.2)

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/functional/conv.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/memory.h"
#include "core/metrics.h"
#include "core/threading.h"
#include "data/io/colin27.h"
#include "data/io/prior_file.h"
#include "priors/slice_prior.h"

namespace diffrecon {
namespace {

// Separable Gaussian of standard deviation `width` voxels along the in-plane axes (and z when `in_3d`),
// zero padding, truncated at 3 widths.
torch::Tensor gaussian_smooth(const torch::Tensor& volume, double width, bool in_3d) {
  const int64_t radius = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(3 * width)));
  auto kernel = torch::arange(-radius, radius + 1, torch::kFloat);
  kernel = (-(kernel * kernel) / (2 * width * width)).exp();
  kernel = kernel / kernel.sum();
  namespace F = torch::nn::functional;
  auto x = volume.unsqueeze(0).unsqueeze(0);
  x = F::conv3d(x, kernel.view({1, 1, 1, 1, -1}), F::Conv3dFuncOptions().padding({0, 0, radius}));
  x = F::conv3d(x, kernel.view({1, 1, 1, -1, 1}), F::Conv3dFuncOptions().padding({0, radius, 0}));
  if (in_3d) x = F::conv3d(x, kernel.view({1, 1, -1, 1, 1}), F::Conv3dFuncOptions().padding({radius, 0, 0}));
  return x[0][0];
}

int run(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: diffrecon_denoise_benchmark PRIOR.h5 [SIGMA...]\n";
    return 2;
  }
  retain_freed_memory();
  set_thread_count(0);
  std::vector<double> sigmas;
  for (int i = 2; i < argc; ++i) sigmas.push_back(std::stod(argv[i]));
  if (sigmas.empty()) sigmas = {0.05, 0.1, 0.2};
  const PriorModel model = read_prior(argv[1]);
  SlicePriorOptions options;
  options.plane = model.plane;
  options.image_size = model.image_size;
  const SlicePrior prior(std::shared_ptr<const Denoiser>(make_denoiser(model)), options);
  const auto truth = colin27(Colin27Part::kTest).data().to(torch::kFloat);
  std::printf("prior %s (%s, %lld steps), test slab %lldx%lldx%lld\n", argv[1], to_string(model.plane),
              static_cast<long long>(model.training_steps), static_cast<long long>(truth.size(2)),
              static_cast<long long>(truth.size(1)), static_cast<long long>(truth.size(0)));
  std::printf("sigma\tnoisy_dB\tprior_dB\tgain_dB\tbest_gaussian_dB\twidth\tover_gaussian_dB\tprior_s\n");
  for (const double sigma : sigmas) {
    at::Generator generator = at::detail::createCPUGenerator(1234);
    const auto noisy = truth + sigma * torch::randn(truth.sizes(), generator, torch::dtype(torch::kFloat));
    const auto start = std::chrono::steady_clock::now();
    const auto denoised = prior.denoise(noisy, sigma);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double best = -1e9, best_width = 0;
    bool best_3d = false;
    for (const bool in_3d : {false, true})
      for (double width = 0.3; width <= 3.0001; width += 0.1) {
        const double value = psnr(truth, gaussian_smooth(noisy, width, in_3d));
        if (value > best) best = value, best_width = width, best_3d = in_3d;
      }
    const double noisy_db = psnr(truth, noisy), prior_db = psnr(truth, denoised);
    std::printf("%.3g\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f %s\t%.2f\t%.1f\n", sigma, noisy_db, prior_db, prior_db - noisy_db,
                best, best_width, best_3d ? "3D" : "2D", prior_db - best, seconds);
  }
  return 0;
}

}  // namespace
}  // namespace diffrecon

int main(int argc, char** argv) {
  try {
    return diffrecon::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "diffrecon_denoise_benchmark: " << e.what() << "\n";
    return 1;
  }
}
