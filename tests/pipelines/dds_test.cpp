#include "pipelines/dds_reconstruction.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/metrics.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "pipelines/ct/classical_ct.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/mri/classical_mri.h"
#include "pipelines/mri/simulate_mri.h"
#include "pipelines/oracle_denoiser.h"

namespace diffrecon {
namespace {

constexpr int64_t kSize = 32;

Geometry cube_geometry() {
  Geometry geometry;
  geometry.spacing = {200.0 / kSize, 200.0 / kSize, 200.0 / kSize};
  return geometry;
}

SlicePrior oracle_prior(const torch::Tensor& truth_in_prior_units) {
  SlicePriorOptions options;
  options.image_size = kSize;
  options.max_batch = 5;
  return SlicePrior(std::make_shared<testing::OracleDenoiser>(truth_in_prior_units), options);
}

Volume run_dds(const DiffusionProblem& problem, const SlicePrior& prior, const DdsConfig& config, const Measurement& m,
               SamplerReport* report = nullptr) {
  return diffusion_output(problem, dds_reconstruction(problem, prior, config, torch::kCPU, 7, report), m);
}

class DdsCt : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    truth_ = new Volume(shepp_logan_3d(16, kSize, kSize) * 0.02f, cube_geometry());
    CtScan scan;
    scan.angles = sparse_view_angles(12);
    measurement_ = new Measurement(simulate_ct(*truth_, scan, {}, 1));
  }
  static void TearDownTestSuite() {
    delete truth_;
    delete measurement_;
  }
  static SlicePrior oracle() { return oracle_prior(truth_->data() / 0.02); }
  static DiffusionProblem problem() { return ct_diffusion_problem(*measurement_, torch::kCPU, 0.02); }
  static Volume* truth_;
  static Measurement* measurement_;
};
Volume* DdsCt::truth_ = nullptr;
Measurement* DdsCt::measurement_ = nullptr;

TEST_F(DdsCt, WithAnOracleCgConsistencyReturnsTheTruth) {
  // Noiseless data: the truth satisfies AᴴA x = Aᴴy, so CG from it stays there.
  DdsConfig config = dds_defaults(Modality::kCt);
  config.steps = 4;
  config.consistency = DdsConsistency::kCg;
  SamplerReport report;
  const Volume x = run_dds(problem(), oracle(), config, *measurement_, &report);
  EXPECT_EQ(x.geometry(), truth_->geometry());
  EXPECT_EQ(x.data().sizes(), truth_->data().sizes());
  EXPECT_LT((x.data() - truth_->data()).abs().max().item<double>(), 1e-6);
  EXPECT_EQ(report.network_evaluations, 4);
  EXPECT_LE(report.network_seconds, report.total_seconds);
}

TEST_F(DdsCt, WithAnOracleRegularizedCgKeepsTheTruth) {
  // (I + γAᴴA) x = x̂0 + γAᴴy holds at x = x̂0 = truth for noiseless data.
  DdsConfig config = dds_defaults(Modality::kCt);
  config.steps = 3;
  config.consistency = DdsConsistency::kCgRegularized;
  const Volume x = run_dds(problem(), oracle(), config, *measurement_);
  EXPECT_LT((x.data() - truth_->data()).abs().max().item<double>(), 1e-6);
}

TEST_F(DdsCt, WithAnOracleTvZConsistencyBeatsFbpAndIsDeterministic) {
  // (z, u) start at 0, so the first ADMM steps pull D_z x towards 0: on 16 slices of the 3D Shepp–Logan
  // head (large jumps between slices) the oracle's truth loses some of its accuracy, not all.
  DdsConfig config = dds_defaults(Modality::kCt);
  config.steps = 10;
  const Volume x = run_dds(problem(), oracle(), config, *measurement_);
  const double fbp = psnr(truth_->data(), fbp_reconstruction(*measurement_, {}, torch::kCPU).data());
  const double dds = psnr(truth_->data(), x.data());
  RecordProperty("psnr_dds", std::to_string(dds));
  EXPECT_GT(dds, fbp + 1.5) << "FBP " << fbp << " dB, DDS " << dds << " dB";
  EXPECT_TRUE(torch::equal(run_dds(problem(), oracle(), config, *measurement_).data(), x.data()));
  config.eta = 1.5;
  EXPECT_THROW(run_dds(problem(), oracle(), config, *measurement_), InvalidArgument);
  config.eta = 0.85;
  config.cg_iterations = 0;
  EXPECT_THROW(run_dds(problem(), oracle(), config, *measurement_), InvalidArgument);
}

TEST_F(DdsCt, RejectsAComplexPriorForARealProblem) {
  const SlicePrior complex_prior = oracle_prior(torch::complex(truth_->data(), torch::zeros_like(truth_->data())));
  EXPECT_THROW(run_dds(problem(), complex_prior, dds_defaults(Modality::kCt), *measurement_), InvalidArgument);
}

class DdsMri : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    truth_ = new Volume(shepp_logan_3d(8, kSize, kSize), cube_geometry());
    MriScan scan;
    scan.coils = 4;
    scan.mask.kind = MaskKind::kPoisson2d;
    scan.mask.acceleration = 4;
    measurement_ = new Measurement(simulate_mri(*truth_, scan, {}, 3));
  }
  static void TearDownTestSuite() {
    delete truth_;
    delete measurement_;
  }
  static Volume* truth_;
  static Measurement* measurement_;
};
Volume* DdsMri::truth_ = nullptr;
Measurement* DdsMri::measurement_ = nullptr;

TEST_F(DdsMri, RealPriorOnTheRealRestrictedSenseOperatorReturnsTheTruth) {
  const DiffusionProblem problem = mri_diffusion_problem(*measurement_, torch::kCPU, false, CoilMapSource::kAuto, 1.0);
  EXPECT_EQ(problem.forward->domain_field(), Field::kReal);
  DdsConfig config = dds_defaults(Modality::kMri);
  config.steps = 3;
  config.consistency = DdsConsistency::kCg;
  SamplerReport report;
  const Volume x = run_dds(problem, oracle_prior(truth_->data()), config, *measurement_, &report);
  EXPECT_EQ(x.geometry(), truth_->geometry());
  EXPECT_LT((x.data() - truth_->data()).abs().max().item<double>(), 1e-4);
  EXPECT_EQ(report.network_evaluations, 3);
}

TEST_F(DdsMri, ComplexPriorSolvesForAComplexImage) {
  const DiffusionProblem problem = mri_diffusion_problem(*measurement_, torch::kCPU, true, CoilMapSource::kAuto, 1.0);
  EXPECT_EQ(problem.forward->domain_field(), Field::kComplex);
  DdsConfig config = dds_defaults(Modality::kMri);
  config.steps = 3;
  config.consistency = DdsConsistency::kCgRegularized;
  const auto complex_truth = torch::complex(truth_->data(), torch::zeros_like(truth_->data()));
  const Volume x = run_dds(problem, oracle_prior(complex_truth), config, *measurement_);
  EXPECT_LT((x.data() - truth_->data()).abs().max().item<double>(), 1e-4);
  EXPECT_THROW(run_dds(problem, oracle_prior(truth_->data()), config, *measurement_), InvalidArgument);
}

TEST_F(DdsMri, TvZConsistencyWithAnOracleRecoversTheTruth) {
  const DiffusionProblem problem = mri_diffusion_problem(*measurement_, torch::kCPU, false, CoilMapSource::kAuto, 0);
  DdsConfig config = dds_defaults(Modality::kMri);
  EXPECT_EQ(config.consistency, DdsConsistency::kCg);
  config.consistency = DdsConsistency::kAdmmTvZ;
  config.steps = 10;
  const double dds = psnr(truth_->data(), run_dds(problem, oracle_prior(truth_->data() / problem.scale), config,
                                                  *measurement_).data());
  const double zero = psnr(truth_->data(), zero_filled_reconstruction(*measurement_, {}, torch::kCPU).data());
  EXPECT_GT(dds, 40.0) << "DDS " << dds << " dB";  // 44.2 dB measured
  EXPECT_GT(dds, zero + 15) << "zero-filled " << zero << " dB, DDS " << dds << " dB";
}

}  // namespace
}  // namespace diffrecon
