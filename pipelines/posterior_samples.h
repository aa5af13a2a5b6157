#pragma once

#include "core/volume.h"
#include "pipelines/reconstruction_methods.h"

namespace diffrecon {

// The per-voxel mean and standard deviation of `count` reconstructions with the seeds seed, seed + 1,
// …: for a diffusion method, samples of its posterior, so the standard deviation shows where the prior,
// not the data, decides the volume (large in the measurement's null space, e.g. at missing view angles).
struct PosteriorSamples {
  Volume mean;
  Volume standard_deviation;  // sample standard deviation (divisor count − 1)
};

// count >= 2 and a method that draws random numbers (needs_prior), else SettingError. Streams the
// samples (Welford's update), so memory stays at three volumes for any count. `report` sums the
// samples' times and NFE.
PosteriorSamples posterior_samples(const ReconstructionRequest& request, const std::string& method, int count,
                                   SamplerReport* report = nullptr);

}  // namespace diffrecon
