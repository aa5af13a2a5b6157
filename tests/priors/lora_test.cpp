#include "priors/lora.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "priors/tiny_unet.h"

namespace diffrecon {
namespace {

torch::Tensor run(const EdmDenoiser& d, const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  return d.denoise(x, torch::full({x.size(0)}, 0.4));
}

TEST(Lora, ZeroInitialisedUpProjectionLeavesTheOutputUnchanged) {
  torch::manual_seed(0);
  auto denoiser = testing::random_tiny_denoiser();
  const auto x = torch::randn({2, 1, 8, 8});
  const auto before = run(*denoiser, x);
  denoiser->network().add_lora({}, 7);
  EXPECT_TRUE(denoiser->network().has_lora());
  EXPECT_TRUE(torch::equal(run(*denoiser, x), before));
  denoiser->network().train(true);  // dropout on the rank-r features: still zero through up = 0
  EXPECT_TRUE(torch::equal(run(*denoiser, x), before));
  EXPECT_THROW(denoiser->network().add_lora({}, 7), InvalidArgument);
}

TEST(Lora, AdaptsTheFactorsAndBiasesButNotTheEmbeddingBiasesOrWeights) {
  torch::manual_seed(1);
  auto denoiser = testing::random_tiny_denoiser();
  UNet& net = denoiser->network();
  net.add_lora({}, 3);
  const auto adaptable = net.adaptable_parameters();
  const auto contains = [&](const torch::Tensor& t) {
    for (const auto& p : adaptable)
      if (p.is_same(t)) return true;
    return false;
  };
  int64_t biases = 0;
  for (const auto& [name, p] : net.named_parameters()) {
    const bool bias = name.size() > 5 && name.substr(name.size() - 5) == ".bias";
    const bool embedding = name.find(".embed.bias") != std::string::npos;
    EXPECT_EQ(contains(p), bias && !embedding) << name;
    biases += contains(p);
  }
  const int64_t factors = static_cast<int64_t>(adaptable.size()) - biases;
  EXPECT_GT(factors, 0);
  EXPECT_EQ(factors % 2, 0);  // down and up per adapted layer
}

TEST(Lora, MergingFoldsTrainedAdaptersIntoTheWeights) {
  torch::manual_seed(2);
  auto denoiser = testing::random_tiny_denoiser();
  UNet& net = denoiser->network();
  net.add_lora({4, 0.5, 0.1}, 5);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : net.adaptable_parameters()) p.add_(torch::randn_like(p) * 0.05);
  }
  const auto x = torch::randn({3, 1, 8, 8});
  net.train(false);
  const auto adapted = run(*denoiser, x);
  net.merge_lora();
  EXPECT_FALSE(net.has_lora());
  EXPECT_TRUE(torch::allclose(run(*denoiser, x), adapted, 1e-4, 1e-5));
}

TEST(Lora, CloneCopiesTheWeightsDeeply) {
  torch::manual_seed(3);
  auto denoiser = testing::random_tiny_denoiser();
  UNet copy = denoiser->network().clone();
  const auto x = torch::randn({1, 1, 8, 8});
  const EdmDenoiser twin(copy, 0.5);
  EXPECT_TRUE(torch::equal(run(twin, x), run(*denoiser, x)));
  {
    torch::NoGradGuard no_grad;
    for (auto& [name, p] : copy.named_parameters()) p.mul_(1.5);
  }
  EXPECT_FALSE(torch::equal(run(twin, x), run(*denoiser, x)));
  denoiser->network().add_lora({}, 1);
  EXPECT_THROW(denoiser->network().clone(), InvalidArgument);
}

TEST(Lora, RejectsBadOptions) {
  auto denoiser = testing::random_tiny_denoiser();
  EXPECT_THROW(denoiser->network().add_lora({0, 1.0, 0.1}, 0), InvalidArgument);
  EXPECT_THROW(denoiser->network().add_lora({4, 1.0, 1.0}, 0), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
