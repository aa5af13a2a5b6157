#include "data/io/colin27.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "data/io/volume_io.h"

namespace diffrecon {
namespace {

// Intensity-weighted centre of a volume in world coordinates (mm, LPS).
std::array<double, 3> centre_of_mass(const Volume& v) {
  const auto w = v.data().to(torch::kDouble).clamp_min(0);
  const double total = w.sum().item<double>();
  const auto k = torch::arange(v.nz(), torch::kDouble).view({-1, 1, 1});
  const auto j = torch::arange(v.ny(), torch::kDouble).view({1, -1, 1});
  const auto i = torch::arange(v.nx(), torch::kDouble).view({1, 1, -1});
  return v.geometry().index_to_physical({(w * i).sum().item<double>() / total, (w * j).sum().item<double>() / total,
                                         (w * k).sum().item<double>() / total});
}

class Colin27 : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kColin27Path)) GTEST_SKIP() << kColin27Path << " missing (install mricron-data)";
  }
};

TEST_F(Colin27, WholeHeadIsA128CubeInTheOriginalsPlace) {
  const Volume original = read_volume(kColin27Path);
  const Volume whole = colin27(Colin27Part::kWhole);
  EXPECT_EQ(whole.data().sizes(), (std::vector<int64_t>{128, 128, 128}));
  for (const double s : whole.geometry().spacing) EXPECT_NEAR(s, 1.75, 0.02);
  EXPECT_GE(whole.data().min().item<float>(), 0.0f);
  EXPECT_LE(whole.data().max().item<float>(), 1.0f);
  // Resampling, padding and reorientation keep the anatomy where it was (within a voxel).
  const auto before = centre_of_mass(original), after = centre_of_mass(whole);
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(before[a], after[a], 1.75) << "axis " << a;
}

TEST_F(Colin27, TrainingAndTestSlabsAreDisjointWithTheTestAbove) {
  const Volume training = colin27(Colin27Part::kTraining), test = colin27(Colin27Part::kTest);
  EXPECT_EQ(training.nx(), 128);
  EXPECT_EQ(test.ny(), 128);
  // Slices run towards superior (+z in LPS); the 5% gap separates the parts.
  EXPECT_GT(test.geometry().direction[8], 0);
  const double training_top = training.geometry().index_to_physical({0, 0, double(training.nz() - 1)})[2];
  const double test_bottom = test.geometry().origin[2];
  EXPECT_GT(test_bottom - training_top, 1.75 * 3);
  const int64_t total = std::llround(training.nz() / 0.55);
  EXPECT_NEAR(test.nz(), 0.4 * total, 2);
}

TEST(Colin27Parts, NamesRoundTrip) {
  for (const auto part : {Colin27Part::kWhole, Colin27Part::kTraining, Colin27Part::kTest})
    EXPECT_EQ(parse_colin27_part(to_string(part)), part);
  EXPECT_THROW(parse_colin27_part("validation"), InvalidArgument);
  EXPECT_THROW(colin27(Colin27Part::kTest, "/nonexistent/ch2.nii.gz"), IoError);
}

}  // namespace
}  // namespace diffrecon
