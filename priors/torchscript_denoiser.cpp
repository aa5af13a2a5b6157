#include "priors/torchscript_denoiser.h"

#include <torch/script.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "core/error.h"

namespace diffrecon {

struct TorchScriptDenoiser::Module {
  mutable torch::jit::Module module;
};

namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

}  // namespace

TorchScriptSidecar read_torchscript_sidecar(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(path + ": cannot read the sidecar (a TorchScript module needs MODULE.ini beside it)");
  TorchScriptSidecar s;
  std::string line;
  int number = 0;
  while (std::getline(in, line) && number < 10000) {
    ++number;
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    const auto equals = line.find('=');
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (equals == std::string::npos) throw IoError(where + "expected key = value");
    const std::string key = trim(line.substr(0, equals)), value = trim(line.substr(equals + 1));
    auto number_value = [&](double low, double high) {
      try {
        size_t used = 0;
        const double v = std::stod(value, &used);
        if (used == value.size() && v >= low && v <= high) return v;
      } catch (const std::exception&) {
      }
      throw IoError(where + key + ": expected a number in [" + std::to_string(low) + ", " + std::to_string(high) +
                    "], found '" + value + "'");
    };
    auto integer_value = [&](int64_t low, int64_t high) {
      const double v = number_value(double(low), double(high));
      if (v != std::floor(v)) throw IoError(where + key + ": expected an integer, found '" + value + "'");
      return static_cast<int64_t>(v);
    };
    if (key == "output") {
      const std::map<std::string, TorchScriptSidecar::Output> kinds{
          {"x0", TorchScriptSidecar::Output::kX0}, {"eps", TorchScriptSidecar::Output::kEps},
          {"score", TorchScriptSidecar::Output::kScore}};
      if (!kinds.count(value)) throw IoError(where + "output: expected x0, eps or score, found '" + value + "'");
      s.output = kinds.at(value);
    } else if (key == "schedule") {
      if (value != "ve" && value != "vp") throw IoError(where + "schedule: expected ve or vp, found '" + value + "'");
      s.schedule = value == "ve" ? TorchScriptSidecar::Schedule::kVe : TorchScriptSidecar::Schedule::kVp;
    } else if (key == "beta_start") {
      s.vp.beta_start = number_value(1e-8, 0.5);
    } else if (key == "beta_end") {
      s.vp.beta_end = number_value(1e-8, 0.5);
    } else if (key == "steps") {
      s.vp.steps = static_cast<int>(integer_value(2, 100000));
    } else if (key == "channels") {
      s.channels = integer_value(1, 2);
    } else if (key == "size_multiple") {
      s.size_multiple = integer_value(1, 1024);
    } else if (key == "image_size") {
      s.image_size = integer_value(1, 65536);
    } else if (key == "intensity_percentile") {
      s.intensity_percentile = number_value(1e-6, 100);
    } else if (key == "plane") {
      try {
        s.plane = parse_slice_plane(value);
      } catch (const InvalidArgument& e) {
        throw IoError(where + e.what());
      }
    } else {
      throw IoError(where + "unknown key '" + key + "'");
    }
  }
  if (s.vp.beta_end < s.vp.beta_start) throw IoError(path + ": beta_end must be >= beta_start");
  return s;
}

TorchScriptDenoiser::TorchScriptDenoiser(const std::string& module_path)
    : TorchScriptDenoiser(module_path, read_torchscript_sidecar(module_path + ".ini")) {}

TorchScriptDenoiser::TorchScriptDenoiser(const std::string& module_path, TorchScriptSidecar sidecar)
    : module_(std::make_unique<Module>()), sidecar_(std::move(sidecar)) {
  try {
    module_->module = torch::jit::load(module_path);
  } catch (const c10::Error& e) {
    throw IoError(module_path + ": cannot load the TorchScript module: " + std::string(e.what_without_backtrace()).substr(0, 300));
  }
  module_->module.eval();
  alpha_bars_ = sidecar_.vp.alpha_bars();
}

TorchScriptDenoiser::~TorchScriptDenoiser() = default;

void TorchScriptDenoiser::to(const torch::Device& device) { module_->module.to(device); }

torch::Tensor TorchScriptDenoiser::forward(const torch::Tensor& x, const torch::Tensor& t) const {
  try {
    return module_->module.forward({x, t}).toTensor();
  } catch (const c10::Error& e) {
    throw Error("TorchScript module: forward(x, t) failed: " + std::string(e.what_without_backtrace()).substr(0, 300));
  }
}

double TorchScriptDenoiser::vp_step_of(double sigma) const {
  // ᾱ_t decreases with t; find t with ᾱ_t = 1 / (1 + σ²), interpolating log ᾱ between integer steps.
  const double target = std::log(1 / (1 + sigma * sigma));
  const auto n = static_cast<int64_t>(alpha_bars_.size());
  if (target >= std::log(alpha_bars_.front())) return 0;
  if (target <= std::log(alpha_bars_.back())) return double(n - 1);
  int64_t hi = 1;
  while (std::log(alpha_bars_[hi]) > target) ++hi;
  const double a = std::log(alpha_bars_[hi - 1]), b = std::log(alpha_bars_[hi]);
  return double(hi - 1) + (a - target) / (a - b);
}

torch::Tensor TorchScriptDenoiser::denoise(const torch::Tensor& x, const torch::Tensor& sigma) const {
  if (sigma.dim() != 1 || sigma.size(0) != x.size(0)) throw ShapeMismatch("TorchScriptDenoiser: expected one sigma per image");
  const auto s = sigma.to(x.options()).view({-1, 1, 1, 1});
  using Output = TorchScriptSidecar::Output;
  if (sidecar_.schedule == TorchScriptSidecar::Schedule::kVe) {
    const auto out = forward(x, sigma.to(x.options()));
    switch (sidecar_.output) {
      case Output::kX0:
        return out;
      case Output::kEps:
        return x - s * out;
      case Output::kScore:
        return x + s * s * out;
    }
  }
  const auto cpu_sigma = sigma.to(torch::kCPU, torch::kDouble);
  std::vector<double> steps(sigma.size(0));
  for (int64_t i = 0; i < sigma.size(0); ++i) steps[i] = vp_step_of(cpu_sigma[i].item<double>());
  const auto t = torch::tensor(steps, torch::kDouble).to(x.options());
  const auto alpha_bar = (1 / (1 + s * s));
  const auto x_t = x * alpha_bar.sqrt();
  const auto out = forward(x_t, t);
  switch (sidecar_.output) {
    case Output::kX0:
      return out;
    case Output::kEps:
      return (x_t - (1 - alpha_bar).sqrt() * out) / alpha_bar.sqrt();
    case Output::kScore:  // score of x_t: −ε / √(1 − ᾱ)
      return (x_t + (1 - alpha_bar) * out) / alpha_bar.sqrt();
  }
  return out;
}

bool is_torchscript_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

}  // namespace diffrecon
