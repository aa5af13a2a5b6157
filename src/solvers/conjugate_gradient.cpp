#include "solvers/conjugate_gradient.h"

#include "core/error.h"
#include "core/linalg.h"

namespace diffrecon {
namespace {

// Reshapes per-system scalars [B...] to broadcast against tensors [B..., rest...].
torch::Tensor broadcastable(const torch::Tensor& per_system, const torch::Tensor& like) {
  std::vector<int64_t> shape(per_system.sizes().begin(), per_system.sizes().end());
  shape.resize(like.dim(), 1);
  const auto real_dtype = like.is_complex() ? c10::toRealValueType(like.scalar_type()) : like.scalar_type();
  return per_system.reshape(shape).to(real_dtype);
}

}  // namespace

CgResult conjugate_gradient(const LinearOperator& a, const torch::Tensor& b, const torch::Tensor& x0,
                            const CgOptions& options) {
  const std::string context = "conjugate_gradient(" + a.name() + ")";
  if (a.domain_shape() != a.range_shape())
    throw ShapeMismatch(context + ": the operator must be square, it maps " + to_string(a.domain_shape()) +
                        " -> " + to_string(a.range_shape()));
  if (options.max_iterations < 0) throw InvalidArgument(context + ": max_iterations must be >= 0");
  if (!(options.tolerance >= 0)) throw InvalidArgument(context + ": tolerance must be >= 0");
  if (!b.defined() || options.batch_dims < 0 || options.batch_dims > b.dim())
    throw InvalidArgument(context + ": batch_dims out of range for the right-hand side");
  if (x0.defined() && (x0.sizes() != b.sizes() || x0.scalar_type() != b.scalar_type()))
    throw ShapeMismatch(context + ": the initial guess must match the right-hand side in shape and dtype");

  CgResult result;
  torch::Tensor r;
  if (x0.defined()) {
    result.x = x0.clone();
    r = b - a.apply(result.x);
  } else {
    result.x = torch::zeros_like(b);
    r = b.clone();
  }
  const int64_t batch_dims = options.batch_dims;
  const auto b_norm = batched_real_inner_product(b, b, batch_dims).sqrt();
  const auto threshold = options.tolerance * b_norm;
  auto rr = batched_real_inner_product(r, r, batch_dims);
  auto p = r.clone();

  auto check_finite = [&](const torch::Tensor& t) {
    if (!torch::isfinite(t).all().item<bool>())
      throw Error(context + ": the residual became NaN or Inf after " + std::to_string(result.iterations) +
                  " iterations (is the operator Hermitian positive semi-definite and the input finite?)");
  };
  check_finite(rr);
  auto active = rr.sqrt() > threshold;
  while (result.iterations < options.max_iterations && active.any().item<bool>()) {
    const auto ap = a.apply(p);
    const auto pap = batched_real_inner_product(p, ap, batch_dims);
    check_finite(pap);
    // Systems whose curvature vanishes (p in the null space) have reached their minimum.
    active = active & (pap > 0);
    const auto alpha = torch::where(active, rr / pap, torch::zeros_like(rr));
    result.x.add_(p * broadcastable(alpha, p));
    r.sub_(ap * broadcastable(alpha, ap));
    const auto rr_next = batched_real_inner_product(r, r, batch_dims);
    check_finite(rr_next);
    const auto beta = torch::where(active & (rr > 0), rr_next / rr, torch::zeros_like(rr));
    p = r + p * broadcastable(beta, p);
    rr = rr_next;
    ++result.iterations;
    active = active & (rr.sqrt() > threshold);
  }
  const auto residual = rr.sqrt();
  const auto relative = torch::where(b_norm > 0, residual / b_norm, residual);
  result.relative_residual = relative.numel() ? relative.max().item<double>() : 0.0;
  result.converged = (residual <= threshold).all().item<bool>();
  return result;
}

}  // namespace diffrecon
