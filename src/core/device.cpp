#include "core/device.h"

#include <torch/cuda.h>

#include "core/error.h"

#ifdef DIFFRECON_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <cuda_runtime_api.h>
#endif

namespace diffrecon {

bool cuda_available() { return torch::cuda::is_available(); }

torch::Device parse_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name.rfind("cuda", 0) != 0)
    throw InvalidArgument("unknown device '" + name + "' (expected cpu, cuda or cuda:N)");
  int index = 0;
  if (name != "cuda") {
    const std::string digits = name.size() > 5 && name[4] == ':' ? name.substr(5) : "";
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 4)
      throw InvalidArgument("unknown device '" + name + "' (expected cpu, cuda or cuda:N)");
    index = std::stoi(digits);
  }
  if (!cuda_available())
    throw NotSupported("device '" + name +
                       "' requested, but CUDA is not available (this LibTorch has no CUDA support or no GPU "
                       "is visible); use --device cpu");
  const auto count = static_cast<int>(torch::cuda::device_count());
  if (index >= count)
    throw NotSupported("device '" + name + "' requested, but only " + std::to_string(count) +
                       " CUDA device(s) are visible");
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
}

std::vector<torch::Device> available_devices() {
  std::vector<torch::Device> devices{torch::kCPU};
  if (cuda_available())
    for (size_t i = 0; i < torch::cuda::device_count(); ++i)
      devices.emplace_back(torch::kCUDA, static_cast<c10::DeviceIndex>(i));
  return devices;
}

std::optional<DeviceMemory> device_memory(torch::Device device) {
  if (!device.is_cuda()) return std::nullopt;
#ifdef DIFFRECON_WITH_CUDA
  int current = 0;
  if (cudaGetDevice(&current) != cudaSuccess) throw Error("device_memory: cudaGetDevice failed");
  const int index = device.has_index() ? device.index() : current;
  size_t free = 0, total = 0;
  const bool switched = index != current && cudaSetDevice(index) == cudaSuccess;
  const cudaError_t status = cudaMemGetInfo(&free, &total);
  if (switched) cudaSetDevice(current);
  if (status != cudaSuccess)
    throw Error(std::string("device_memory: cudaMemGetInfo failed: ") + cudaGetErrorString(status));
  return DeviceMemory{static_cast<int64_t>(free), static_cast<int64_t>(total)};
#else
  return std::nullopt;
#endif
}

void release_cached_device_memory() {
#ifdef DIFFRECON_WITH_CUDA
  if (cuda_available()) c10::cuda::CUDACachingAllocator::emptyCache();
#endif
}

}  // namespace diffrecon
