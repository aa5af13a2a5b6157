#include "priors/unet.h"

#include <gtest/gtest.h>

#include <set>

#include "core/error.h"

namespace diffrecon {
namespace {

UNetConfig small_config() {
  UNetConfig c;
  c.base_channels = 8;
  c.channel_multipliers = {1, 2};
  c.residual_blocks = 1;
  c.attention_levels = {1};
  c.groups = 4;
  c.embedding_channels = 16;
  return c;
}

TEST(UNet, IsFullyConvolutionalAndStartsAtZero) {
  torch::manual_seed(0);
  const UNet net(small_config());
  for (const auto& size : std::vector<std::pair<int64_t, int64_t>>{{16, 16}, {24, 10}}) {
    const auto x = torch::randn({3, 1, size.first, size.second});
    const auto y = net.forward(x, torch::full({3}, 0.5));
    EXPECT_EQ(y.sizes(), x.sizes());
    // The last convolution is zero-initialised: an untrained network predicts 0.
    EXPECT_EQ(y.abs().max().item<double>(), 0.0);
  }
}

TEST(UNet, DependsOnTheNoiseLevelAndTrainsEveryParameter) {
  torch::manual_seed(1);
  UNet net(small_config());
  net.train(true);
  const auto x = torch::randn({2, 1, 16, 16});
  // One gradient step on ‖F(x) − x‖² moves the zero output layer; then every parameter gets a gradient.
  for (auto& [name, p] : net.named_parameters()) p.mutable_grad() = torch::Tensor();
  auto loss = (net.forward(x, torch::full({2}, 0.1)) - x).pow(2).mean();
  loss.backward();
  for (auto& [name, p] : net.named_parameters())
    if (name.rfind("output.", 0) == 0) {
      torch::NoGradGuard no_grad;
      p.sub_(0.1 * p.grad());
    }
  for (auto& [name, p] : net.named_parameters()) p.mutable_grad() = torch::Tensor();
  const auto low = net.forward(x, torch::full({2}, -1.0)), high = net.forward(x, torch::full({2}, 1.0));
  EXPECT_GT((low - high).abs().max().item<double>(), 1e-6);
  (high - x).pow(2).mean().backward();
  for (const auto& [name, p] : net.named_parameters()) {
    ASSERT_TRUE(p.grad().defined()) << name;
    EXPECT_GT(p.grad().abs().sum().item<double>(), 0.0) << name;
  }
}

TEST(UNet, NamesEveryParameterOnceAndCountsThem) {
  const UNet net(small_config());
  std::set<std::string> names;
  int64_t count = 0;
  for (const auto& [name, p] : net.named_parameters()) {
    EXPECT_TRUE(names.insert(name).second) << name;
    count += p.numel();
  }
  EXPECT_EQ(count, net.parameter_count());
  EXPECT_TRUE(names.count("input.weight"));
  EXPECT_TRUE(names.count("middle_attention.qkv.weight"));
}

TEST(UNet, RejectsBadConfigurationsAndInputs) {
  auto c = small_config();
  c.groups = 3;  // does not divide 8
  EXPECT_THROW(UNet{c}, InvalidArgument);
  c = small_config();
  c.attention_levels = {2};
  EXPECT_THROW(UNet{c}, InvalidArgument);
  const UNet net(small_config());
  EXPECT_THROW(net.forward(torch::zeros({1, 1, 15, 16}), torch::zeros({1})), ShapeMismatch);  // not a multiple of 2
  EXPECT_THROW(net.forward(torch::zeros({1, 2, 16, 16}), torch::zeros({1})), ShapeMismatch);
  EXPECT_THROW(net.forward(torch::zeros({2, 1, 16, 16}), torch::zeros({1})), ShapeMismatch);
}

}  // namespace
}  // namespace diffrecon
