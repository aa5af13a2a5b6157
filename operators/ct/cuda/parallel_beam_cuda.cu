#include "parallel_beam_cuda.h"

#include <cuda_runtime.h>

#include "operators/ct/internal/joseph_ray.h"

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 600
#error "parallel_beam_cuda.cu needs sm_60 or newer (atomicAdd on double)"
#endif

namespace {

using Geometry = DiffreconParallelBeamGeometry;

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocks = int64_t{1} << 20;  // more rays than threads: grid-stride loops

// Visits the (pixel, weight) pairs of ray u of one view, pixel being the flat index within the slice:
// visit(pixel, weight). The rays of parallel_beam.cpp (internal/joseph_ray.h).
template <typename Visit>
__device__ void trace_ray(const Geometry& g, double cos_t, double sin_t, int64_t u, const Visit& visit) {
  const diffrecon::joseph::ViewLine line =
      diffrecon::joseph::view_line(cos_t, sin_t, g.ny, g.nx, g.pixel_spacing_y, g.pixel_spacing_x,
                                   g.detector_count, g.detector_spacing);
  for (int64_t r = 0; r < line.major_count; ++r) {
    int64_t k;
    double w;
    if (!diffrecon::joseph::locate(line, diffrecon::joseph::minor_position(line, u, r), k, w)) continue;
    if (k >= 0) visit(diffrecon::joseph::pixel_index(line, r, k, g.nx), (1 - w) * line.step);
    if (k + 1 < line.minor_count) visit(diffrecon::joseph::pixel_index(line, r, k + 1, g.nx), w * line.step);
  }
}

// One ray per iteration; ray = (z·views + v)·detector_count + u, the sinogram's flat index.
template <typename T>
__global__ void forward_kernel(const Geometry g, const T* __restrict__ image, T* __restrict__ sinogram,
                               int64_t rays) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t ray = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; ray < rays; ray += stride) {
    const int64_t zv = ray / g.detector_count, u = ray % g.detector_count;
    const int64_t z = zv / g.views, v = zv % g.views;
    const T* slice = image + z * g.ny * g.nx;
    double sum = 0;
    trace_ray(g, g.cos_angles[v], g.sin_angles[v], u,
              [&](int64_t pixel, double w) { sum += w * slice[pixel]; });
    sinogram[ray] = static_cast<T>(sum);
  }
}

template <typename T>
__global__ void adjoint_kernel(const Geometry g, const T* __restrict__ sinogram, T* __restrict__ image,
                               int64_t rays) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t ray = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; ray < rays; ray += stride) {
    const double value = sinogram[ray];
    if (value == 0) continue;
    const int64_t zv = ray / g.detector_count, u = ray % g.detector_count;
    const int64_t z = zv / g.views, v = zv % g.views;
    T* slice = image + z * g.ny * g.nx;
    trace_ray(g, g.cos_angles[v], g.sin_angles[v], u,
              [&](int64_t pixel, double w) { atomicAdd(slice + pixel, static_cast<T>(w * value)); });
  }
}

bool valid(const Geometry* g) {
  return g && g->nz > 0 && g->ny > 0 && g->nx > 0 && g->views > 0 && g->detector_count > 0 &&
         g->pixel_spacing_x > 0 && g->pixel_spacing_y > 0 && g->detector_spacing > 0 && g->cos_angles &&
         g->sin_angles;
}

unsigned int blocks_for(int64_t rays) {
  const int64_t blocks = (rays + kThreads - 1) / kThreads;
  return static_cast<unsigned int>(blocks < kMaxBlocks ? blocks : kMaxBlocks);
}

template <typename T>
int forward(const Geometry* g, const T* image, T* sinogram, void* stream) {
  if (!valid(g) || !image || !sinogram) return cudaErrorInvalidValue;
  const int64_t rays = g->nz * g->views * g->detector_count;
  forward_kernel<T>
      <<<blocks_for(rays), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(*g, image, sinogram, rays);
  return cudaGetLastError();
}

template <typename T>
int adjoint(const Geometry* g, const T* sinogram, T* image, void* stream) {
  if (!valid(g) || !sinogram || !image) return cudaErrorInvalidValue;
  const int64_t rays = g->nz * g->views * g->detector_count;
  adjoint_kernel<T>
      <<<blocks_for(rays), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(*g, sinogram, image, rays);
  return cudaGetLastError();
}

}  // namespace

extern "C" {

int diffrecon_parallel_beam_forward_f32(const DiffreconParallelBeamGeometry* geometry, const float* image,
                                        float* sinogram, void* cuda_stream) {
  return forward(geometry, image, sinogram, cuda_stream);
}

int diffrecon_parallel_beam_forward_f64(const DiffreconParallelBeamGeometry* geometry, const double* image,
                                        double* sinogram, void* cuda_stream) {
  return forward(geometry, image, sinogram, cuda_stream);
}

int diffrecon_parallel_beam_adjoint_f32(const DiffreconParallelBeamGeometry* geometry, const float* sinogram,
                                        float* image, void* cuda_stream) {
  return adjoint(geometry, sinogram, image, cuda_stream);
}

int diffrecon_parallel_beam_adjoint_f64(const DiffreconParallelBeamGeometry* geometry, const double* sinogram,
                                        double* image, void* cuda_stream) {
  return adjoint(geometry, sinogram, image, cuda_stream);
}

const char* diffrecon_cuda_error_string(int code) {
  return cudaGetErrorString(static_cast<cudaError_t>(code));
}

}  // extern "C"
