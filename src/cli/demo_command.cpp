#include <cmath>
#include <iomanip>

#include "cli/command.h"
#include "cli/preview.h"
#include "cli/prior_options.h"
#include "cli/text_file.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/stopwatch.h"
#include "data/io/colin27.h"
#include "data/io/volume_io.h"
#include "pipelines/ct/classical_ct.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/dds_reconstruction.h"
#include "pipelines/reconstruction_methods.h"

// The main job on the embedded data: sparse-view CT of the Colin27 head's held-out slab (Debian's
// mricron-data), reconstructed by FBP, TV (primal-dual, the best classical method) and DDS with the shipped prior, scored against the truth
// per plane, with a figure of the central axial, coronal and sagittal slices.

namespace diffrecon::cli {
namespace {

constexpr double kWaterAttenuation = 0.02;  // 1/mm: the prepared volume's [0, 1] maps to [0, 0.02]/mm

struct DemoResult {
  std::string method;
  Volume volume;
  double seconds;
};

// Rows: the reference then every result; columns: axial, coronal, sagittal; grey levels [0, max(truth)].
void write_figure(const Volume& truth, const std::vector<DemoResult>& results, const std::string& path) {
  std::vector<torch::Tensor> volumes{truth.data()};
  for (const auto& r : results) volumes.push_back(r.volume.data());
  write_preview(volumes, 0, truth.data().max().item<double>(), path);
}

// The metrics along a plane, NaN where the volume is too thin for SSIM's window across that plane.
PlaneMetrics metrics_or_nan(const torch::Tensor& reference, const torch::Tensor& estimate, Plane plane) {
  try {
    return plane_metrics(reference, estimate, plane);
  } catch (const InvalidArgument&) {
    return {std::nan(""), std::nan(""), std::nan("")};
  }
}

}  // namespace

void add_demo_options(po::options_description& options) {
  const PrimalDualTvConfig tv;
  options.add_options()
      ("output,o", po::value<std::string>()->default_value("diffrecon_demo.nii.gz")->value_name("PATH"),
       "where to write the DDS reconstruction (attenuation in 1/mm; .nii.gz, .nii, .mha, .nrrd)")
      ("figure", po::value<std::string>()->default_value("diffrecon_demo.png")->value_name("PNG"),
       "where to write the figure: rows reference, FBP, TV, DDS; columns the central axial, coronal and "
       "sagittal slices")
      ("views", po::value<int>()->default_value(8)->value_name("N"), "views uniform over [0, 180) degrees")
      ("part", po::value<std::string>()->default_value("test")->value_name("P"),
       "Colin27 part: test (the held-out slab), training or whole")
      ("slices", po::value<int>()->default_value(0)->value_name("N"), "only the N central slices (0: all)")
      ("photons", po::value<double>()->value_name("I0"), "add Poisson noise with I0 photons per ray (default: none)")
      ("iterations", po::value<int>()->default_value(tv.iterations)->value_name("K"),
       "primal-dual TV iterations, at most (it stops earlier on its relative-change rule)")
      ("steps", po::value<int>()->default_value(dds_defaults(Modality::kCt).steps)->value_name("N"), "DDS steps")
      ("colin27", po::value<std::string>()->default_value(kColin27Path)->value_name("PATH"),
       "the Colin27 T1 volume (ch2.nii.gz of Debian's mricron-data)");
  add_prior_options(options, /*required=*/false);
}

int run_demo(const Context& context) {
  const auto& vm = context.options;
  const int views = vm["views"].as<int>(), slices = vm["slices"].as<int>(), steps = vm["steps"].as<int>();
  if (views < 1 || views > 3600) throw UsageError("--views must be in [1, 3600]");
  if (slices < 0) throw UsageError("--slices must be >= 0");
  if (steps < 1) throw UsageError("--steps must be >= 1");
  for (const char* option : {"output", "figure"})
    require_output_folder(vm[option].as<std::string>(), std::string("--") + option);
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
  PrimalDualTvConfig tv;
  tv.iterations = vm["iterations"].as<int>();
  if (tv.iterations < 1) throw UsageError("--iterations must be >= 1");
  const LoadedPrior prior = load_prior(context);
  if (prior.model.architecture.channels != 1) throw UsageError("the demo needs a real (1-channel) prior");

  const std::string path = vm["colin27"].as<std::string>();
  Volume truth = central_slices(colin27(part, path), slices);
  truth = Volume(truth.data() * kWaterAttenuation, truth.geometry());
  Log(LogLevel::kInfo) << "demo: Colin27 " << to_string(part) << " part, " << truth.nx() << "x" << truth.ny() << "x"
                       << truth.nz() << " voxels of " << truth.geometry().spacing[0] << " mm, " << views
                       << "-view parallel-beam CT, noise " << noise.kind << ", on " << context.device;
  CtScan scan;
  scan.angles = sparse_view_angles(views);
  const Measurement m = simulate_ct(truth.to(context.device), scan, noise, context.seed);

  std::vector<DemoResult> results;
  const auto timed = [&](const std::string& name, const auto& reconstruct_volume) {
    const Stopwatch stopwatch;
    Volume v = reconstruct_volume();
    results.push_back({name, std::move(v), stopwatch.seconds()});
  };
  timed("FBP", [&] { return fbp_reconstruction(m, {}, context.device); });
  timed("TV", [&] { return primal_dual_tv_reconstruction(m, tv, context.device); });
  SamplerReport report;
  timed("DDS (" + std::to_string(steps) + " steps)", [&] {
    ReconstructionRequest request;
    request.measurement = &m;
    request.device = context.device;
    request.seed = context.seed;
    request.settings["steps"] = std::to_string(steps);
    request.prior = std::make_shared<SlicePrior>(make_slice_prior(context, prior, false));
    return reconstruct(request, "dds", &report);
  });

  auto& out = context.out;
  out << std::fixed << std::setprecision(2) << "Colin27 (" << to_string(part) << " part) " << truth.nx() << "x"
      << truth.ny() << "x" << truth.nz() << ", " << views << "-view parallel-beam CT, noise " << noise.kind << "\n"
      << "                   PSNR [dB]                         SSIM\n"
      << "  method           axial coronal sagittal   mean     axial coronal sagittal  time [s]\n";
  const auto reference = truth.data().to(torch::kCPU);
  for (const auto& r : results) {
    const auto estimate = r.volume.data().to(torch::kCPU, torch::kFloat);
    PlaneMetrics planes[3];
    const Plane kPlanes[] = {Plane::kAxial, Plane::kCoronal, Plane::kSagittal};
    for (int p = 0; p < 3; ++p) planes[p] = metrics_or_nan(reference, estimate, kPlanes[p]);
    out << "  " << std::left << std::setw(15) << r.method << std::right << std::setprecision(2) << std::setw(7)
        << planes[0].psnr << std::setw(8) << planes[1].psnr << std::setw(9) << planes[2].psnr << std::setw(7)
        << (planes[0].psnr + planes[1].psnr + planes[2].psnr) / 3 << std::setprecision(3) << std::setw(10)
        << planes[0].ssim << std::setw(8) << planes[1].ssim << std::setw(9) << planes[2].ssim << std::setprecision(1)
        << std::setw(10) << r.seconds << "\n";
  }
  out << "DDS: " << report.network_evaluations << " network evaluations per slice, " << std::setprecision(1)
      << report.network_seconds << " s in the network, " << report.total_seconds - report.network_seconds
      << " s outside it\n";
  const std::string output = vm["output"].as<std::string>(), figure = vm["figure"].as<std::string>();
  write_volume(results.back().volume.to(torch::kCPU), output);
  write_figure(truth, results, figure);
  out << "wrote " << output << " (DDS) and " << figure << "\n";
  return 0;
}

}  // namespace diffrecon::cli
