#pragma once

#include <cstdint>

#include "core/measurement.h"
#include "core/volume.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/diffusion_problem.h"

namespace diffrecon::testing {

// A Shepp–Logan head of `slices` × 16 × 16 voxels (attenuation 0.02/mm for intensity 1) in 8-view
// parallel-beam CT, noiseless, as the diffusion pipelines see it (intensity scale 0.02).
struct SmallCt {
  Volume truth;
  Measurement measurement;
  DiffusionProblem problem;
};

inline SmallCt small_ct(int64_t slices) {
  const int64_t n = 16;
  Geometry geometry;
  geometry.spacing = {200.0 / n, 200.0 / n, 200.0 / n};
  Volume truth(shepp_logan_3d(slices, n, n) * 0.02f, geometry);
  CtScan scan;
  scan.angles = sparse_view_angles(8);
  Measurement m = simulate_ct(truth, scan, {}, 1);
  DiffusionProblem p = ct_diffusion_problem(m, torch::kCPU, 0.02);
  return {std::move(truth), std::move(m), std::move(p)};
}

}  // namespace diffrecon::testing
