#include "operators/ct/parallel_beam.h"

#include <ATen/Dispatch.h>

#include <cmath>

#include "core/error.h"
#include "core/threading.h"

namespace diffrecon {
namespace {

// Visits the (pixel, weight) pairs of one ray: visit(flat pixel index, weight).
template <typename Visit>
void trace_ray(const ParallelBeamGeometry& g, double cos_t, double sin_t, double s, const Visit& visit) {
  const double cx = 0.5 * (g.nx - 1), cy = 0.5 * (g.ny - 1);
  const double dx = -sin_t, dy = cos_t;  // ray direction
  const double px = s * cos_t, py = s * sin_t;  // the ray's point nearest the centre
  if (std::abs(dy) >= std::abs(dx)) {
    const double step = g.pixel_spacing_y / std::abs(dy);
    for (int64_t j = 0; j < g.ny; ++j) {
      const double y = (j - cy) * g.pixel_spacing_y;
      const double x = px + (y - py) / dy * dx;
      const double fi = x / g.pixel_spacing_x + cx;
      const double i0 = std::floor(fi);
      const double w1 = fi - i0;
      const auto i = static_cast<int64_t>(i0);
      if (i >= 0 && i < g.nx) visit(j * g.nx + i, (1 - w1) * step);
      if (i + 1 >= 0 && i + 1 < g.nx) visit(j * g.nx + i + 1, w1 * step);
    }
  } else {
    const double step = g.pixel_spacing_x / std::abs(dx);
    for (int64_t i = 0; i < g.nx; ++i) {
      const double x = (i - cx) * g.pixel_spacing_x;
      const double y = py + (x - px) / dx * dy;
      const double fj = y / g.pixel_spacing_y + cy;
      const double j0 = std::floor(fj);
      const double w1 = fj - j0;
      const auto j = static_cast<int64_t>(j0);
      if (j >= 0 && j < g.ny) visit(j * g.nx + i, (1 - w1) * step);
      if (j + 1 >= 0 && j + 1 < g.ny) visit((j + 1) * g.nx + i, w1 * step);
    }
  }
}

class ParallelBeamProjector final : public LinearOperator {
 public:
  explicit ParallelBeamProjector(ParallelBeamGeometry g)
      : LinearOperator("ParallelBeam[" + std::to_string(g.angles.size()) + " views]", {g.nz, g.ny, g.nx},
                       {g.nz, static_cast<int64_t>(g.angles.size()), g.detector_count}, Field::kReal, Field::kReal),
        g_(std::move(g)) {
    for (const double a : g_.angles) {
      cos_.push_back(std::cos(a));
      sin_.push_back(std::sin(a));
    }
  }

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override {
    const auto image = x.contiguous();
    auto sinogram = torch::zeros(range_shape(), image.options());
    const int64_t views = static_cast<int64_t>(g_.angles.size()), bins = g_.detector_count;
    AT_DISPATCH_FLOATING_TYPES(image.scalar_type(), "parallel_beam_forward", [&] {
      const scalar_t* in = image.data_ptr<scalar_t>();
      scalar_t* out = sinogram.data_ptr<scalar_t>();
      parallel_for(0, g_.nz * views, 1, [&](int64_t begin, int64_t end) {
        for (int64_t zv = begin; zv < end; ++zv) {
          const int64_t z = zv / views, v = zv % views;
          const scalar_t* slice = in + z * g_.ny * g_.nx;
          for (int64_t u = 0; u < bins; ++u) {
            double sum = 0;
            trace_ray(g_, cos_[v], sin_[v], detector_position(u),
                      [&](int64_t pixel, double w) { sum += w * slice[pixel]; });
            out[zv * bins + u] = static_cast<scalar_t>(sum);
          }
        }
      });
    });
    return sinogram;
  }

  torch::Tensor adjoint_impl(const torch::Tensor& y) const override {
    const auto sinogram = y.contiguous();
    auto image = torch::zeros(domain_shape(), sinogram.options());
    const int64_t views = static_cast<int64_t>(g_.angles.size()), bins = g_.detector_count;
    AT_DISPATCH_FLOATING_TYPES(sinogram.scalar_type(), "parallel_beam_adjoint", [&] {
      const scalar_t* in = sinogram.data_ptr<scalar_t>();
      scalar_t* out = image.data_ptr<scalar_t>();
      // One slice per task: every write to a slice comes from one thread.
      parallel_for(0, g_.nz, 1, [&](int64_t begin, int64_t end) {
        for (int64_t z = begin; z < end; ++z) {
          scalar_t* slice = out + z * g_.ny * g_.nx;
          for (int64_t v = 0; v < views; ++v)
            for (int64_t u = 0; u < bins; ++u) {
              const double value = in[(z * views + v) * bins + u];
              if (value == 0) continue;
              trace_ray(g_, cos_[v], sin_[v], detector_position(u), [&](int64_t pixel, double w) {
                slice[pixel] += static_cast<scalar_t>(w * value);
              });
            }
        }
      });
    });
    return image;
  }

 private:
  double detector_position(int64_t u) const { return (u - 0.5 * (g_.detector_count - 1)) * g_.detector_spacing; }

  ParallelBeamGeometry g_;
  std::vector<double> cos_, sin_;
};

}  // namespace

OperatorPtr parallel_beam_projector(const ParallelBeamGeometry& g) {
  if (g.angles.empty()) throw InvalidArgument("parallel_beam_projector: at least one view angle is needed");
  for (const double a : g.angles)
    if (!std::isfinite(a)) throw InvalidArgument("parallel_beam_projector: view angles must be finite");
  if (g.detector_count <= 0 || g.nz <= 0 || g.ny <= 0 || g.nx <= 0)
    throw InvalidArgument("parallel_beam_projector: detector count and volume sizes must be positive");
  for (const double spacing : {g.detector_spacing, g.pixel_spacing_x, g.pixel_spacing_y})
    if (!(spacing > 0) || !std::isfinite(spacing))
      throw InvalidArgument("parallel_beam_projector: spacings must be finite and positive");
  return std::make_shared<ParallelBeamProjector>(g);
}

}  // namespace diffrecon
