#pragma once

#include <torch/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace diffrecon {

bool cuda_available();

// "cpu", "cuda" or "cuda:N". Throws InvalidArgument for other names and NotSupported when CUDA is
// asked for but this LibTorch has no CUDA or sees no device.
torch::Device parse_device(const std::string& name);

// CPU, then every visible CUDA device.
std::vector<torch::Device> available_devices();

// Memory of a CUDA device in bytes, as the driver reports it (cudaMemGetInfo): what LibTorch's caching
// allocator holds counts as used, and used includes other processes. std::nullopt for the CPU and in a
// build without CUDA.
struct DeviceMemory {
  int64_t free = 0;
  int64_t total = 0;
};
std::optional<DeviceMemory> device_memory(torch::Device device);

// Hands the blocks LibTorch's CUDA caching allocator keeps for reuse back to the driver (as
// torch.cuda.empty_cache), e.g. before measuring the next computation's memory; a no-op without CUDA.
void release_cached_device_memory();

}  // namespace diffrecon
