#pragma once

#include <torch/types.h>

#include <memory>
#include <string>

#include "priors/denoiser.h"
#include "priors/noise_schedule.h"
#include "priors/slice_plane.h"

namespace diffrecon {

// What a TorchScript module exported from PyTorch computes, from its sidecar file (`MODULE.ini` next
// to `MODULE`, lines `key = value`, `#` comments):
//   output     x0 | eps | score         what forward(x, t) returns
//   schedule   ve | vp                  ve: t is σ and x = x0 + σ n; vp: t is the (fractional) step
//                                       index of the linear-β schedule and x = √ᾱ_t x0 + √(1 − ᾱ_t) ε
//   beta_start, beta_end, steps         the vp schedule (defaults 1e-4, 0.02, 1000)
//   channels, size_multiple, image_size, plane, intensity_percentile   as for native priors
struct TorchScriptSidecar {
  enum class Output { kX0, kEps, kScore };
  enum class Schedule { kVe, kVp };
  Output output = Output::kEps;
  Schedule schedule = Schedule::kVp;
  VpSchedule vp;
  int64_t channels = 1;
  int64_t size_multiple = 1;
  int64_t image_size = 128;
  SlicePlane plane = SlicePlane::kAxial;
  double intensity_percentile = 99.5;
};

// Parses a sidecar; throws IoError naming the file, line and key for anything it does not understand.
TorchScriptSidecar read_torchscript_sidecar(const std::string& path);

// A TorchScript module as a Denoiser: the VE query D(x̃; σ) is converted to the module's convention
// (for vp: x_t = √ᾱ x̃ with ᾱ = 1 / (1 + σ²), at the fractional step t where the schedule's ᾱ_t
// equals it, log-linearly interpolated and clamped to [0, steps − 1]) and its output back to x0.
class TorchScriptDenoiser : public Denoiser {
 public:
  // Loads `module_path` and its sidecar `module_path + ".ini"`; throws IoError.
  explicit TorchScriptDenoiser(const std::string& module_path);
  TorchScriptDenoiser(const std::string& module_path, TorchScriptSidecar sidecar);
  ~TorchScriptDenoiser() override;

  torch::Tensor denoise(const torch::Tensor& x, const torch::Tensor& sigma) const override;
  int64_t channels() const override { return sidecar_.channels; }
  int64_t size_multiple() const override { return sidecar_.size_multiple; }
  void to(const torch::Device& device) override;

  const TorchScriptSidecar& sidecar() const { return sidecar_; }
  // The module's own forward(x, t).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) const;
  // The fractional vp step of noise level σ.
  double vp_step_of(double sigma) const;

 private:
  struct Module;
  std::unique_ptr<Module> module_;
  TorchScriptSidecar sidecar_;
  std::vector<double> alpha_bars_;
};

// True when the file is a TorchScript archive (a zip file).
bool is_torchscript_file(const std::string& path);

}  // namespace diffrecon
