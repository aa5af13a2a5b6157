#pragma once

#include <torch/types.h>

namespace diffrecon {

// The `percent`-th percentile of all values (real): the element of rank ⌊(percent/100)·(n − 1)⌋ in
// ascending order (no interpolation). Throws InvalidArgument for an empty tensor or percent ∉ [0, 100].
double percentile(const torch::Tensor& values, double percent);

}  // namespace diffrecon
