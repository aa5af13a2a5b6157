#pragma once

#include <string>

#include "core/volume.h"
#include "data/io/dataset_part.h"

namespace diffrecon {

// The Colin27 T1 head of Debian's mricron-data: the project's real-data volume for demos, training and
// evaluation (the priors issue defines its preparation and split).
constexpr const char* kColin27Path = "/usr/share/mricron/templates/ch2.nii.gz";

// kWhole: the whole head, zero-padded to 128 slices as well (a 128³ cube); kTraining: the lowest 55% of
// the head's inferior→superior extent; kTest: the top 40%, the held-out test slab (never used for
// training or tuning).
using Colin27Part = DatasetPart;
inline Colin27Part parse_colin27_part(const std::string& name) { return parse_dataset_part(name); }

// The prepared Colin27 volume: read from `path`, oriented so that slice index grows towards superior,
// resampled (trilinear) to ≈ 1.75 mm isotropic, intensities divided by the volume's 99.5th percentile
// and clipped to [0, 1], zero-padded (centred) to 128 × 128 in-plane, then cut to `part` along z. The
// geometry follows every step (spacing, origin, direction), so the result overlays the original.
// Throws IoError when the file cannot be read, InvalidArgument when it does not fit 128 × 128 at 1.75 mm.
Volume colin27(Colin27Part part, const std::string& path = kColin27Path);

// The `count` central axial slices of a volume, with the geometry that keeps them in place; the whole
// volume when count <= 0 or count >= its slice count.
Volume central_slices(const Volume& volume, int64_t count);

}  // namespace diffrecon
