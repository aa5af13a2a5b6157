#include "cli/preview.h"

#include <algorithm>

#include "data/io/png_file.h"
#include "priors/slice_plane.h"

namespace diffrecon::cli {

torch::Tensor orthogonal_views(const torch::Tensor& volume) {
  const auto v = volume.detach().to(torch::kCPU, torch::kFloat);
  const int64_t size = std::max({v.size(0), v.size(1), v.size(2)});
  const auto axial = v.select(0, v.size(0) / 2);
  const auto coronal = v.select(1, v.size(1) / 2).flip(0);
  const auto sagittal = v.select(2, v.size(2) / 2).flip(0);
  return torch::stack(
      {fit_to_size(axial, size, size), fit_to_size(coronal, size, size), fit_to_size(sagittal, size, size)});
}

void write_preview(const std::vector<torch::Tensor>& volumes, double low, double high,
                   const std::string& path) {
  std::vector<torch::Tensor> views;
  for (const auto& v : volumes) views.push_back(orthogonal_views(v));
  write_png(image_grid(torch::cat(views), 3, low, high), path);
}

}  // namespace diffrecon::cli
