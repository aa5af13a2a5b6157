#include "priors/slice_plane.h"

#include <torch/nn/functional/padding.h>

#include "core/error.h"

namespace diffrecon {

const char* to_string(SlicePlane plane) {
  switch (plane) {
    case SlicePlane::kAxial:
      return "axial";
    case SlicePlane::kCoronal:
      return "coronal";
    case SlicePlane::kSagittal:
      return "sagittal";
  }
  return "?";
}

SlicePlane parse_slice_plane(const std::string& name) {
  for (const SlicePlane plane : {SlicePlane::kAxial, SlicePlane::kCoronal, SlicePlane::kSagittal})
    if (name == to_string(plane)) return plane;
  throw InvalidArgument("unknown plane '" + name + "' (expected axial, coronal or sagittal)");
}

torch::Tensor to_slices(const torch::Tensor& volume, SlicePlane plane) {
  if (volume.dim() != 3) throw ShapeMismatch("to_slices: expected a volume [Z, Y, X]");
  switch (plane) {
    case SlicePlane::kAxial:
      return volume;
    case SlicePlane::kCoronal:
      return volume.permute({1, 0, 2});
    case SlicePlane::kSagittal:
      return volume.permute({2, 0, 1});
  }
  return volume;
}

int64_t slice_count(at::IntArrayRef shape, SlicePlane plane) {
  if (shape.size() != 3) throw ShapeMismatch("slice_count: expected a volume shape [Z, Y, X]");
  return shape[plane == SlicePlane::kAxial ? 0 : plane == SlicePlane::kCoronal ? 1 : 2];
}

torch::Tensor from_slices(const torch::Tensor& slices, SlicePlane plane) {
  if (slices.dim() != 3) throw ShapeMismatch("from_slices: expected slices [N, H, W]");
  switch (plane) {
    case SlicePlane::kAxial:
      return slices;
    case SlicePlane::kCoronal:
      return slices.permute({1, 0, 2});
    case SlicePlane::kSagittal:
      return slices.permute({1, 2, 0});
  }
  return slices;
}

torch::Tensor fit_to_size(const torch::Tensor& images, int64_t height, int64_t width) {
  if (images.dim() < 2 || height < 1 || width < 1) throw InvalidArgument("fit_to_size: bad sizes");
  const int64_t dh = height - images.size(-2), dw = width - images.size(-1);
  // Negative padding crops; the extra pixel of an odd difference goes to the end.
  namespace F = torch::nn::functional;
  const int64_t top = dh >= 0 ? dh / 2 : -((-dh) / 2), left = dw >= 0 ? dw / 2 : -((-dw) / 2);
  return F::pad(images, F::PadFuncOptions({left, dw - left, top, dh - top}));
}

}  // namespace diffrecon
