#include "pipelines/ct/simulate_ct.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "operators/ct/parallel_beam.h"
#include "pipelines/ct/ct_problem.h"

namespace diffrecon {
namespace {

Volume small_volume() {
  Geometry geometry;
  geometry.spacing = {0.5, 0.75, 2.0};
  geometry.origin = {-10, 4, 7};
  return Volume(torch::full({3, 12, 10}, 0.02f), geometry);
}

CtScan sparse_scan(int views) {
  CtScan scan;
  scan.angles = sparse_view_angles(views);
  return scan;
}

TEST(CtAngles, SparseViewAndLimitedAngle) {
  const auto sparse = sparse_view_angles(4);
  ASSERT_EQ(sparse.size(), 4u);
  EXPECT_NEAR(sparse[3], 3 * M_PI / 4, 1e-15);
  const auto limited = parse_limited_angle("0:120:1");
  ASSERT_EQ(limited.size(), 120u);
  EXPECT_NEAR(limited.back(), 119 * M_PI / 180, 1e-12);
  EXPECT_EQ(parse_limited_angle("-30:30:2.5").size(), 24u);
  for (const char* bad : {"0:120", "0:120:0", "120:0:1", "a:b:c", "0:120:1x", ""})
    EXPECT_THROW(parse_limited_angle(bad), InvalidArgument) << bad;
  EXPECT_THROW(sparse_view_angles(0), InvalidArgument);
}

TEST(SimulateCt, RecordsTheGeometryAndReproducesTheProjector) {
  const auto volume = small_volume();
  const auto m = simulate_ct(volume, sparse_scan(6), NoiseModel{}, 7);
  EXPECT_EQ(m.modality, Modality::kCt);
  EXPECT_EQ(m.geometry, volume.geometry());
  EXPECT_EQ(m.volume_size, (std::array<int64_t, 3>{10, 12, 3}));
  EXPECT_EQ(m.provenance.seed, 7u);
  // Default detector: the smaller pixel spacing, enough bins for the diagonal.
  EXPECT_DOUBLE_EQ(m.parameters.at("detector_spacing_mm"), 0.5);
  EXPECT_GE(m.data.size(2) * 0.5, std::hypot(10 * 0.5, 12 * 0.75));
  const auto g = parallel_beam_geometry(m);
  EXPECT_EQ(g.angles, sparse_view_angles(6));
  EXPECT_DOUBLE_EQ(g.pixel_spacing_y, 0.75);
  const auto expected = parallel_beam_projector(g)->apply(volume.data());
  EXPECT_TRUE(torch::allclose(m.data, expected));
}

TEST(SimulateCt, NoiseIsSeededAndHasTheRequestedStatistics) {
  const auto clean = torch::full({1, 100, 100}, 2.0, torch::kDouble);
  NoiseModel gaussian{"gaussian", 0.1, 0};
  const auto a = add_ct_noise(clean, gaussian, 1), b = add_ct_noise(clean, gaussian, 1);
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_FALSE(torch::equal(a, add_ct_noise(clean, gaussian, 2)));
  EXPECT_NEAR((a - clean).std().item<double>(), 0.1, 0.005);

  // Poisson: N ~ Poisson(I0 e^{-p}); y = −log(N / I0) has variance ≈ e^{p} / I0.
  NoiseModel poisson{"poisson", 0, 1e4};
  const auto y = add_ct_noise(clean, poisson, 3);
  EXPECT_NEAR(y.mean().item<double>(), 2.0, 0.005);
  EXPECT_NEAR(y.var().item<double>(), std::exp(2.0) / 1e4, 0.1 * std::exp(2.0) / 1e4);
  // Photon starvation: zero counts are clamped to one, never an infinite line integral.
  const auto starved = add_ct_noise(torch::full({100}, 30.0, torch::kDouble), NoiseModel{"poisson", 0, 10}, 4);
  EXPECT_TRUE(torch::isfinite(starved).all().item<bool>());

  EXPECT_THROW(add_ct_noise(clean, NoiseModel{"gaussian", 0, 0}, 1), InvalidArgument);
  EXPECT_THROW(add_ct_noise(clean, NoiseModel{"poisson", 0, -1}, 1), InvalidArgument);
  EXPECT_THROW(add_ct_noise(clean, NoiseModel{"speckle", 0, 0}, 1), InvalidArgument);
}

TEST(SimulateCt, RejectsBadInput) {
  const auto volume = small_volume();
  EXPECT_THROW(simulate_ct(volume, CtScan{}, NoiseModel{}, 0), InvalidArgument);  // no angles
  auto scan = sparse_scan(4);
  scan.detector_count = -3;
  EXPECT_THROW(simulate_ct(volume, scan, NoiseModel{}, 0), InvalidArgument);
  const Volume complex(torch::zeros({2, 4, 4}, torch::kComplexFloat), Geometry{});
  EXPECT_THROW(simulate_ct(complex, sparse_scan(4), NoiseModel{}, 0), InvalidArgument);
  Measurement mri;
  mri.modality = Modality::kMri;
  EXPECT_THROW(parallel_beam_geometry(mri), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
