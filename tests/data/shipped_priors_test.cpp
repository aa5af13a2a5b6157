#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "core/metrics.h"
#include "data/io/colin27.h"
#include "data/io/prior_file.h"
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

}  // namespace
}  // namespace diffrecon
