#include "priors/noise_schedule.h"

#include <cmath>

#include "core/error.h"

namespace diffrecon {
namespace {

void require_sigma(double sigma, const char* what) {
  if (!(sigma > 0) || !std::isfinite(sigma)) throw InvalidArgument(std::string(what) + ": sigma must be finite and > 0");
}

void require_alpha_bar(double alpha_bar, bool allow_one, const char* what) {
  if (!(alpha_bar > 0) || alpha_bar > 1 || (!allow_one && alpha_bar == 1))
    throw InvalidArgument(std::string(what) + ": alpha_bar must be in (0, 1" + (allow_one ? "]" : ")"));
}

}  // namespace

double VeSchedule::sigma(double t) const {
  if (!(t >= 0 && t <= 1)) throw InvalidArgument("VeSchedule::sigma: t must be in [0, 1]");
  if (!(sigma_min > 0) || !(sigma_max > sigma_min)) throw InvalidArgument("VeSchedule: need 0 < sigma_min < sigma_max");
  return sigma_min * std::pow(sigma_max / sigma_min, t);
}

std::vector<double> VeSchedule::discrete_sigmas() const {
  if (levels < 2) throw InvalidArgument("VeSchedule: at least 2 levels");
  std::vector<double> sigmas;
  const double lo = std::log(sigma_min), hi = std::log(sigma_max);
  for (int i = 0; i < levels; ++i) sigmas.push_back(std::exp(lo + (hi - lo) * i / (levels - 1)));
  return sigmas;
}

std::vector<double> VpSchedule::alpha_bars() const {
  if (steps < 2 || !(beta_start > 0) || !(beta_end >= beta_start) || !(beta_end < 1))
    throw InvalidArgument("VpSchedule: need steps >= 2 and 0 < beta_start <= beta_end < 1");
  std::vector<double> out;
  double product = 1;
  for (int t = 0; t < steps; ++t) {
    const double beta = beta_start + (beta_end - beta_start) * t / (steps - 1);
    product *= 1 - beta;
    out.push_back(product);
  }
  return out;
}

double VpSchedule::alpha_bar(int t) const {
  if (t < -1 || t >= steps) throw InvalidArgument("VpSchedule::alpha_bar: t out of range");
  return t == -1 ? 1.0 : alpha_bars()[static_cast<size_t>(t)];
}

std::vector<int> VpSchedule::sampling_times(int count) const {
  if (count < 1 || count > steps) throw InvalidArgument("VpSchedule::sampling_times: count must be in [1, steps]");
  const int skip = steps / count;
  std::vector<int> times;
  for (int t = (count - 1) * skip; t >= 0; t -= skip) times.push_back(t);
  return times;
}

double ve_sigma_of(double alpha_bar) {
  require_alpha_bar(alpha_bar, /*allow_one=*/true, "ve_sigma_of");
  return std::sqrt((1 - alpha_bar) / alpha_bar);
}

torch::Tensor ve_eps_from_x0(const torch::Tensor& x, const torch::Tensor& x0, double sigma) {
  require_sigma(sigma, "ve_eps_from_x0");
  return (x - x0) / sigma;
}

torch::Tensor ve_score_from_x0(const torch::Tensor& x, const torch::Tensor& x0, double sigma) {
  require_sigma(sigma, "ve_score_from_x0");
  return (x0 - x) / (sigma * sigma);
}

torch::Tensor ve_x0_from_score(const torch::Tensor& x, const torch::Tensor& score, double sigma) {
  require_sigma(sigma, "ve_x0_from_score");
  return x + sigma * sigma * score;
}

torch::Tensor vp_x0_from_eps(const torch::Tensor& x_t, const torch::Tensor& eps, double alpha_bar) {
  require_alpha_bar(alpha_bar, /*allow_one=*/true, "vp_x0_from_eps");
  return (x_t - std::sqrt(1 - alpha_bar) * eps) / std::sqrt(alpha_bar);
}

torch::Tensor vp_eps_from_x0(const torch::Tensor& x_t, const torch::Tensor& x0, double alpha_bar) {
  require_alpha_bar(alpha_bar, /*allow_one=*/false, "vp_eps_from_x0");
  return (x_t - std::sqrt(alpha_bar) * x0) / std::sqrt(1 - alpha_bar);
}

torch::Tensor vp_score_from_eps(const torch::Tensor& eps, double alpha_bar) {
  require_alpha_bar(alpha_bar, /*allow_one=*/false, "vp_score_from_eps");
  return -eps / std::sqrt(1 - alpha_bar);
}

}  // namespace diffrecon
