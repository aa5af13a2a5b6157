#include <ATen/CPUGeneratorImpl.h>

#include <iomanip>

#include "cli/command.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/progress.h"
#include "core/volume.h"
#include "data/io/volume_io.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "operators/algebra.h"
#include "operators/finite_difference.h"
#include "solvers/admm.h"

// The foundation's demo: Gaussian denoising of a 3D Shepp–Logan phantom (A = I) by anisotropic 3D
// TV through the generic ADMM solver. Later capabilities replace the forward model with CT and MRI.

namespace diffrecon::cli {

void add_demo_options(po::options_description& options) {
  options.add_options()
      ("output,o", po::value<std::string>()->default_value("diffrecon_demo.nii.gz")->value_name("PATH"),
       "where to write the reconstruction (.nii.gz, .nii, .mha, .nrrd)")
      ("size", po::value<int>()->default_value(64)->value_name("N"), "phantom size N (N^3 voxels)")
      ("noise-sigma", po::value<double>()->default_value(0.1)->value_name("S"),
       "standard deviation of the Gaussian noise (the phantom's range is [0, 1])")
      ("lambda", po::value<double>()->default_value(0.04)->value_name("L"), "TV weight")
      ("rho", po::value<double>()->default_value(0.5)->value_name("R"), "ADMM penalty")
      ("iterations", po::value<int>()->default_value(30)->value_name("K"), "ADMM iterations")
      ("cg-iterations", po::value<int>()->default_value(5)->value_name("K"), "CG iterations per ADMM iteration");
}

int run_demo(const Context& context) {
  const auto& vm = context.options;
  const int n = vm["size"].as<int>();
  const double sigma = vm["noise-sigma"].as<double>();
  if (n < 4 || n > 512) throw UsageError("--size must be in [4, 512]");
  if (!(sigma >= 0)) throw UsageError("--noise-sigma must be >= 0");

  const auto phantom = shepp_logan_3d(n, n, n).to(context.device);
  auto generator = at::detail::createCPUGenerator(context.seed);
  const auto noise = at::randn({n, n, n}, generator, torch::TensorOptions().dtype(torch::kFloat));
  const auto measured = phantom + sigma * noise.to(context.device);

  AdmmOptions options;
  options.lambda = vm["lambda"].as<double>();
  options.rho = vm["rho"].as<double>();
  options.iterations = vm["iterations"].as<int>();
  options.cg.max_iterations = vm["cg-iterations"].as<int>();
  const Shape shape{n, n, n};
  AdmmL1Solver solver(identity(shape), gradient_3d(shape, Boundary::kNeumann), options);

  Log(LogLevel::kInfo) << "demo: " << n << "^3 Shepp-Logan, Gaussian noise sigma " << sigma << ", ADMM-TV on "
                       << context.device;
  AdmmState state;
  torch::Tensor x = measured;
  {
    Progress progress("ADMM-TV", options.iterations, "it");
    for (int k = 0; k < options.iterations; ++k) {
      x = solver.step(x, measured, state).x;
      progress.advance();
    }
  }
  const double psnr_noisy = psnr(phantom, measured);
  const double psnr_tv = psnr(phantom, x);
  auto& out = context.out;
  out << std::fixed << std::setprecision(2) << "3D Shepp-Logan " << n << "^3, Gaussian noise sigma " << sigma
      << " (A = I)\n"
      << "  method               PSNR [dB]\n"
      << "  noisy input          " << std::setw(9) << psnr_noisy << "\n"
      << "  ADMM-TV (" << std::setw(3) << options.iterations << " it)     " << std::setw(9) << psnr_tv << "\n";
  const std::string path = vm["output"].as<std::string>();
  Geometry geometry;
  write_volume(Volume(x.to(torch::kCPU).contiguous(), geometry), path);
  out << "wrote " << path << "\n";
  return 0;
}

}  // namespace diffrecon::cli
