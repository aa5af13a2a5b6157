#pragma once

#include <string>

#include "priors/prior_model.h"
#include "priors/trainer.h"

namespace diffrecon {

// Prior model files (docs/prior_format.md): HDF5 with the architecture, preconditioning, plane, image
// size, intensity normalisation, training description and content hash as attributes and one float32
// dataset per named parameter (the EMA weights). Independent of the LibTorch version that wrote them.
// A training checkpoint is the same file plus a /training group (step, online weights, AdamW moments).

// Writes atomically (staged, then renamed); `state` adds the /training group. Throws IoError.
void write_prior(const PriorModel& model, const std::string& path, const TrainingState* state = nullptr);

// Reads and checks a model file (format, architecture, every parameter's shape, the content hash).
// Throws IoError naming the file and the field.
PriorModel read_prior(const std::string& path);

// The /training group of a checkpoint; throws IoError when the file has none.
TrainingState read_training_state(const std::string& path);

// True when `path` is an HDF5 file that declares itself a diffrecon prior.
bool is_prior_file(const std::string& path);

}  // namespace diffrecon
