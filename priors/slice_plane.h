#pragma once

#include <torch/types.h>

#include <string>

namespace diffrecon {

// The planes a 2D prior is trained on and applied along, for a volume tensor [Z, Y, X]:
//   axial    slices z = const, images [Y, X];
//   coronal  slices y = const, images [Z, X];
//   sagittal slices x = const, images [Z, Y].
enum class SlicePlane { kAxial, kCoronal, kSagittal };

// "axial", "coronal", "sagittal"; parse_slice_plane throws InvalidArgument for anything else.
const char* to_string(SlicePlane plane);
SlicePlane parse_slice_plane(const std::string& name);

// The volume as a stack of images [N, H, W] along `plane` (a view where possible) and back:
// from_slices(to_slices(v, p), p) equals v.
torch::Tensor to_slices(const torch::Tensor& volume, SlicePlane plane);
torch::Tensor from_slices(const torch::Tensor& slices, SlicePlane plane);

// The number of slices along `plane` of a volume of shape [Z, Y, X]: Z, Y or X.
int64_t slice_count(at::IntArrayRef volume_shape, SlicePlane plane);

// Centred zero padding or cropping of the last two dimensions to [height, width]; the inverse of a
// fit_to_size is fit_to_size back to the original size.
torch::Tensor fit_to_size(const torch::Tensor& images, int64_t height, int64_t width);

}  // namespace diffrecon
