#include "operators/ct/parallel_beam.h"

#include <ATen/Dispatch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/threading.h"
#include "operators/ct/internal/joseph_ray.h"

#ifdef DIFFRECON_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <map>

#include "operators/ct/cuda/parallel_beam_cuda.h"
#endif

namespace diffrecon {
namespace {

using joseph::ViewLine;

// The bins u of ray positions m(u, r) that may fall in [−1, minor_count) on line r (one bin of slack on
// each side; the caller checks each position).
struct BinRange {
  int64_t first, last;  // inclusive; empty when first > last
};

BinRange bins_on_line(const ViewLine& line, double base, int64_t bins) {
  const double t1 = (-1 - base) / line.du, t2 = (static_cast<double>(line.minor_count) - base) / line.du;
  const double limit = static_cast<double>(bins);
  const double lo = std::clamp(std::floor(std::min(t1, t2)), 0.0, limit);
  const double hi = std::clamp(std::ceil(std::max(t1, t2)), -1.0, limit - 1);
  return {static_cast<int64_t>(lo), static_cast<int64_t>(hi)};
}

// Calls visit(u, k, w) for every ray u of the view that crosses major line r, meeting the line's pixels
// k and k + 1 with weights 1 − w and w (times the view's step). The one traversal behind A and Aᵀ.
template <typename Visit>
void for_each_crossing(const ViewLine& line, int64_t r, int64_t bins, const Visit& visit) {
  const double base = line.a0 + static_cast<double>(r) * line.dr;
  const BinRange range = bins_on_line(line, base, bins);
  for (int64_t u = range.first; u <= range.last; ++u) {
    int64_t k;
    double w;
    if (joseph::locate(line, base + static_cast<double>(u) * line.du, k, w)) visit(u, k, w);
  }
}

// A slice in a view's (major, minor) frame with one zero pixel before and after each line:
// frame[r · (minor_count + 2) + m + 1] = pixel (r, m).
template <typename T>
void fill_frame(const T* slice, const ViewLine& line, int64_t nx, std::vector<T>& frame) {
  const int64_t stride = line.minor_count + 2;
  frame.assign(line.major_count * stride, T(0));
  for (int64_t r = 0; r < line.major_count; ++r)
    for (int64_t m = 0; m < line.minor_count; ++m) frame[r * stride + m + 1] = slice[joseph::pixel_index(line, r, m, nx)];
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
      lines_.push_back(joseph::view_line(cos_.back(), sin_.back(), g_.ny, g_.nx, g_.pixel_spacing_y,
                                         g_.pixel_spacing_x, g_.detector_count, g_.detector_spacing));
      const int kind = lines_.back().y_major ? 0 : 1;
      if (!kinds_present_[kind]) first_of_kind_[kind] = static_cast<int64_t>(lines_.size()) - 1;
      kinds_present_[kind] = true;
    }
  }

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override {
    if (x.is_cuda()) return project_cuda(x, /*adjoint=*/false);
    const auto image = x.contiguous();
    auto sinogram = torch::empty(range_shape(), image.options());
    AT_DISPATCH_FLOATING_TYPES(image.scalar_type(), "parallel_beam_forward", [&] {
      forward(image.data_ptr<scalar_t>(), sinogram.data_ptr<scalar_t>());
    });
    return sinogram;
  }

  torch::Tensor adjoint_impl(const torch::Tensor& y) const override {
    if (y.is_cuda()) return project_cuda(y, /*adjoint=*/true);
    const auto sinogram = y.contiguous();
    auto image = torch::empty(domain_shape(), sinogram.options());
    AT_DISPATCH_FLOATING_TYPES(sinogram.scalar_type(), "parallel_beam_adjoint", [&] {
      adjoint(sinogram.data_ptr<scalar_t>(), image.data_ptr<scalar_t>());
    });
    return image;
  }

 private:
  // sinogram[z, v, u] = step · Σ_r [(1 − w) pixel(r, k) + w pixel(r, k + 1)]. Slice by slice, the views
  // of a slice in parallel: the threads share the slice's frames in cache.
  template <typename T>
  void forward(const T* image, T* sinogram) const {
    const int64_t views = static_cast<int64_t>(lines_.size()), bins = g_.detector_count;
    std::vector<T> frames[2];
    for (int64_t z = 0; z < g_.nz; ++z) {
      for (const int kind : {0, 1})
        if (kinds_present_[kind]) fill_frame(image + z * g_.ny * g_.nx, lines_[first_of_kind_[kind]], g_.nx, frames[kind]);
      parallel_for(0, views, 1, [&](int64_t begin, int64_t end) {
        std::vector<double> sums(bins);
        for (int64_t v = begin; v < end; ++v) {
          const ViewLine& line = lines_[v];
          const T* frame = frames[line.y_major ? 0 : 1].data();
          const int64_t stride = line.minor_count + 2;
          std::fill(sums.begin(), sums.end(), 0.0);
          for (int64_t r = 0; r < line.major_count; ++r) {
            const T* row = frame + r * stride;
            for_each_crossing(line, r, bins, [&](int64_t u, int64_t k, double w) {
              sums[u] += (1 - w) * row[k + 1] + w * row[k + 2];
            });
          }
          T* out = sinogram + (z * views + v) * bins;
          for (int64_t u = 0; u < bins; ++u) out[u] = static_cast<T>(sums[u] * line.step);
        }
      });
    }
  }

  // The transpose of forward: scatters step · y[z, v, u] with the same weights. Slice by slice; the
  // frame lines (rows of the y-major frame, then columns of the x-major one) in parallel, so every
  // thread writes its own lines and all share the slice's sinogram in cache.
  template <typename T>
  void adjoint(const T* sinogram, T* image) const {
    const int64_t views = static_cast<int64_t>(lines_.size()), bins = g_.detector_count;
    std::vector<double> frames[2] = {std::vector<double>(g_.ny * (g_.nx + 2)), std::vector<double>(g_.nx * (g_.ny + 2))};
    for (int64_t z = 0; z < g_.nz; ++z) {
      const T* slice_sinogram = sinogram + z * views * bins;
      parallel_for(0, g_.ny + g_.nx, 1, [&](int64_t begin, int64_t end) {
        for (int64_t task = begin; task < end; ++task) {
          const int kind = task < g_.ny ? 0 : 1;
          const int64_t r = kind == 0 ? task : task - g_.ny;
          const int64_t stride = (kind == 0 ? g_.nx : g_.ny) + 2;
          double* row = frames[kind].data() + r * stride;
          std::fill(row, row + stride, 0.0);
          for (int64_t v = 0; v < views; ++v) {
            const ViewLine& line = lines_[v];
            if (line.y_major != (kind == 0)) continue;
            const T* values = slice_sinogram + v * bins;
            for_each_crossing(line, r, bins, [&](int64_t u, int64_t k, double w) {
              const double value = values[u] * line.step;
              row[k + 1] += (1 - w) * value;
              row[k + 2] += w * value;
            });
          }
        }
      });
      T* slice = image + z * g_.ny * g_.nx;
      parallel_for(0, g_.ny, 16, [&](int64_t begin, int64_t end) {
        for (int64_t j = begin; j < end; ++j)
          for (int64_t i = 0; i < g_.nx; ++i)
            slice[j * g_.nx + i] = static_cast<T>(frames[0][j * (g_.nx + 2) + i + 1] + frames[1][i * (g_.ny + 2) + j + 1]);
      });
    }
  }

#ifdef DIFFRECON_WITH_CUDA
  // The same rays on the input's CUDA device, asynchronously on its current stream
  // (operators/ct/cuda/parallel_beam_cuda.h).
  torch::Tensor project_cuda(const torch::Tensor& input, bool adjoint) const {
    const auto dtype = input.scalar_type();
    if (dtype != torch::kFloat && dtype != torch::kDouble)
      throw NotSupported(std::string("parallel_beam_projector: CUDA: float32 or float64 tensors only, got ") +
                         c10::toString(dtype));
    const c10::cuda::CUDAGuard guard(input.device());
    const auto in = input.contiguous();
    // The forward kernel writes every bin; the adjoint one adds into the image.
    auto out =
        adjoint ? torch::zeros(domain_shape(), in.options()) : torch::empty(range_shape(), in.options());
    const torch::Tensor directions = cuda_directions(in.device());
    DiffreconParallelBeamGeometry geometry{};
    geometry.nz = g_.nz;
    geometry.ny = g_.ny;
    geometry.nx = g_.nx;
    geometry.views = static_cast<int64_t>(g_.angles.size());
    geometry.detector_count = g_.detector_count;
    geometry.pixel_spacing_x = g_.pixel_spacing_x;
    geometry.pixel_spacing_y = g_.pixel_spacing_y;
    geometry.detector_spacing = g_.detector_spacing;
    geometry.cos_angles = directions.data_ptr<double>();
    geometry.sin_angles = geometry.cos_angles + geometry.views;
    void* stream = c10::cuda::getCurrentCUDAStream(in.device().index()).stream();
    int rc = 0;
    if (dtype == torch::kFloat) {
      const float* src = in.data_ptr<float>();
      float* dst = out.data_ptr<float>();
      rc = adjoint ? diffrecon_parallel_beam_adjoint_f32(&geometry, src, dst, stream)
                   : diffrecon_parallel_beam_forward_f32(&geometry, src, dst, stream);
    } else {
      const double* src = in.data_ptr<double>();
      double* dst = out.data_ptr<double>();
      rc = adjoint ? diffrecon_parallel_beam_adjoint_f64(&geometry, src, dst, stream)
                   : diffrecon_parallel_beam_forward_f64(&geometry, src, dst, stream);
    }
    if (rc != 0)
      throw Error(std::string("parallel_beam_projector: CUDA: ") + diffrecon_cuda_error_string(rc));
    return out;
  }

  // [cos θ_0 .. cos θ_{V−1}, sin θ_0 .. sin θ_{V−1}] as float64 on `device`, copied from cos_ and sin_
  // (the host's values, so both devices step the same way) on first use and kept for later calls.
  torch::Tensor cuda_directions(const torch::Device& device) const {
    const std::lock_guard<std::mutex> lock(cuda_mutex_);
    torch::Tensor& directions = cuda_directions_[device.index()];
    if (!directions.defined()) {
      std::vector<double> host(cos_);
      host.insert(host.end(), sin_.begin(), sin_.end());
      directions = torch::tensor(host, torch::kDouble).to(device);
    }
    return directions;
  }
#else
  torch::Tensor project_cuda(const torch::Tensor&, bool) const {
    throw NotSupported("parallel_beam_projector: this build has no CUDA support");
  }
#endif

  ParallelBeamGeometry g_;
  std::vector<double> cos_, sin_;
  std::vector<ViewLine> lines_;
  bool kinds_present_[2] = {false, false};  // some view is y-major / x-major
  int64_t first_of_kind_[2] = {0, 0};       // a view of each kind (the frame's layout)
#ifdef DIFFRECON_WITH_CUDA
  mutable std::mutex cuda_mutex_;
  mutable std::map<c10::DeviceIndex, torch::Tensor> cuda_directions_;
#endif
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
