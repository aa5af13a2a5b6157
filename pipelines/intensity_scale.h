#pragma once

#include <torch/types.h>

namespace diffrecon {

// The intensity scale c that stands in for the official code's images in [0, 1] when λ is given in
// its units: the 99.9th percentile of |image| (1 when it is not positive). A strided subsample of at
// most ~1M values keeps it cheap.
double intensity_scale(const torch::Tensor& image);

}  // namespace diffrecon
