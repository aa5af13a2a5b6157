#pragma once

#include <torch/types.h>

#include "core/geometry.h"

namespace diffrecon {

// A 3D image: tensor [Z, Y, X] (float32 or complex64, on any device) with its world geometry.
// The constructor checks both; a Volume is always valid.
class Volume {
 public:
  Volume(torch::Tensor data, Geometry geometry);

  const torch::Tensor& data() const { return data_; }
  const Geometry& geometry() const { return geometry_; }
  int64_t nx() const { return data_.size(2); }
  int64_t ny() const { return data_.size(1); }
  int64_t nz() const { return data_.size(0); }

  // The same voxels on `device` (no copy when already there).
  Volume to(const torch::Device& device) const;

 private:
  torch::Tensor data_;
  Geometry geometry_;
};

}  // namespace diffrecon
