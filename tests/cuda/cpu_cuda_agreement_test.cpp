// CPU and CUDA give the same results (issue 10). Skipped where no CUDA device is visible; the operator
// contract battery runs on every visible device in operators_tests.
//
// Tolerances (relative ℓ2 error, float32): projector and FBP 1e-4 (the CUDA kernels accumulate in
// another order); CG-type solvers after 20–30 iterations 1e-3 (rounding differences
// grow with the iteration count); DDS and DiffusionMBIR steps 1e-3 (cuDNN's convolutions round
// differently from the CPU's).
#include <gtest/gtest.h>

#include "core/device.h"
#include "core/volume.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "operators/ct/parallel_beam.h"
#include "pipelines/ct/classical_ct.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/dds_reconstruction.h"
#include "pipelines/diffusion_mbir.h"
#include "pipelines/mri/classical_mri.h"
#include "pipelines/mri/simulate_mri.h"
#include "priors/tiny_unet.h"

namespace diffrecon {
namespace {

constexpr int64_t kSize = 32;
const torch::Device kCuda(torch::kCUDA, 0);

#define SKIP_WITHOUT_CUDA() \
  if (!cuda_available()) GTEST_SKIP() << "no CUDA device is visible"

double relative_error(const torch::Tensor& reference, const torch::Tensor& other) {
  const auto a = reference.detach().cpu().to(torch::kComplexDouble);
  const auto b = other.detach().cpu().to(torch::kComplexDouble);
  return (a - b).abs().pow(2).sum().sqrt().item<double>() / a.abs().pow(2).sum().sqrt().item<double>();
}

Volume head() {
  Geometry geometry;
  geometry.spacing = {200.0 / kSize, 200.0 / kSize, 200.0 / kSize};
  return Volume(shepp_logan_3d(8, kSize, kSize) * 0.02f, geometry);
}

Measurement ct_measurement(int views) {
  CtScan scan;
  scan.angles = sparse_view_angles(views);
  return simulate_ct(head(), scan, {}, 1);
}

Measurement mri_measurement() {
  MriScan scan;
  scan.mask.acceleration = 4;
  return simulate_mri(head(), scan, {}, 1);
}

TEST(CpuCudaAgreement, ParallelBeamProjector) {
  SKIP_WITHOUT_CUDA();
  ParallelBeamGeometry geometry;
  geometry.angles = sparse_view_angles(45);
  geometry.nz = 4;
  geometry.ny = geometry.nx = kSize;
  geometry.detector_count = 46;
  const auto projector = parallel_beam_projector(geometry);
  const auto x = torch::rand({4, kSize, kSize});
  const auto y = torch::rand({4, 45, 46});
  EXPECT_LT(relative_error(projector->apply(x), projector->apply(x.to(kCuda))), 1e-4);
  EXPECT_LT(relative_error(projector->adjoint(y), projector->adjoint(y.to(kCuda))), 1e-4);
}

TEST(CpuCudaAgreement, FilteredBackProjection) {
  SKIP_WITHOUT_CUDA();
  const auto m = ct_measurement(60);
  const auto cpu = fbp_reconstruction(m, {}, torch::kCPU);
  const auto cuda = fbp_reconstruction(m, {}, kCuda);
  EXPECT_TRUE(cuda.data().is_cuda());
  EXPECT_LT(relative_error(cpu.data(), cuda.data()), 1e-4);
}

TEST(CpuCudaAgreement, CglsAndAdmmTv) {
  SKIP_WITHOUT_CUDA();
  const auto m = ct_measurement(8);
  EXPECT_LT(relative_error(cgls_reconstruction(m, {}, torch::kCPU).data(),
                           cgls_reconstruction(m, {}, kCuda).data()),
            1e-3);
  AdmmTvConfig admm;
  admm.iterations = 10;
  EXPECT_LT(relative_error(admm_tv_reconstruction(m, admm, torch::kCPU).data(),
                           admm_tv_reconstruction(m, admm, kCuda).data()),
            1e-3);
}

TEST(CpuCudaAgreement, SenseCgAndTv) {
  SKIP_WITHOUT_CUDA();
  const auto m = mri_measurement();
  EXPECT_LT(relative_error(cg_sense_reconstruction(m, {}, torch::kCPU).data(),
                           cg_sense_reconstruction(m, {}, kCuda).data()),
            1e-3);
  MriAdmmTvConfig admm;
  admm.iterations = 10;
  EXPECT_LT(relative_error(mri_admm_tv_reconstruction(m, admm, torch::kCPU).data(),
                           mri_admm_tv_reconstruction(m, admm, kCuda).data()),
            1e-3);
}

// The same network weights on both devices.
struct PriorPair {
  SlicePrior cpu;
  SlicePrior cuda;
};

PriorPair tiny_priors(int64_t channels) {
  torch::manual_seed(3);
  auto cpu = testing::random_tiny_denoiser(channels);
  auto cuda = std::make_shared<EdmDenoiser>(cpu->network().clone(), cpu->sigma_data());
  cuda->to(kCuda);
  SlicePriorOptions options;
  options.image_size = kSize;
  return {SlicePrior(cpu, options), SlicePrior(cuda, options)};
}

TEST(CpuCudaAgreement, DdsStepsWithAFixedSeed) {
  SKIP_WITHOUT_CUDA();
  const auto m = ct_measurement(8);
  const auto priors = tiny_priors(1);
  DdsConfig config = dds_defaults(Modality::kCt);
  config.steps = 2;
  const auto cpu =
      dds_reconstruction(ct_diffusion_problem(m, torch::kCPU, 0.02), priors.cpu, config, torch::kCPU, 5);
  const auto cuda = dds_reconstruction(ct_diffusion_problem(m, kCuda, 0.02), priors.cuda, config, kCuda, 5);
  EXPECT_TRUE(cuda.is_cuda());
  EXPECT_LT(relative_error(cpu, cuda), 1e-3);
}

TEST(CpuCudaAgreement, ComplexDdsOnMri) {
  SKIP_WITHOUT_CUDA();
  const auto m = mri_measurement();
  const auto priors = tiny_priors(2);
  DdsConfig config = dds_defaults(Modality::kMri);
  config.steps = 2;
  const auto cpu = dds_reconstruction(mri_diffusion_problem(m, torch::kCPU, true, CoilMapSource::kAuto, 0),
                                      priors.cpu, config, torch::kCPU, 5);
  const auto cuda = dds_reconstruction(mri_diffusion_problem(m, kCuda, true, CoilMapSource::kAuto, 0),
                                       priors.cuda, config, kCuda, 5);
  EXPECT_LT(relative_error(cpu, cuda), 1e-3);
}

TEST(CpuCudaAgreement, DiffusionMbirStepsWithAFixedSeed) {
  SKIP_WITHOUT_CUDA();
  const auto m = ct_measurement(8);
  const auto priors = tiny_priors(1);
  DiffusionMbirConfig config = diffusion_mbir_defaults(Modality::kCt);
  config.steps = 3;
  const auto cpu = diffusion_mbir_reconstruction(ct_diffusion_problem(m, torch::kCPU, 0.02), priors.cpu,
                                                 config, torch::kCPU, 5);
  const auto cuda =
      diffusion_mbir_reconstruction(ct_diffusion_problem(m, kCuda, 0.02), priors.cuda, config, kCuda, 5);
  EXPECT_LT(relative_error(cpu, cuda), 1e-3);
}

TEST(CpuCudaAgreement, AutomaticBatchesFitTheFreeDeviceMemory) {
  SKIP_WITHOUT_CUDA();
  const auto memory = device_memory(kCuda);
  ASSERT_TRUE(memory.has_value());
  EXPECT_GT(memory->free, 0);
  EXPECT_LE(memory->free, memory->total);
  const auto priors = tiny_priors(1);
  // 6 KiB per pixel against half of the free memory (priors/slice_prior.cpp).
  const double expected = 0.5 * double(memory->free) / (6144.0 * 256 * 256);
  EXPECT_NEAR(double(priors.cuda.batch_size(256, 256, kCuda)), expected, 0.05 * expected + 1);
  EXPECT_FALSE(device_memory(torch::kCPU).has_value());
}

}  // namespace
}  // namespace diffrecon
