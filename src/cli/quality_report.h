#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/measurement.h"
#include "core/volume.h"
#include "pipelines/reconstruction_methods.h"

namespace diffrecon::cli {

// What `reconstruct --qa FILE` records about a result (docs/batch.md, "QA"):
//   data_consistency           ‖A x − y‖ / ‖y‖ of the result
//   classical                  the modality's classical reconstruction (FBP, zero-filled, cubic z
//                              interpolation): its data consistency and ‖x − x_classical‖ / ‖x_classical‖,
//                              how far the method (a prior) moved the result from what the data alone give
//   seconds, network_seconds, network_evaluations, peak_memory_mib
//   models                     each prior file with its content hash
//   reference                  PSNR, SSIM, NMSE against a reference volume, when one is given
//   posterior                  with several samples: their count and the mean and maximum standard deviation
//   field_of_view              CT: the measured field of view's radius (mm), the fraction of each slice
//                              outside it, and whether the result was set to zero there
struct QualityInputs {
  const Measurement* measurement = nullptr;
  std::string input;
  std::string method;
  const Volume* result = nullptr;
  std::string classical_method;
  const Volume* classical = nullptr;  // the classical reconstruction (the result itself when it is one)
  const Volume* reference = nullptr;  // optional, of the result's size
  std::string reference_file;
  const Volume* standard_deviation = nullptr;  // optional: of the posterior samples
  int samples = 1;
  SamplerReport report;
  double seconds = 0;
  std::vector<std::string> model_files;
  torch::Device device = torch::kCPU;
  uint64_t seed = 0;
  std::string field_of_view = "measured";  // CT: the field-of-view setting of the reconstruction
};

nlohmann::json quality_report(const QualityInputs& inputs);

}  // namespace diffrecon::cli
