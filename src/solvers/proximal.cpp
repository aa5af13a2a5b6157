#include "solvers/proximal.h"

#include <string>

#include "core/error.h"

namespace diffrecon {
namespace {

// m[i] = √(Σ_g |v_g[i]|²), broadcastable against v viewed as [groups, n].
// Accumulated group by group: each term is a contiguous pass, where a reduction over dimension 0 would
// stride across the whole tensor (ten times slower in LibTorch 1.13).
torch::Tensor group_magnitude(const torch::Tensor& grouped) {
  const auto squared = [](const torch::Tensor& v) { return v.is_complex() ? at::real(v * v.conj()) : v * v; };
  auto sum = squared(grouped[0]);
  for (int64_t g = 1; g < grouped.size(0); ++g) sum.add_(squared(grouped[g]));
  return sum.sqrt_().unsqueeze(0);
}

torch::Tensor grouped_view(const torch::Tensor& v, int groups, const char* caller) {
  if (groups < 1 || v.numel() % groups != 0)
    throw InvalidArgument(std::string(caller) + ": " + std::to_string(v.numel()) +
                          " elements do not split into " + std::to_string(groups) + " equal groups");
  return v.reshape({groups, -1});
}

}  // namespace

torch::Tensor soft_threshold(const torch::Tensor& v, double t, int groups) {
  if (!(t >= 0)) throw InvalidArgument("soft_threshold: the threshold must be >= 0");
  if (groups == 1 && !v.is_complex()) return torch::sign(v) * torch::clamp_min(v.abs() - t, 0.0);
  const auto grouped = grouped_view(v, groups, "soft_threshold");
  const auto gain = torch::clamp_min(1.0 - t / torch::clamp_min(group_magnitude(grouped), 1e-30), 0.0);
  return (grouped * gain).reshape(v.sizes());
}

torch::Tensor project_to_dual_ball(const torch::Tensor& p, double t, int groups) {
  if (!(t >= 0)) throw InvalidArgument("project_to_dual_ball: the radius must be >= 0");
  const auto grouped = grouped_view(p, groups, "project_to_dual_ball");
  const auto gain = torch::clamp_max(t / torch::clamp_min(group_magnitude(grouped), 1e-30), 1.0);
  return (grouped * gain).reshape(p.sizes());
}

double l1_norm(const torch::Tensor& v, int groups) {
  return group_magnitude(grouped_view(v, groups, "l1_norm")).sum(torch::kDouble).item<double>();
}

}  // namespace diffrecon
