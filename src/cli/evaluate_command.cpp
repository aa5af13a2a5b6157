#include <cmath>
#include <iomanip>
#include <sstream>

#include "cli/command.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/volume.h"
#include "data/io/volume_io.h"

namespace diffrecon::cli {
namespace {

struct Report {
  double psnr, ssim_3d, nmse;
  PlaneMetrics planes[3];
};

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  std::ostringstream out;
  out << std::setprecision(10) << v;
  return out.str();
}

}  // namespace

void add_evaluate_options(po::options_description& options) {
  options.add_options()
      ("reference", po::value<std::string>()->required()->value_name("REF"), "ground-truth volume")
      ("input", po::value<std::string>()->required()->value_name("VOL"), "volume to score")
      ("mask", po::value<std::string>()->value_name("M"),
       "score only where M > 0 (voxels outside are set to zero in both volumes)")
      ("json", po::bool_switch(), "print JSON instead of a table");
}

int run_evaluate(const Context& context) {
  const auto& vm = context.options;
  const Volume reference = read_volume(vm["reference"].as<std::string>());
  const Volume input = read_volume(vm["input"].as<std::string>());
  if (reference.data().sizes() != input.data().sizes())
    throw ShapeMismatch("evaluate: the reference (" + std::to_string(reference.nx()) + " x " +
                        std::to_string(reference.ny()) + " x " + std::to_string(reference.nz()) +
                        ") and the input (" + std::to_string(input.nx()) + " x " + std::to_string(input.ny()) +
                        " x " + std::to_string(input.nz()) + ") differ in size");
  if (reference.geometry() != input.geometry())
    Log(LogLevel::kWarning) << "evaluate: the two volumes have different geometry; comparing voxel by voxel";
  torch::Tensor ref = reference.data().to(context.device), est = input.data().to(context.device);
  if (vm.count("mask")) {
    const Volume mask = read_volume(vm["mask"].as<std::string>());
    if (mask.data().sizes() != reference.data().sizes())
      throw ShapeMismatch("evaluate: the mask differs in size from the reference");
    const auto inside = (mask.data() > 0).to(context.device);
    ref = ref * inside;
    est = est * inside;
  }
  Report r{psnr(ref, est), ssim_3d(ref, est), nmse(ref, est), {}};
  const Plane planes[] = {Plane::kAxial, Plane::kCoronal, Plane::kSagittal};
  for (int p = 0; p < 3; ++p) r.planes[p] = plane_metrics(ref, est, planes[p]);

  auto& out = context.out;
  if (vm["json"].as<bool>()) {
    out << "{\"volume\": {\"psnr\": " << json_number(r.psnr) << ", \"ssim\": " << json_number(r.ssim_3d)
        << ", \"nmse\": " << json_number(r.nmse) << "}";
    for (int p = 0; p < 3; ++p)
      out << ", \"" << to_string(planes[p]) << "\": {\"psnr\": " << json_number(r.planes[p].psnr)
          << ", \"ssim\": " << json_number(r.planes[p].ssim) << ", \"nmse\": " << json_number(r.planes[p].nmse)
          << "}";
    out << "}\n";
    return 0;
  }
  out << std::fixed << "plane        PSNR [dB]     SSIM       NMSE\n";
  auto row = [&](const std::string& name, double p, double s, double n) {
    std::string label = name;
    label.resize(10, ' ');
    out << label << std::setprecision(2) << std::setw(12) << p << std::setprecision(4) << std::setw(9) << s
        << std::scientific << std::setprecision(3) << std::setw(11) << n << std::fixed << "\n";
  };
  for (int p = 0; p < 3; ++p) row(to_string(planes[p]), r.planes[p].psnr, r.planes[p].ssim, r.planes[p].nmse);
  row("volume", r.psnr, r.ssim_3d, r.nmse);
  return 0;
}

}  // namespace diffrecon::cli
