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
struct QualityInputs {
  const Measurement* measurement = nullptr;
  std::string input;
  std::string method;
  const Volume* result = nullptr;
  SamplerReport report;
  double seconds = 0;
  std::vector<std::string> model_files;
  std::string reference_file;  // empty: none
  torch::Device device = torch::kCPU;
  uint64_t seed = 0;
};

nlohmann::json quality_report(const QualityInputs& inputs);

}  // namespace diffrecon::cli
