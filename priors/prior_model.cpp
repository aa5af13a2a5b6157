#include "priors/prior_model.h"

#include <cstdio>
#include <cstring>
#include <map>

#include "core/error.h"

namespace diffrecon {

std::string content_hash(const NamedTensors& parameters) {
  uint64_t hash = 14695981039346656037ull;
  auto mix = [&hash](const void* data, size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < bytes; ++i) hash = (hash ^ p[i]) * 1099511628211ull;
  };
  for (const auto& [name, tensor] : parameters) {
    mix(name.data(), name.size() + 1);
    for (const int64_t size : tensor.sizes()) mix(&size, sizeof size);
    const auto values = tensor.detach().to(torch::kCPU, torch::kFloat).contiguous();
    mix(values.data_ptr(), values.numel() * sizeof(float));
  }
  char text[32];
  std::snprintf(text, sizeof text, "fnv1a64:%016llx", static_cast<unsigned long long>(hash));
  return text;
}

void load_parameters(UNet& network, const NamedTensors& parameters) {
  std::map<std::string, torch::Tensor> given(parameters.begin(), parameters.end());
  if (given.size() != parameters.size()) throw InvalidArgument("model parameters: duplicate names");
  torch::NoGradGuard no_grad;
  for (auto& [name, target] : network.named_parameters()) {
    const auto it = given.find(name);
    if (it == given.end()) throw InvalidArgument("model parameters: '" + name + "' is missing");
    if (it->second.sizes() != target.sizes())
      throw InvalidArgument("model parameters: '" + name + "' has shape " + c10::str(it->second.sizes()) +
                            ", the architecture needs " + c10::str(target.sizes()));
    target.copy_(it->second);
    given.erase(it);
  }
  if (!given.empty()) throw InvalidArgument("model parameters: unexpected '" + given.begin()->first + "'");
}

NamedTensors copy_parameters(const UNet& network) {
  NamedTensors out;
  for (const auto& [name, tensor] : network.named_parameters())
    out.emplace_back(name, tensor.detach().to(torch::kCPU, torch::kFloat).clone());
  return out;
}

std::unique_ptr<EdmDenoiser> make_denoiser(const PriorModel& model) {
  UNet network(model.architecture);
  load_parameters(network, model.parameters);
  network.train(false);
  return std::make_unique<EdmDenoiser>(std::move(network), model.sigma_data);
}

}  // namespace diffrecon
