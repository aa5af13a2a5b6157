#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/measurement.h"
#include "core/volume.h"
#include "pipelines/dds.h"
#include "pipelines/method_settings.h"
#include "priors/slice_prior.h"

namespace diffrecon {

// Everything a reconstruction method gets: the measurement (which carries the forward model and the
// output geometry), its settings, where to compute, the seed of its random draws and, for the methods
// that need one, the prior. Methods do no file I/O.
struct ReconstructionRequest {
  const Measurement* measurement = nullptr;
  MethodSettings settings;
  torch::Device device = torch::kCPU;
  uint64_t seed = 0;
  std::shared_ptr<const SlicePrior> prior;
  std::shared_ptr<const SlicePrior> auxiliary_prior;  // TPDM's prior on the perpendicular plane
  bool keep_adapted_prior = false;  // DDIP: return the adapted network in the report
};

// A registered method: the command line, the batch runner and the ITK filter find methods here by name.
struct ReconstructionMethod {
  const char* name;
  Modality modality;
  bool needs_prior;
  bool needs_auxiliary_prior;
  const char* summary;  // one line, with its settings
  // The volume (float32, on the request's device, the measurement's geometry); fills `report` (may be
  // null) for diffusion methods. Throws SettingError for bad settings, InvalidArgument for bad data.
  Volume (*run)(const ReconstructionRequest& request, SamplerReport* report);
};

const std::vector<ReconstructionMethod>& reconstruction_methods();

// The method `name` for `modality`; throws SettingError listing the modality's methods otherwise.
const ReconstructionMethod& find_reconstruction_method(const std::string& name, Modality modality);

// fbp (CT), zero-filled (MRI) or interpolate (z-SR).
const char* default_reconstruction_method(Modality modality);

// Runs `method` on the request (checks that a prior is given when the method needs one).
Volume reconstruct(const ReconstructionRequest& request, const std::string& method, SamplerReport* report = nullptr);

}  // namespace diffrecon
