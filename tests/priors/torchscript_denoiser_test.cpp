#include "priors/torchscript_denoiser.h"

#include <gtest/gtest.h>
#include <torch/script.h>

#include <cmath>
#include <fstream>

#include "core/error.h"
#include "testing/scratch_directory.h"

namespace diffrecon {
namespace {

// Fixtures written by tests/priors/data/make_torchscript.py with Debian's python3-torch.
const std::string kData = DIFFRECON_TEST_DATA_DIR;

TEST(TorchScriptDenoiser, MatchesWhatPyTorchComputed) {
  const TorchScriptDenoiser denoiser(kData + "/tiny_eps.pt");
  EXPECT_EQ(denoiser.channels(), 1);
  EXPECT_EQ(denoiser.sidecar().output, TorchScriptSidecar::Output::kEps);
  auto reference = torch::jit::load(kData + "/tiny_eps_reference.pt");
  const auto x = reference.attr("x").toTensor(), t = reference.attr("t").toTensor();
  const auto expected = reference.attr("out").toTensor();
  EXPECT_LT((denoiser.forward(x, t) - expected).abs().max().item<double>(), 1e-6);
}

TEST(TorchScriptDenoiser, ConvertsTheVpEpsModelToTheVeDenoiser) {
  const TorchScriptDenoiser denoiser(kData + "/tiny_eps.pt");
  // At σ with ᾱ = 1/(1 + σ²) equal to the schedule's ᾱ_200, the module runs at t = 200 on √ᾱ x.
  const VpSchedule schedule;
  const double alpha_bar = schedule.alpha_bar(200), sigma = std::sqrt(1 / alpha_bar - 1);
  EXPECT_NEAR(denoiser.vp_step_of(sigma), 200.0, 1e-6);
  EXPECT_EQ(denoiser.vp_step_of(1e-6), 0.0);
  EXPECT_EQ(denoiser.vp_step_of(1e6), 999.0);
  const auto x = torch::randn({2, 1, 8, 8});
  const auto x_t = x * std::sqrt(alpha_bar);
  const auto eps = denoiser.forward(x_t, torch::full({2}, 200.0));
  const auto x0 = (x_t - std::sqrt(1 - alpha_bar) * eps) / std::sqrt(alpha_bar);
  EXPECT_LT((denoiser.denoise(x, torch::full({2}, sigma)) - x0).abs().max().item<double>(), 1e-4);
}

using TorchScriptSidecarFile = testing::ScratchDirectoryTest;

TEST_F(TorchScriptSidecarFile, ParsesEveryKeyAndRejectsNonsense) {
  std::ofstream(path("ok.ini")) << "# comment\noutput = score\nschedule = ve\nchannels = 2\nsize_multiple = 8\n"
                                   "image_size = 256\nplane = coronal\nintensity_percentile = 99\n";
  const auto s = read_torchscript_sidecar(path("ok.ini"));
  EXPECT_EQ(s.output, TorchScriptSidecar::Output::kScore);
  EXPECT_EQ(s.schedule, TorchScriptSidecar::Schedule::kVe);
  EXPECT_EQ(s.channels, 2);
  EXPECT_EQ(s.size_multiple, 8);
  EXPECT_EQ(s.image_size, 256);
  EXPECT_EQ(s.plane, SlicePlane::kCoronal);
  EXPECT_EQ(s.intensity_percentile, 99);
  for (const std::string bad : {"output = velocity\n", "colour = red\n", "channels = 3\n", "steps = 1.5\n",
                                "just words\n", "plane = oblique\n"}) {
    std::ofstream(path("bad.ini")) << bad;
    EXPECT_THROW(read_torchscript_sidecar(path("bad.ini")), IoError) << bad;
  }
  EXPECT_THROW(read_torchscript_sidecar(path("none.ini")), IoError);
  std::ofstream(path("module.pt")) << "not a zip";
  EXPECT_FALSE(is_torchscript_file(path("module.pt")));
  EXPECT_TRUE(is_torchscript_file(kData + "/tiny_eps.pt"));
  EXPECT_THROW(TorchScriptDenoiser(path("module.pt"), s), IoError);
}

}  // namespace
}  // namespace diffrecon
