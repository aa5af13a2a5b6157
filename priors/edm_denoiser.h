#pragma once

#include <torch/types.h>

#include "priors/denoiser.h"
#include "priors/unet.h"

namespace diffrecon {

// Karras et al.'s (EDM, NeurIPS 2022) preconditioning of a network F into a denoiser for every σ:
//   D(x; σ) = c_skip x + c_out F(c_in x, c_noise),
//   c_skip = σ_d² / (σ² + σ_d²),  c_out = σ σ_d / √(σ² + σ_d²),  c_in = 1 / √(σ² + σ_d²),
//   c_noise = ln(σ) / 4,
// so F's input and training target have unit variance at every noise level (σ_d: the data's standard
// deviation). Its training loss is edm_loss below.
class EdmDenoiser : public Denoiser {
 public:
  EdmDenoiser(UNet network, double sigma_data);

  torch::Tensor denoise(const torch::Tensor& x, const torch::Tensor& sigma) const override;
  int64_t channels() const override { return network_.config().channels; }
  int64_t size_multiple() const override { return network_.config().size_multiple(); }
  void to(const torch::Device& device) override { network_.to(device); }

  UNet& network() { return network_; }
  const UNet& network() const { return network_; }
  double sigma_data() const { return sigma_data_; }

 private:
  UNet network_;
  double sigma_data_;
};

// Noise-level distribution and weighting of the EDM training loss. A fraction of the draws is
// log-uniform over [sigma_min, sigma_max], so that the prior is trained at every level the samplers
// query: the VE ladder of DiffusionMBIR and TPDM reaches σ = 378 (noise_schedule.h), DDS's VP steps
// reach t = 980, σ = √((1 − ᾱ)/ᾱ) ≈ 125; EDM's log-normal alone puts 3 draws in 10⁴ above σ = 11.
struct EdmLossOptions {
  double log_sigma_mean = -1.2;  // ln σ ~ N(P_mean, P_std²) for the other draws
  double log_sigma_std = 1.2;
  double uniform_fraction = 0.2;
  double sigma_min = 0.002;
  double sigma_max = 400.0;
};

// `count` training noise levels (CPU, float32) drawn from `generator` as EdmLossOptions says.
torch::Tensor draw_training_sigmas(int64_t count, at::Generator& generator, const EdmLossOptions& options = {});

// Denoising score matching, EDM form: E over σ (draw_training_sigmas) and n ~ N(0, I) of
// λ(σ) ‖D(x0 + σ n; σ) − x0‖² with λ(σ) = (σ² + σ_d²) / (σ σ_d)² (unit weight on F's target), averaged
// over pixels and the batch. x0 [B, C, H, W]; the draws come from `generator`.
torch::Tensor edm_loss(const EdmDenoiser& denoiser, const torch::Tensor& x0, at::Generator& generator,
                       const EdmLossOptions& options = {});

}  // namespace diffrecon
