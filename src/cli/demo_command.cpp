#include <iomanip>

#include "cli/command.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "data/io/colin27.h"
#include "data/io/volume_io.h"
#include "pipelines/ct/classical_ct.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"

// The main job on the embedded data: sparse-view CT of the Colin27 head's held-out slab (Debian's
// mricron-data), reconstructed by FBP and ADMM-TV, PSNR of each against the truth.

namespace diffrecon::cli {
namespace {

constexpr double kWaterAttenuation = 0.02;  // 1/mm: the prepared volume's [0, 1] maps to [0, 0.02]/mm

Volume central_slices(const Volume& v, int64_t count) {
  if (count <= 0 || count >= v.nz()) return v;
  const int64_t first = (v.nz() - count) / 2;
  Geometry g = v.geometry();
  g.origin = g.index_to_physical({0, 0, static_cast<double>(first)});
  return Volume(v.data().narrow(0, first, count).contiguous(), g);
}

}  // namespace

void add_demo_options(po::options_description& options) {
  const AdmmTvConfig admm;
  options.add_options()
      ("output,o", po::value<std::string>()->default_value("diffrecon_demo.nii.gz")->value_name("PATH"),
       "where to write the ADMM-TV reconstruction (attenuation in 1/mm; .nii.gz, .nii, .mha, .nrrd)")
      ("views", po::value<int>()->default_value(8)->value_name("N"), "views uniform over [0, 180) degrees")
      ("part", po::value<std::string>()->default_value("test")->value_name("P"),
       "Colin27 part: test (the held-out slab), training or whole")
      ("slices", po::value<int>()->default_value(0)->value_name("N"), "only the N central slices (0: all)")
      ("photons", po::value<double>()->value_name("I0"), "add Poisson noise with I0 photons per ray (default: none)")
      ("iterations", po::value<int>()->default_value(admm.iterations)->value_name("K"), "ADMM iterations")
      ("cg-iterations", po::value<int>()->default_value(admm.cg_iterations)->value_name("K"),
       "CG iterations per ADMM iteration")
      ("colin27", po::value<std::string>()->default_value(kColin27Path)->value_name("PATH"),
       "the Colin27 T1 volume (ch2.nii.gz of Debian's mricron-data)");
}

int run_demo(const Context& context) {
  const auto& vm = context.options;
  const int views = vm["views"].as<int>(), slices = vm["slices"].as<int>();
  if (views < 1 || views > 3600) throw UsageError("--views must be in [1, 3600]");
  if (slices < 0) throw UsageError("--slices must be >= 0");
  Colin27Part part;
  try {
    part = parse_colin27_part(vm["part"].as<std::string>());
  } catch (const InvalidArgument& e) {
    throw UsageError(std::string("--part: ") + e.what());
  }
  NoiseModel noise;
  if (vm.count("photons")) {
    noise = NoiseModel{"poisson", 0, vm["photons"].as<double>()};
    if (!(noise.photons > 0)) throw UsageError("--photons must be > 0");
  }
  AdmmTvConfig admm;
  admm.iterations = vm["iterations"].as<int>();
  admm.cg_iterations = vm["cg-iterations"].as<int>();
  if (admm.iterations < 1 || admm.cg_iterations < 1) throw UsageError("--iterations and --cg-iterations must be >= 1");

  const std::string path = vm["colin27"].as<std::string>();
  Volume truth = central_slices(colin27(part, path), slices);
  truth = Volume(truth.data() * kWaterAttenuation, truth.geometry());
  Log(LogLevel::kInfo) << "demo: Colin27 " << to_string(part) << " part, " << truth.nx() << "x" << truth.ny() << "x"
                       << truth.nz() << " voxels of " << truth.geometry().spacing[0] << " mm, " << views
                       << "-view parallel-beam CT, noise " << noise.kind << ", on " << context.device;
  CtScan scan;
  scan.angles = sparse_view_angles(views);
  const Measurement m = simulate_ct(truth.to(context.device), scan, noise, context.seed);
  const Volume fbp = fbp_reconstruction(m, {}, context.device);
  const Volume tv = admm_tv_reconstruction(m, admm, context.device);

  auto& out = context.out;
  out << std::fixed << std::setprecision(2) << "Colin27 (" << to_string(part) << " part) " << truth.nx() << "x"
      << truth.ny() << "x" << truth.nz() << ", " << views << "-view parallel-beam CT, noise " << noise.kind << "\n"
      << "  method                    PSNR [dB]\n"
      << "  FBP (ram-lak)             " << std::setw(9) << psnr(truth.data(), fbp.data()) << "\n"
      << "  ADMM-TV (" << std::setw(3) << admm.iterations << " it x " << std::setw(2) << admm.cg_iterations
      << " CG)   " << std::setw(9) << psnr(truth.data(), tv.data()) << "\n";
  const std::string output = vm["output"].as<std::string>();
  write_volume(tv.to(torch::kCPU), output);
  out << "wrote " << output << "\n";
  return 0;
}

}  // namespace diffrecon::cli
