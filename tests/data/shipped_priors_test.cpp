#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "core/memory.h"
#include "core/metrics.h"
#include "core/threading.h"
#include "data/io/colin27.h"
#include "data/io/prior_file.h"
#include "pipelines/ct/classical_ct.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/reconstruction_methods.h"
#include "priors/slice_prior.h"

namespace diffrecon {
namespace {

const std::string kModels = DIFFRECON_MODELS_DIR;

TEST(ShippedPriors, LoadWithTheirDescriptionAndStayUnder20MB) {
  struct Expected {
    const char* file;
    SlicePlane plane;
    const char* data;
  };
  for (const Expected& e : {Expected{"colin27_axial.h5", SlicePlane::kAxial, "colin27_training"},
                            Expected{"colin27_coronal.h5", SlicePlane::kCoronal, "colin27_training"},
                            Expected{"ellipses_axial.h5", SlicePlane::kAxial, "ellipse"}}) {
    const std::string path = kModels + "/" + e.file;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    EXPECT_LT(std::filesystem::file_size(path), 20u << 20) << path;
    const PriorModel model = read_prior(path);  // checks the content hash
    EXPECT_EQ(model.plane, e.plane) << path;
    EXPECT_EQ(model.image_size, 128) << path;
    EXPECT_EQ(model.architecture.channels, 1) << path;
    EXPECT_NE(model.training_data.find(e.data), std::string::npos) << path << ": " << model.training_data;
    EXPECT_GT(model.training_steps, 1000) << path;
  }
}

TEST(ShippedPriors, AxialPriorDenoisesHeldOutSlices) {
  // Four slices from the middle of the held-out test slab (never used in training), σ = 0.1.
  const PriorModel model = read_prior(kModels + "/colin27_axial.h5");
  SlicePriorOptions options;
  options.image_size = model.image_size;
  const SlicePrior prior(std::shared_ptr<const Denoiser>(make_denoiser(model)), options);
  const auto slab = colin27(Colin27Part::kTest).data();
  const auto truth = slab.narrow(0, slab.size(0) / 2 - 2, 4).contiguous();
  at::Generator generator = at::detail::createCPUGenerator(2026);
  const auto noisy = truth + 0.1 * torch::randn(truth.sizes(), generator, torch::dtype(torch::kFloat));
  const double gain = psnr(truth, prior.denoise(noisy, 0.1)) - psnr(truth, noisy);
  RecordProperty("gain_db", std::to_string(gain));
  EXPECT_GT(gain, 8.0);
}

// Mean over the axial, coronal and sagittal planes of the slice PSNRs (the pipelines issue's measure).
double mean_plane_psnr(const torch::Tensor& truth, const torch::Tensor& x) {
  double sum = 0;
  for (const Plane plane : {Plane::kAxial, Plane::kCoronal, Plane::kSagittal}) sum += plane_metrics(truth, x, plane).psnr;
  return sum / 3;
}

TEST(ShippedPriors, DdsKeepsItsHeldOutFloorIn8ViewCt) {
  // A regression floor for DDS with the shipped prior, as bench/pipelines measures it: the whole held-out
  // slab as attenuation (0.02/mm for intensity 1), 8 noiseless views, defaults (50 steps, ADMM-TV-z
  // consistency), seed 1: 27.84 dB (mean over the planes), against 15.95 for FBP. The best classical
  // method is better on this slab (primal-dual TV 31.96 dB, README "Classical CT"): the shipped MRI prior
  // does not earn its place on CT, which the priors issue (20) addresses; this test guards DDS itself.
  set_thread_count(0);
  retain_freed_memory();  // as the CLI: without it, glibc maps and unmaps every large activation
  const auto slab = colin27(Colin27Part::kTest);
  const Volume truth(slab.data() * 0.02f, slab.geometry());
  CtScan scan;
  scan.angles = sparse_view_angles(8);
  const Measurement m = simulate_ct(truth, scan, {}, 1);
  const PriorModel model = read_prior(kModels + "/colin27_axial.h5");
  SlicePriorOptions options;
  options.image_size = model.image_size;
  ReconstructionRequest request;
  request.measurement = &m;
  request.seed = 1;
  request.prior = std::make_shared<SlicePrior>(std::shared_ptr<const Denoiser>(make_denoiser(model)), options);
  const double dds = mean_plane_psnr(truth.data(), reconstruct(request, "dds").data());
  const double fbp = mean_plane_psnr(truth.data(), fbp_reconstruction(m, {}, torch::kCPU).data());
  RecordProperty("psnr_dds", std::to_string(dds));
  EXPECT_GT(dds, 27.3) << "DDS " << dds << " dB";
  EXPECT_GT(dds, fbp + 10.0) << "DDS " << dds << " dB, FBP " << fbp << " dB";
}

}  // namespace
}  // namespace diffrecon
