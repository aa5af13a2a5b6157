#include "operators/daubechies_wavelet.h"

#include <algorithm>
#include <array>
#include <vector>

#include "core/error.h"

namespace diffrecon {
namespace {

// Low-pass filters h_0 … h_{2p−1} of Daubechies' orthogonal wavelets, p = 1 … 4 (Ten Lectures, Table 6.1,
// normalised to Σ h = √2).
std::vector<double> low_pass(int p) {
  switch (p) {
    case 1:
      return {0.7071067811865476, 0.7071067811865476};
    case 2:
      return {0.4829629131445341, 0.8365163037378079, 0.2241438680420134, -0.1294095225512604};
    case 3:
      return {0.3326705529500826,  0.8068915093110925,  0.4598775021184915,
              -0.1350110200102546, -0.0854412738820267, 0.0352262918857095};
    case 4:
      return {0.2303778133088965,  0.7148465705529156, 0.6308807679298589, -0.0279837694168599,
              -0.1870348117190930, 0.0308413818355607, 0.0328830116668852, -0.0105974017850690};
  }
  throw InvalidArgument("daubechies_wavelet: vanishing moments must be 1 to 4, got " + std::to_string(p));
}

class DaubechiesWavelet final : public LinearOperator {
 public:
  DaubechiesWavelet(Shape shape, int p, int64_t min_size)
      : LinearOperator("Daubechies" + std::to_string(p) + to_string(shape), shape, shape), h_(low_pass(p)) {
    if (shape.size() < 2)
      throw InvalidArgument("daubechies_wavelet: expected a shape [..., Y, X], got " + to_string(shape));
    if (min_size < 2) throw InvalidArgument("daubechies_wavelet: min_size must be at least 2");
    const int64_t n = static_cast<int64_t>(h_.size());
    for (int64_t l = 0; l < n; ++l) g_.push_back((l % 2 == 0 ? 1.0 : -1.0) * h_[n - 1 - l]);
    levels_ = {wavelet_levels(shape[shape.size() - 2], min_size), wavelet_levels(shape.back(), min_size)};
  }

 protected:
  // Level by level, finest first: split the current low-pass block along Y, then along X.
  torch::Tensor apply_impl(const torch::Tensor& x) const override {
    auto out = x.clone();
    std::array<int64_t, 2> size{x.size(-2), x.size(-1)};
    for (int level = 0; level < std::max(levels_[0], levels_[1]); ++level) {
      auto block = out.narrow(-2, 0, size[0]).narrow(-1, 0, size[1]);
      for (int axis = 0; axis < 2; ++axis) {
        if (level >= levels_[axis]) continue;
        block.copy_(analysis(block, axis - 2));
      }
      for (int axis = 0; axis < 2; ++axis)
        if (level < levels_[axis]) size[axis] /= 2;
    }
    return out;
  }

  // The levels in reverse, each undoing X, then Y.
  torch::Tensor adjoint_impl(const torch::Tensor& c) const override {
    auto out = c.clone();
    const int levels = std::max(levels_[0], levels_[1]);
    for (int level = levels - 1; level >= 0; --level) {
      std::array<int64_t, 2> size{c.size(-2), c.size(-1)};
      for (int axis = 0; axis < 2; ++axis) size[axis] >>= std::min(level, levels_[axis]);
      auto block = out.narrow(-2, 0, size[0]).narrow(-1, 0, size[1]);
      for (int axis = 1; axis >= 0; --axis) {
        if (level >= levels_[axis]) continue;
        block.copy_(synthesis(block, axis - 2));
      }
    }
    return out;
  }

  torch::Tensor normal_impl(const torch::Tensor& x) const override { return x.clone(); }

 private:
  // [a, d] along `dim` from the polyphase components e[k] = x[2k], o[k] = x[2k + 1]:
  //   a[k] = Σ_j h_{2j} e[k + j] + h_{2j+1} o[k + j]   (and d with g).
  torch::Tensor analysis(const torch::Tensor& x, int64_t dim) const {
    const int64_t n = x.size(dim);
    const auto even = x.slice(dim, 0, n, 2), odd = x.slice(dim, 1, n, 2);
    auto a = torch::zeros_like(even), d = torch::zeros_like(even);
    for (size_t j = 0; 2 * j < h_.size(); ++j) {
      const auto e = torch::roll(even, {-static_cast<int64_t>(j)}, {dim});
      const auto o = torch::roll(odd, {-static_cast<int64_t>(j)}, {dim});
      a.add_(e, h_[2 * j]).add_(o, h_[2 * j + 1]);
      d.add_(e, g_[2 * j]).add_(o, g_[2 * j + 1]);
    }
    return torch::cat({a, d}, dim);
  }

  // The adjoint of analysis:  e[k] = Σ_j h_{2j} a[k − j] + g_{2j} d[k − j],  o[k] likewise with odd taps,
  // then x[2k] = e[k], x[2k + 1] = o[k].
  torch::Tensor synthesis(const torch::Tensor& c, int64_t dim) const {
    const int64_t half = c.size(dim) / 2;
    const auto a = c.narrow(dim, 0, half), d = c.narrow(dim, half, half);
    auto even = torch::zeros_like(a), odd = torch::zeros_like(a);
    for (size_t j = 0; 2 * j < h_.size(); ++j) {
      const auto as = torch::roll(a, {static_cast<int64_t>(j)}, {dim});
      const auto ds = torch::roll(d, {static_cast<int64_t>(j)}, {dim});
      even.add_(as, h_[2 * j]).add_(ds, g_[2 * j]);
      odd.add_(as, h_[2 * j + 1]).add_(ds, g_[2 * j + 1]);
    }
    const int64_t d_pos = dim < 0 ? dim + c.dim() : dim;
    return torch::stack({even, odd}, d_pos + 1).flatten(d_pos, d_pos + 1);
  }

  std::vector<double> h_, g_;
  std::array<int, 2> levels_{};
};

}  // namespace

int wavelet_levels(int64_t n, int64_t min_size) {
  int levels = 0;
  while (n % 2 == 0 && n >= min_size) {
    n /= 2;
    ++levels;
  }
  return levels;
}

OperatorPtr daubechies_wavelet(Shape shape, int vanishing_moments, int64_t min_size) {
  return std::make_shared<DaubechiesWavelet>(std::move(shape), vanishing_moments, min_size);
}

}  // namespace diffrecon
