#include "cli/quality_report.h"

#include <cmath>

#include "cli/batch/content_hash.h"
#include "core/memory.h"
#include "core/metrics.h"
#include "operators/ct/field_of_view.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/quality_checks.h"

namespace diffrecon::cli {
namespace {

using nlohmann::json;

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json reference_metrics(const std::string& file, const Volume& reference, const Volume& result,
                       torch::Device device) {
  const auto ref = reference.data().to(device, torch::kFloat);
  const auto est = result.data().to(device, torch::kFloat);
  json entry{{"file", file},
             {"psnr", number(psnr(ref, est))},
             {"ssim", number(ssim_3d(ref, est))},
             {"nmse", number(nmse(ref, est))}};
  for (const Plane plane : {Plane::kAxial, Plane::kCoronal, Plane::kSagittal}) {
    const PlaneMetrics m = plane_metrics(ref, est, plane);
    entry[to_string(plane)] = {{"psnr", number(m.psnr)}, {"ssim", number(m.ssim)}};
  }
  return entry;
}

}  // namespace

json quality_report(const QualityInputs& in) {
  const Measurement& m = *in.measurement;
  const Volume& x = *in.result;
  json qa{{"input", in.input},
          {"method", in.method},
          {"modality", to_string(m.modality)},
          {"device", in.device.str()},
          {"seed", in.seed},
          {"seconds", in.seconds},
          {"network_seconds", in.report.network_seconds},
          {"network_evaluations", in.report.network_evaluations},
          {"peak_memory_mib", peak_resident_memory_mib()},
          {"data_consistency", number(data_consistency(m, x, in.device))}};

  qa["classical"] = {{"method", in.classical_method},
                     {"relative_difference", number(relative_difference(x.data(), in.classical->data()))},
                     {"data_consistency", in.classical == in.result
                                              ? qa["data_consistency"]
                                              : number(data_consistency(m, *in.classical, in.device))}};
  if (m.modality == Modality::kCt) {
    const auto g = parallel_beam_geometry(m);
    const double outside = outside_field_of_view_fraction(g);
    qa["field_of_view"] = {{"radius_mm", 0.5 * static_cast<double>(g.detector_count - 1) * g.detector_spacing},
                           {"outside_fraction", outside},
                           {"zeroed_outside", outside > 0 && in.field_of_view != "full"}};
  }
  if (in.standard_deviation) {
    const auto s = in.standard_deviation->data();
    qa["posterior"] = {{"samples", in.samples},
                       {"mean_standard_deviation", number(s.mean().item<double>())},
                       {"max_standard_deviation", number(s.max().item<double>())}};
  }

  json models = json::array();
  for (const std::string& file : in.model_files)
    models.push_back({{"file", file}, {"hash", content_hash(file)}});
  qa["models"] = models;
  qa["model"] = models.empty() ? json(nullptr) : models[0];
  qa["reference"] =
      in.reference ? reference_metrics(in.reference_file, *in.reference, x, in.device) : json(nullptr);
  return qa;
}

}  // namespace diffrecon::cli
