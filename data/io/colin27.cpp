#include "data/io/colin27.h"

#include <ATen/ops/upsample_trilinear3d.h>

#include <cmath>

#include "core/error.h"
#include "core/statistics.h"
#include "data/io/volume_io.h"

namespace diffrecon {
namespace {

constexpr double kSpacingMm = 1.75;
constexpr int64_t kInPlane = 128;
constexpr double kTrainingFraction = 0.55, kTestStart = 0.60, kNormalisingPercentile = 99.5;

// Physical position of the continuous index (i, j, k).
std::array<double, 3> position(const Geometry& g, double i, double j, double k) { return g.index_to_physical({i, j, k}); }

// Reverses the slice order when index k runs towards inferior (LPS z decreasing).
Volume superior_up(const Volume& v) {
  const auto& d = v.geometry().direction;
  if (d[8] >= 0) return v;
  Geometry g = v.geometry();
  g.origin = position(v.geometry(), 0, 0, static_cast<double>(v.nz() - 1));
  for (int row = 0; row < 3; ++row) g.direction[row * 3 + 2] = -d[row * 3 + 2];
  return Volume(v.data().flip({0}).contiguous(), g);
}

Volume resample(const Volume& v) {
  const std::array<int64_t, 3> old_size{v.nx(), v.ny(), v.nz()};
  std::array<int64_t, 3> new_size{};
  Geometry g = v.geometry();
  std::array<double, 3> first{};  // index of the new voxel (0, 0, 0) in the old grid
  for (int a = 0; a < 3; ++a) {
    const double extent = static_cast<double>(old_size[a]) * v.geometry().spacing[a];
    new_size[a] = std::max<int64_t>(1, std::llround(extent / kSpacingMm));
    const double scale = static_cast<double>(old_size[a]) / static_cast<double>(new_size[a]);
    g.spacing[a] = v.geometry().spacing[a] * scale;
    first[a] = 0.5 * scale - 0.5;  // align_corners = false: centre k maps to (k + ½) scale − ½
  }
  g.origin = position(v.geometry(), first[0], first[1], first[2]);
  const auto data = at::upsample_trilinear3d(v.data().to(torch::kFloat).unsqueeze(0).unsqueeze(0),
                                             {new_size[2], new_size[1], new_size[0]}, /*align_corners=*/false);
  return Volume(data[0][0].contiguous(), g);
}

torch::Tensor normalise(const torch::Tensor& x) {
  const double scale = percentile(x, kNormalisingPercentile);
  if (!(scale > 0)) throw InvalidArgument("Colin27: the volume's 99.5th percentile is not positive");
  return (x / scale).clamp(0, 1);
}

// Zero-pads (centred) to `size` along dimension `dim` of [Z, Y, X] (axis a = 2 − dim), moving the origin.
Volume pad_to(const Volume& v, int dim, int64_t size) {
  const int64_t current = v.data().size(dim);
  if (current > size)
    throw InvalidArgument("Colin27: " + std::to_string(current) + " voxels at 1.75 mm do not fit in " + std::to_string(size));
  const int64_t before = (size - current) / 2;
  std::vector<int64_t> shape(v.data().sizes().begin(), v.data().sizes().end());
  shape[dim] = size;
  auto data = torch::zeros(shape, v.data().options());
  data.narrow(dim, before, current).copy_(v.data());
  Geometry g = v.geometry();
  std::array<double, 3> shift{0, 0, 0};
  shift[2 - dim] = -static_cast<double>(before);
  g.origin = position(v.geometry(), shift[0], shift[1], shift[2]);
  return Volume(data, g);
}


}  // namespace

Volume central_slices(const Volume& volume, int64_t count) {
  if (count <= 0 || count >= volume.nz()) return volume;
  return z_slab(volume, (volume.nz() - count) / 2, count);
}

Volume colin27(Colin27Part part, const std::string& path) {
  const Volume resampled = resample(superior_up(read_volume(path)));
  Volume v(normalise(resampled.data()), resampled.geometry());
  v = pad_to(pad_to(v, 2, kInPlane), 1, kInPlane);
  if (part == Colin27Part::kWhole) return pad_to(v, 0, kInPlane);
  return dataset_part(v, part, kTrainingFraction, kTestStart);
}

}  // namespace diffrecon
