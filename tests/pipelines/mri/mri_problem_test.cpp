#include <gtest/gtest.h>

#include "core/error.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "pipelines/diffusion_problem.h"
#include "pipelines/mri/classical_mri.h"
#include "pipelines/mri/coil_maps.h"
#include "pipelines/mri/mri_problem.h"
#include "pipelines/mri/simulate_mri.h"

namespace diffrecon {
namespace {

Measurement measurement(double acceleration) {
  MriScan scan;
  scan.coils = 8;
  scan.mask.kind = acceleration > 1 ? MaskKind::kPoisson2d : MaskKind::kUniform1d;
  scan.mask.acceleration = acceleration;
  return simulate_mri(Volume(shepp_logan_3d(3, 32, 32), Geometry{}), scan, NoiseModel{}, 7);
}

// A smooth real gain over [Z, Y, X] from 4 (at one corner) to 140 (at the opposite one).
torch::Tensor smooth_gain(int64_t nz, int64_t ny, int64_t nx) {
  const auto z = torch::linspace(0, 1, nz).view({nz, 1, 1});
  const auto y = torch::linspace(0, 1, ny).view({1, ny, 1});
  const auto x = torch::linspace(0, 1, nx).view({1, 1, nx});
  return 4 + 136 * (z + y + x) * (z + y + x) / 9;
}

// The measurement with its coil maps multiplied by the gain (the data unchanged).
Measurement with_scaled_maps(Measurement m) {
  auto& maps = m.arrays.at("coil_maps");
  const auto gain = smooth_gain(maps.size(1), maps.size(2), maps.size(3));
  EXPECT_NEAR(gain.min().item<double>(), 4.0, 1e-5);
  EXPECT_NEAR(gain.max().item<double>(), 140.0, 1e-3);
  maps = maps * gain;
  return m;
}

double relative_difference(const Volume& a, const Volume& b) {
  return ((a.data() - b.data()).abs().max() / b.data().abs().max()).item<double>();
}

TEST(CoilMapNormalisation, GivesUnitRootSumOfSquaresAndZeroWhereNoCoilSees) {
  auto maps = birdcage_coil_maps(4, 2, 6, 5) * smooth_gain(2, 6, 5);
  maps.select(2, 0).zero_();  // no coil sees the first row
  const auto normalised = normalised_coil_maps(maps);
  const auto energy = (normalised.abs() * normalised.abs()).sum(0);
  EXPECT_EQ(energy.select(1, 0).abs().max().item<double>(), 0.0);
  EXPECT_LT((energy.narrow(1, 1, 5) - 1).abs().max().item<double>(), 1e-5);
  EXPECT_FALSE(torch::isnan(normalised).any().item<bool>());
  // The phase of each coil relative to the others is kept.
  const auto ratio = normalised[1] / normalised[0], original = maps[1] / maps[0];
  EXPECT_LT((ratio - original).narrow(1, 1, 5).abs().max().item<double>(), 1e-4);
  EXPECT_THROW(normalised_coil_maps(torch::ones({4, 2, 6, 5})), InvalidArgument);
}

TEST(CoilMapNormalisation, ZeroFilledIsExactOnFullySampledDataWithUnnormalisedMaps) {
  const auto m = measurement(1.0);
  const auto truth = shepp_logan_3d(3, 32, 32);
  const auto x = zero_filled_reconstruction(with_scaled_maps(m), {}, torch::kCPU);
  EXPECT_LT((x.data() - truth).abs().max().item<double>(), 1e-4);
}

TEST(CoilMapNormalisation, ZeroFilledAndCgSenseIgnoreASmoothGainOnTheMaps) {
  const auto m = measurement(4.0);
  const auto scaled = with_scaled_maps(m);
  EXPECT_LT(relative_difference(zero_filled_reconstruction(scaled, {}, torch::kCPU),
                                zero_filled_reconstruction(m, {}, torch::kCPU)),
            1e-5);
  EXPECT_LT(relative_difference(cg_sense_reconstruction(scaled, {}, torch::kCPU),
                                cg_sense_reconstruction(m, {}, torch::kCPU)),
            1e-3);
}

TEST(CoilMapNormalisation, DiffusionIntensityScaleIgnoresASmoothGainOnTheMaps) {
  const auto m = measurement(4.0);
  const auto plain = mri_diffusion_problem(m, torch::kCPU, true, CoilMapSource::kAuto, 0);
  const auto scaled = mri_diffusion_problem(with_scaled_maps(m), torch::kCPU, true, CoilMapSource::kAuto, 0);
  EXPECT_NEAR(scaled.scale, plain.scale, 1e-5 * plain.scale);
  EXPECT_LT((scaled.adjoint_measurement - plain.adjoint_measurement).abs().max().item<double>(),
            1e-5 * plain.adjoint_measurement.abs().max().item<double>());
}

}  // namespace
}  // namespace diffrecon
