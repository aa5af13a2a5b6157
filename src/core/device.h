#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

namespace diffrecon {

bool cuda_available();

// "cpu", "cuda" or "cuda:N". Throws InvalidArgument for other names and NotSupported when CUDA is
// asked for but this LibTorch has no CUDA or sees no device.
torch::Device parse_device(const std::string& name);

// CPU, then every visible CUDA device.
std::vector<torch::Device> available_devices();

}  // namespace diffrecon
