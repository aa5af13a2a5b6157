#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

#include "core/measurement.h"
#include "operators/ct/parallel_beam.h"

namespace diffrecon {

// The projector geometry of a CT measurement: its angles and detector, and the in-plane grid of the
// volume to reconstruct (volume_size, geometry.spacing x/y). Throws InvalidArgument for an MRI or an
// inconsistent measurement (as validate()).
ParallelBeamGeometry parallel_beam_geometry(const Measurement& measurement);

// κ = (2V/π) · p³ / d for V views, pixel spacing p = √(p_x p_y) and detector spacing d (mm): our AᴴA is
// κ times the official code's AT A (operators/ct/parallel_beam.h), so the official ρ, λ become ρκ, λκc
// on our operators (c the intensity scale).
double official_projector_ratio(const ParallelBeamGeometry& geometry);

// ‖A‖₂ of the projector of `geometry`, by power iteration on one slice (every slice has the same
// operator), from below to a relative 1e-4.
double projector_norm(const ParallelBeamGeometry& geometry);

// λ_max(AᴴA) of our projector divided by 389, the largest eigenvalue of the official code's AT∘A for
// 256² images and 8 views (reference/diffusion_methods.md §1.1): multiplying the official ρ and λ·c by
// it keeps their weight relative to the data term the same for any image size, voxel size and view
// count (κ above keeps it only at the official image size). Estimated by power iteration on one slice.
double official_normal_scale(const ParallelBeamGeometry& geometry);

// Which voxels a CT method may make non-zero.
enum class FieldOfView {
  kMeasured,  // only inside the disc every view sees (operators/ct/field_of_view.h); zero outside
  kFull,      // the whole slice, also where the data do not determine it
};

// "measured", "full"; parse throws InvalidArgument for anything else.
const char* to_string(FieldOfView field_of_view);
FieldOfView parse_field_of_view(const std::string& name);

// The mask [ny, nx] on `device` of the voxels a CT method keeps under `field_of_view`: the measured field
// of view (operators/ct/field_of_view.h), or an undefined tensor when every voxel is kept (kFull, or a
// detector that covers the slice). When it zeroes voxels it says so in the log.
torch::Tensor field_of_view_to_keep(const ParallelBeamGeometry& geometry, FieldOfView field_of_view,
                                    torch::Device device);

// N views uniform over [0, π): θ_k = π k / N (sparse view).
std::vector<double> sparse_view_angles(int views);

// Limited angle: θ = start, start + step, … while < stop (degrees in, radians out), e.g. 0:120:1 gives the
// 120 views 0°, 1°, …, 119° (DDS's LA-CT). Throws InvalidArgument unless step > 0 and start < stop.
std::vector<double> limited_angle_angles(double start_deg, double stop_deg, double step_deg);

// Parses "START:STOP:STEP" (degrees) into limited_angle_angles; throws InvalidArgument on bad text.
std::vector<double> parse_limited_angle(const std::string& text);

}  // namespace diffrecon
