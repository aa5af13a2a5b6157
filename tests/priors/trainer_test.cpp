#include "priors/trainer.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "priors/tiny_unet.h"
#include "priors/training_data.h"

namespace diffrecon {
namespace {

using testing::tiny_unet_config;

// Toy data: a bright disc of random radius and position on a dark background, 16 × 16.
BatchSource discs(int64_t batch) {
  return [batch](at::Generator& g) { return random_crops(ellipse_images(batch, 24, g), 16, g); };
}

TEST(Trainer, DenoisingScoreMatchingLossFallsOnToyData) {
  torch::manual_seed(0);
  EdmDenoiser model(UNet(tiny_unet_config()), 0.5);
  TrainingConfig config;
  config.learning_rate = 2e-3;
  config.warmup_steps = 10;
  Trainer trainer(model, config);
  const auto source = discs(16);
  double first = 0, last = 0;
  for (int i = 0; i < 150; ++i) {
    const double loss = trainer.step(source);
    if (i < 20) first += loss / 20;
    if (i >= 130) last += loss / 20;
  }
  EXPECT_EQ(trainer.steps_done(), 150);
  EXPECT_LT(last, 0.6 * first) << "first " << first << ", last " << last;
}

TEST(Trainer, ResumingFromASnapshotContinuesBitForBit) {
  auto make = [] {
    torch::manual_seed(5);
    return EdmDenoiser(UNet(tiny_unet_config()), 0.5);
  };
  TrainingConfig config;
  config.seed = 11;
  const auto source = discs(4);

  EdmDenoiser straight = make();
  Trainer a(straight, config);
  for (int i = 0; i < 6; ++i) a.step(source);

  EdmDenoiser first_half = make();
  Trainer b(first_half, config);
  for (int i = 0; i < 3; ++i) b.step(source);
  const TrainingState saved = b.snapshot();
  EXPECT_EQ(saved.seed, 11u);

  EdmDenoiser resumed = make();  // fresh weights: restore must replace them
  TrainingConfig other = config;
  other.seed = 99;  // the saved seed wins
  Trainer c(resumed, other);
  c.restore(saved);
  for (int i = 0; i < 3; ++i) c.step(source);

  const auto expected = straight.network().named_parameters();
  const auto got = resumed.network().named_parameters();
  ASSERT_EQ(expected.size(), got.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(torch::equal(expected[i].second, got[i].second)) << got[i].first;
    EXPECT_TRUE(torch::equal(a.ema_parameters()[i].second, c.ema_parameters()[i].second)) << got[i].first;
  }
  // The EMA differs from the online weights once training moved them.
  EXPECT_FALSE(torch::equal(a.ema_parameters().back().second, expected.back().second));
}

TEST(Trainer, RejectsAStateOfAnotherNetwork) {
  EdmDenoiser model(UNet(tiny_unet_config()), 0.5);
  Trainer trainer(model, {});
  TrainingState state = trainer.snapshot();
  state.first_moment.pop_back();
  EXPECT_THROW(trainer.restore(state), InvalidArgument);
  TrainingConfig bad;
  bad.ema_decay = 1.0;
  EXPECT_THROW(Trainer(model, bad), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
