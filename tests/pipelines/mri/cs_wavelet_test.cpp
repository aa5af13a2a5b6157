#include <gtest/gtest.h>

#include "core/error.h"
#include "core/metrics.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "pipelines/mri/classical_mri.h"
#include "pipelines/mri/simulate_mri.h"

namespace diffrecon {
namespace {

// Shepp–Logan, 2 slices of 64 × 64, 8 birdcage coils, 2D Poisson disc ×4, noiseless.
struct Problem {
  Volume truth;
  Measurement m;
};

Problem problem() {
  const Volume truth(shepp_logan_3d(2, 64, 64), Geometry{});
  MriScan scan;
  scan.coils = 8;
  scan.mask.kind = MaskKind::kPoisson2d;
  scan.mask.acceleration = 4;
  return {truth, simulate_mri(truth, scan, NoiseModel{}, 11)};
}

TEST(CsWavelet, BeatsZeroFilledAndCgSenseOnAPhantom) {
  const auto [truth, m] = problem();
  CsWaveletConfig config;
  config.lambda = 0.002;
  const double wavelet = psnr(truth.data(), cs_wavelet_reconstruction(m, config, torch::kCPU).data());
  const double zero = psnr(truth.data(), zero_filled_reconstruction(m, {}, torch::kCPU).data());
  const double cg = psnr(truth.data(), cg_sense_reconstruction(m, {}, torch::kCPU).data());
  RecordProperty("psnr_cs_wavelet", std::to_string(wavelet));
  RecordProperty("psnr_cg_sense", std::to_string(cg));
  EXPECT_GT(wavelet, 33.0);
  EXPECT_GT(wavelet, zero + 8.0);
  EXPECT_GT(wavelet, cg + 1.0);
}

TEST(CsWavelet, RandomShiftsFollowTheSeed) {
  const auto [truth, m] = problem();
  CsWaveletConfig config;
  config.iterations = 5;
  config.tolerance = 0;
  const auto a = cs_wavelet_reconstruction(m, config, torch::kCPU).data();
  EXPECT_TRUE(torch::equal(a, cs_wavelet_reconstruction(m, config, torch::kCPU).data()));
  config.seed = 1;
  EXPECT_FALSE(torch::equal(a, cs_wavelet_reconstruction(m, config, torch::kCPU).data()));
}

TEST(CsWavelet, RejectsBadSettings) {
  const auto [truth, m] = problem();
  for (const auto& change : std::vector<void (*)(CsWaveletConfig&)>{
           [](CsWaveletConfig& c) { c.iterations = 0; }, [](CsWaveletConfig& c) { c.lambda = -1; },
           [](CsWaveletConfig& c) { c.tolerance = -1; },
           [](CsWaveletConfig& c) { c.vanishing_moments = 5; }}) {
    CsWaveletConfig config;
    change(config);
    EXPECT_THROW(cs_wavelet_reconstruction(m, config, torch::kCPU), InvalidArgument);
  }
}

}  // namespace
}  // namespace diffrecon
