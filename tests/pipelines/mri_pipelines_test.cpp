#include <gtest/gtest.h>

#include "core/error.h"
#include "core/metrics.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "operators/mri/centred_fft.h"
#include "pipelines/mri/classical_mri.h"
#include "pipelines/mri/coil_maps.h"
#include "pipelines/mri/espirit.h"
#include "pipelines/mri/mri_problem.h"
#include "pipelines/mri/simulate_mri.h"

namespace diffrecon {
namespace {

Volume phantom(int64_t n, int64_t nz) {
  Geometry geometry;
  geometry.spacing = {1.0, 1.0, 3.0};
  return Volume(shepp_logan_3d(nz, n, n), geometry);
}

MriScan scan(MaskKind kind, double acceleration, int fft_dims = 2) {
  MriScan s;
  s.coils = 8;
  s.mask.kind = kind;
  s.mask.acceleration = acceleration;
  s.fft_dims = fft_dims;
  return s;
}

TEST(CoilMaps, BirdcageMapsAreDistinctAndSumToOneInSquares) {
  const auto maps = birdcage_coil_maps(8, 2, 24, 20);
  EXPECT_EQ(maps.sizes(), (std::vector<int64_t>{8, 2, 24, 20}));
  EXPECT_LT(((maps.abs() * maps.abs()).sum(0) - 1).abs().max().item<double>(), 1e-5);
  // Each coil is brightest on its own side: coil 0 sits at +x, coil 4 at −x.
  EXPECT_GT(maps[0][0][12][19].abs().item<double>(), maps[0][0][12][0].abs().item<double>());
  EXPECT_GT(maps[4][0][12][0].abs().item<double>(), maps[4][0][12][19].abs().item<double>());
  EXPECT_THROW(birdcage_coil_maps(0, 1, 4, 4), InvalidArgument);
}

TEST(CoilMaps, LowResolutionEstimateRecoversSmoothMapsInsideTheObject) {
  const auto truth = birdcage_coil_maps(6, 1, 48, 48);
  const auto image = shepp_logan_3d(1, 48, 48).to(torch::kComplexFloat);
  const auto kspace = centred_fft(truth * image, 2);
  const auto estimate = lowres_coil_maps(kspace, 2);
  // Inside the head the estimate matches the true maps up to one common phase per voxel.
  const auto inside = (image.abs() > 0.15).expand_as(truth);
  const auto agreement = (estimate * truth.conj()).sum(0).abs();  // |<s_est, s_true>| per voxel, ≤ 1
  EXPECT_GT(agreement.masked_select(inside[0]).mean().item<double>(), 0.97);
}

// Mean over the object of |<S_estimate(r), S_true(r)>| (1: equal up to a phase per voxel).
double map_agreement(const torch::Tensor& estimate, const torch::Tensor& truth, const torch::Tensor& object) {
  const auto agreement = (estimate * truth.conj()).sum(0).abs();
  return agreement.masked_select(object).mean().item<double>();
}

TEST(Espirit, RecoversTheCoilMapsInsideTheObjectIn2dAnd3d) {
  for (const int dims : {2, 3}) {
    const int64_t slices = dims == 2 ? 4 : 16, n = dims == 2 ? 40 : 24;  // a 3D calibration needs some depth
    const auto full = torch::ones({n, n});
    const auto truth = birdcage_coil_maps(8, slices, n, n);
    const auto image = shepp_logan_3d(slices, n, n).to(torch::kComplexFloat);
    const auto object = image.abs() > 0.15;
    const auto maps = espirit_coil_maps(centred_fft(truth * image, dims), full, dims);
    EXPECT_EQ(maps.sizes(), truth.sizes());
    EXPECT_GT(map_agreement(maps, truth, object), 0.98) << dims << "D";
    // Cropped (zero) far outside the object, where the data say nothing.
    EXPECT_LT(maps.select(2, 0).select(2, 0).abs().max().item<double>(), 1e-6) << dims << "D";
  }
  // Without a fully sampled centre there is nothing to calibrate from.
  auto sparse = torch::zeros({40, 1});
  sparse.narrow(0, 0, 20).fill_(1);
  const auto kspace = centred_fft(birdcage_coil_maps(4, 1, 40, 40) * shepp_logan_3d(1, 40, 40), 2);
  EXPECT_THROW(espirit_coil_maps(kspace, sparse, 2), InvalidArgument);
}

TEST(SimulateMri, MasksFollowTheAcquisitionAndTheAccelerationIsHit) {
  const auto v = phantom(32, 4);
  const auto lines = simulate_mri(v, scan(MaskKind::kUniform1d, 4), NoiseModel{}, 1);
  EXPECT_EQ(lines.data.sizes(), (std::vector<int64_t>{8, 4, 32, 32}));
  EXPECT_EQ(lines.arrays.at("mask").sizes(), (std::vector<int64_t>{32, 1}));
  EXPECT_NEAR(lines.parameters.at("acceleration"), 4.0, 0.2);
  EXPECT_EQ(fft_dims_of(lines), 2);
  auto varied = scan(MaskKind::kPoisson2d, 4);
  varied.vary_mask = true;
  const auto points = simulate_mri(v, varied, NoiseModel{}, 1);
  const auto& mask = points.arrays.at("mask");
  EXPECT_EQ(mask.sizes(), (std::vector<int64_t>{4, 32, 32}));
  EXPECT_FALSE(torch::equal(mask[0], mask[1]));
  const auto volumetric = simulate_mri(v, scan(MaskKind::kPoisson2d, 4, 3), NoiseModel{}, 1);
  EXPECT_EQ(volumetric.arrays.at("mask").sizes(), (std::vector<int64_t>{4, 32, 1}));
  EXPECT_EQ(fft_dims_of(volumetric), 3);
  // Unsampled k-space is exactly zero, also with noise.
  const auto noisy = simulate_mri(v, scan(MaskKind::kUniform1d, 4), NoiseModel{"gaussian", 0.01, 0}, 2);
  EXPECT_EQ((noisy.data * (1 - noisy.arrays.at("mask"))).abs().max().item<double>(), 0.0);
  EXPECT_THROW(simulate_mri(v, scan(MaskKind::kUniform1d, 4), NoiseModel{"poisson", 0, 10}, 1), InvalidArgument);
}

TEST(ClassicalMri, FullySampledZeroFilledIsExact) {
  const auto v = phantom(24, 3);
  const auto m = simulate_mri(v, scan(MaskKind::kUniform1d, 1.0), NoiseModel{}, 1);
  for (const auto combination : {CoilCombination::kSense, CoilCombination::kRss}) {
    const auto x = zero_filled_reconstruction(m, {combination}, torch::kCPU);
    EXPECT_LT((x.data() - v.data()).abs().max().item<double>(), 1e-4);
    EXPECT_EQ(x.geometry(), v.geometry());
  }
}

TEST(ClassicalMri, CgSenseAndTvImproveOnZeroFilled) {
  const auto v = phantom(48, 4);
  const auto m = simulate_mri(v, scan(MaskKind::kPoisson2d, 8), NoiseModel{}, 3);
  const double zero = psnr(v.data(), zero_filled_reconstruction(m, {}, torch::kCPU).data());
  const double cg = psnr(v.data(), cg_sense_reconstruction(m, {}, torch::kCPU).data());
  MriAdmmTvConfig config;
  config.iterations = 15;
  config.lambda = 0.01;  // piecewise constant: more TV than Colin27's default
  const double tv = psnr(v.data(), mri_admm_tv_reconstruction(m, config, torch::kCPU).data());
  RecordProperty("psnr_zero_filled", std::to_string(zero));
  RecordProperty("psnr_cg_sense", std::to_string(cg));
  RecordProperty("psnr_admm_tv", std::to_string(tv));
  EXPECT_GT(cg, zero + 1.0);
  EXPECT_GT(tv, zero + 6.0);
}

TEST(ClassicalMri, EstimatesCoilMapsWhenTheMeasurementHasNone) {
  const auto v = phantom(32, 2);
  auto equispaced = scan(MaskKind::kEquispaced1d, 2);
  equispaced.mask.center_fraction = 0.25;
  auto m = simulate_mri(v, equispaced, NoiseModel{}, 4);
  m.arrays.erase("coil_maps");
  const double espirit = psnr(v.data(), cg_sense_reconstruction(m, {}, torch::kCPU).data());
  CgSenseConfig lowres;
  lowres.maps = CoilMapSource::kLowResolution;
  const double estimate = psnr(v.data(), cg_sense_reconstruction(m, lowres, torch::kCPU).data());
  RecordProperty("psnr_espirit", std::to_string(espirit));
  RecordProperty("psnr_lowres", std::to_string(estimate));
  EXPECT_GT(espirit, 25.0);
  EXPECT_GT(estimate, 20.0);
}

TEST(ClassicalMri, RejectsCtMeasurementsAndBadSettings) {
  Measurement ct;
  EXPECT_THROW(fft_dims_of(ct), InvalidArgument);
  const auto m = simulate_mri(phantom(16, 2), scan(MaskKind::kUniform1d, 2), NoiseModel{}, 5);
  CgSenseConfig bad;
  bad.lambda = -1;
  EXPECT_THROW(cg_sense_reconstruction(m, bad, torch::kCPU), InvalidArgument);
  MriAdmmTvConfig tv;
  tv.rho = 0;
  EXPECT_THROW(mri_admm_tv_reconstruction(m, tv, torch::kCPU), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
