#pragma once

#include <itkImage.h>
#include <itkImportImageFilter.h>

#include <optional>
#include <string>

#include "core/error.h"
#include "core/volume.h"

namespace diffrecon {

// Copies an ITK float volume into a Volume ([Z, Y, X] ↔ ITK's x-fastest buffer; spacing, origin and
// direction as they are, or the k spacing replaced by `slice_spacing`). Throws IoError naming `what`
// for NaN/Inf voxels or an invalid geometry.
inline Volume volume_from_itk(itk::Image<float, 3>& image, const std::string& what,
                              std::optional<double> slice_spacing = std::nullopt) {
  const auto size = image.GetLargestPossibleRegion().GetSize();
  auto data = torch::from_blob(image.GetBufferPointer(),
                               {static_cast<int64_t>(size[2]), static_cast<int64_t>(size[1]),
                                static_cast<int64_t>(size[0])},
                               torch::kFloat)
                  .clone();
  if (!torch::isfinite(data).all().item<bool>()) throw IoError(what + ": the volume contains NaN or Inf voxels");
  Geometry geometry;
  for (int i = 0; i < 3; ++i) {
    geometry.spacing[i] = image.GetSpacing()[i];
    geometry.origin[i] = image.GetOrigin()[i];
    for (int j = 0; j < 3; ++j) geometry.direction[3 * i + j] = image.GetDirection()(i, j);
  }
  if (slice_spacing) geometry.spacing[2] = *slice_spacing;
  try {
    return Volume(data, geometry);
  } catch (const Error& e) {
    throw IoError(what + ": " + e.what());
  }
}

// An ITK view of contiguous CPU voxels [Z, Y, X] of TPixel with `geometry`; `voxels` must outlive it.
template <typename TPixel>
typename itk::ImportImageFilter<TPixel, 3>::Pointer import_voxels(const torch::Tensor& voxels,
                                                                  const Geometry& geometry) {
  using Image = itk::Image<TPixel, 3>;
  auto import = itk::ImportImageFilter<TPixel, 3>::New();
  typename Image::SizeType size;
  size[0] = voxels.size(2);
  size[1] = voxels.size(1);
  size[2] = voxels.size(0);
  typename Image::RegionType region;
  region.SetSize(size);
  import->SetRegion(region);
  typename Image::DirectionType direction;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) direction(i, j) = geometry.direction[3 * i + j];
  import->SetSpacing(geometry.spacing.data());
  import->SetOrigin(geometry.origin.data());
  import->SetDirection(direction);
  import->SetImportPointer(const_cast<TPixel*>(voxels.data_ptr<TPixel>()), voxels.numel(),
                           /*LetImportManageMemory=*/false);
  return import;
}

}  // namespace diffrecon
