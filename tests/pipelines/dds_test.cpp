#include "pipelines/ct/dds_ct.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/metrics.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "pipelines/ct/classical_ct.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/oracle_denoiser.h"

namespace diffrecon {
namespace {

constexpr int64_t kSize = 32;

class DdsCt : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Geometry geometry;
    geometry.spacing = {200.0 / kSize, 200.0 / kSize, 200.0 / kSize};
    truth_ = new Volume(shepp_logan_3d(16, kSize, kSize) * 0.02f, geometry);
    CtScan scan;
    scan.angles = sparse_view_angles(12);
    measurement_ = new Measurement(simulate_ct(*truth_, scan, {}, 1));
  }
  static void TearDownTestSuite() {
    delete truth_;
    delete measurement_;
  }
  static SlicePrior oracle() {
    SlicePriorOptions options;
    options.image_size = kSize;
    options.max_batch = 5;
    return SlicePrior(std::make_shared<testing::OracleDenoiser>(truth_->data() / 0.02), options);
  }
  static Volume* truth_;
  static Measurement* measurement_;
};
Volume* DdsCt::truth_ = nullptr;
Measurement* DdsCt::measurement_ = nullptr;

TEST_F(DdsCt, WithAnOracleCgConsistencyReturnsTheTruth) {
  // Noiseless data: the truth satisfies AᴴA x = Aᴴy, so CG from it stays there.
  DdsCtConfig config;
  config.steps = 4;
  config.consistency = DdsConsistency::kCg;
  config.intensity_scale = 0.02;
  SamplerReport report;
  const Volume x = dds_ct_reconstruction(*measurement_, oracle(), config, torch::kCPU, 7, &report);
  EXPECT_EQ(x.geometry(), truth_->geometry());
  EXPECT_EQ(x.data().sizes(), truth_->data().sizes());
  EXPECT_LT((x.data() - truth_->data()).abs().max().item<double>(), 1e-6);
  EXPECT_EQ(report.network_evaluations, 4);
  EXPECT_LE(report.network_seconds, report.total_seconds);
}

TEST_F(DdsCt, WithAnOracleTvZConsistencyBeatsFbpAndIsDeterministic) {
  // (z, u) start at 0, so the first ADMM steps pull D_z x towards 0: on 16 slices of the 3D Shepp–Logan
  // head (large jumps between slices) the oracle's truth loses some of its accuracy, not all.
  DdsCtConfig config;
  config.steps = 10;
  config.intensity_scale = 0.02;
  const Volume x = dds_ct_reconstruction(*measurement_, oracle(), config, torch::kCPU, 7);
  const double fbp = psnr(truth_->data(), fbp_reconstruction(*measurement_, {}, torch::kCPU).data());
  const double dds = psnr(truth_->data(), x.data());
  RecordProperty("psnr_dds", std::to_string(dds));
  EXPECT_GT(dds, fbp + 1.5) << "FBP " << fbp << " dB, DDS " << dds << " dB";
  EXPECT_TRUE(torch::equal(dds_ct_reconstruction(*measurement_, oracle(), config, torch::kCPU, 7).data(), x.data()));
  config.eta = 1.5;
  EXPECT_THROW(dds_ct_reconstruction(*measurement_, oracle(), config, torch::kCPU, 1), InvalidArgument);
  config.eta = 0.85;
  config.cg_iterations = 0;
  EXPECT_THROW(dds_ct_reconstruction(*measurement_, oracle(), config, torch::kCPU, 1), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
