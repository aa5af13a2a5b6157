#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

namespace diffrecon::cli {

// The central axial, coronal and sagittal slices of a [Z, Y, X] volume, each centred in a square of
// the largest extent, coronal and sagittal with z pointing up: [3, S, S] on the CPU.
torch::Tensor orthogonal_views(const torch::Tensor& volume);

// A PNG with one row per volume (all of one size) and the columns axial, coronal, sagittal; grey
// levels map [low, high] to black … white.
void write_preview(const std::vector<torch::Tensor>& volumes, double low, double high,
                   const std::string& path);

}  // namespace diffrecon::cli
