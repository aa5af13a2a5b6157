#include "cli/quality_report.h"

#include <cmath>

#include "cli/batch/content_hash.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/memory.h"
#include "core/metrics.h"
#include "data/io/volume_io.h"
#include "pipelines/quality_checks.h"

namespace diffrecon::cli {
namespace {

using nlohmann::json;

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json reference_metrics(const std::string& file, const Volume& result, torch::Device device) {
  json entry{{"file", file}};
  try {
    const Volume reference = read_volume(file);
    if (reference.data().sizes() != result.data().sizes())
      throw ShapeMismatch("the reference's size differs from the result's");
    const auto ref = reference.data().to(device, torch::kFloat);
    const auto est = result.data().to(device, torch::kFloat);
    entry["psnr"] = number(psnr(ref, est));
    entry["ssim"] = number(ssim_3d(ref, est));
    entry["nmse"] = number(nmse(ref, est));
    for (const Plane plane : {Plane::kAxial, Plane::kCoronal, Plane::kSagittal}) {
      const PlaneMetrics m = plane_metrics(ref, est, plane);
      entry[to_string(plane)] = {{"psnr", number(m.psnr)}, {"ssim", number(m.ssim)}};
    }
  } catch (const Error& e) {
    Log(LogLevel::kWarning) << "qa: reference " << file << " not compared: " << e.what();
    entry["error"] = e.what();
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

  const std::string classical_method = default_reconstruction_method(m.modality);
  json classical{{"method", classical_method}};
  if (in.method == classical_method) {
    classical["relative_difference"] = 0.0;
    classical["data_consistency"] = qa["data_consistency"];
  } else {
    ReconstructionRequest request;
    request.measurement = &m;
    request.device = in.device;
    request.seed = in.seed;
    const Volume baseline = reconstruct(request, classical_method);
    classical["relative_difference"] = number(relative_difference(x.data(), baseline.data()));
    classical["data_consistency"] = number(data_consistency(m, baseline, in.device));
  }
  qa["classical"] = classical;

  json models = json::array();
  for (const std::string& file : in.model_files) models.push_back({{"file", file}, {"hash", content_hash(file)}});
  qa["models"] = models;
  qa["model"] = models.empty() ? json(nullptr) : models[0];
  qa["reference"] = in.reference_file.empty() ? json(nullptr) : reference_metrics(in.reference_file, x, in.device);
  return qa;
}

}  // namespace diffrecon::cli
