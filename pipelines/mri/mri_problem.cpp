#include "pipelines/mri/mri_problem.h"

#include "core/error.h"
#include "core/logging.h"
#include "operators/mri/sense.h"
#include "pipelines/mri/coil_maps.h"
#include "pipelines/mri/espirit.h"

namespace diffrecon {

int fft_dims_of(const Measurement& m) {
  if (m.modality != Modality::kMri) throw InvalidArgument("expected an MRI measurement, got " + std::string(to_string(m.modality)));
  const auto found = m.parameters.find("fft_dims");
  if (found == m.parameters.end()) return 2;
  if (found->second != 2 && found->second != 3)
    throw InvalidArgument("MRI measurement: parameter fft_dims must be 2 or 3, got " + std::to_string(found->second));
  return static_cast<int>(found->second);
}

const char* to_string(CoilMapSource source) {
  switch (source) {
    case CoilMapSource::kAuto: return "auto";
    case CoilMapSource::kEspirit: return "espirit";
    case CoilMapSource::kLowResolution: return "lowres";
  }
  return "unknown";
}

CoilMapSource parse_coil_map_source(const std::string& name) {
  for (const auto source : {CoilMapSource::kAuto, CoilMapSource::kEspirit, CoilMapSource::kLowResolution})
    if (name == to_string(source)) return source;
  throw InvalidArgument("unknown coil map source '" + name + "' (expected auto, espirit or lowres)");
}

namespace {

torch::Tensor coil_maps_as_given(const Measurement& m, torch::Device device, CoilMapSource source) {
  const int dims = fft_dims_of(m);
  const auto stored = m.arrays.find("coil_maps");
  if (source == CoilMapSource::kAuto && stored != m.arrays.end()) return stored->second.to(device, torch::kComplexFloat);
  const auto kspace = m.data.to(device, torch::kComplexFloat);
  if (source == CoilMapSource::kLowResolution) return lowres_coil_maps(kspace, dims);
  try {
    return espirit_coil_maps(kspace, m.arrays.at("mask"), dims);
  } catch (const InvalidArgument& e) {
    if (source == CoilMapSource::kEspirit) throw;
    Log(LogLevel::kWarning) << e.what() << "; using low-resolution coil maps instead";
    return lowres_coil_maps(kspace, dims);
  }
}

}  // namespace

torch::Tensor coil_maps_of(const Measurement& m, torch::Device device, CoilMapSource source) {
  validate(m, "MRI measurement");
  return normalised_coil_maps(coil_maps_as_given(m, device, source));
}

OperatorPtr mri_forward_operator(const Measurement& m, const torch::Tensor& coil_maps) {
  return sense_operator(coil_maps, m.arrays.at("mask"), fft_dims_of(m));
}

}  // namespace diffrecon
