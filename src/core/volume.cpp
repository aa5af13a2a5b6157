#include "core/volume.h"

#include <sstream>

#include "core/error.h"

namespace diffrecon {

Volume::Volume(torch::Tensor data, Geometry geometry) : data_(std::move(data)), geometry_(geometry) {
  if (!data_.defined()) throw InvalidArgument("Volume: the voxel tensor is undefined");
  if (data_.dim() != 3) {
    std::ostringstream msg;
    msg << "Volume: expected a 3D tensor [Z, Y, X], got shape " << data_.sizes();
    throw ShapeMismatch(msg.str());
  }
  if (data_.scalar_type() != torch::kFloat && data_.scalar_type() != torch::kComplexFloat)
    throw ShapeMismatch(std::string("Volume: voxels must be float32 or complex64, got ") +
                        c10::toString(data_.scalar_type()));
  if (data_.numel() == 0) throw ShapeMismatch("Volume: the volume has no voxels");
  geometry_.validate("Volume");
}

Volume Volume::to(const torch::Device& device) const { return Volume(data_.to(device), geometry_); }

}  // namespace diffrecon
