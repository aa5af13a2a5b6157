/* CUDA kernels of the parallel-beam projector (operators/ct/parallel_beam.h), behind a plain C interface.
 *
 * This header is C and C++ alike and names no Torch or CUDA type, so the kernels can be compiled by nvcc
 * without LibTorch and the C++ side needs no CUDA toolkit headers to call them.
 *
 * Conventions and weights are exactly those of parallel_beam.h: pixel-centred coordinates in mm, view
 * angle θ from +x towards +y, bin u at s_u = (u − (detector_count−1)/2)·detector_spacing, Joseph's
 * method (step row by row when |cos θ| >= |sin θ|, column by column otherwise, linear interpolation
 * between the two nearest pixels, zero outside the slice, weight = step length). The adjoint scatters
 * along the same rays with the same weights, so it is the exact adjoint of the forward up to rounding.
 *
 * Memory: every pointer is a device pointer on the current CUDA device, contiguous, row-major:
 *   image     [nz, ny, nx]
 *   sinogram  [nz, views, detector_count]
 *   cos_angles, sin_angles  [views], float64: cos θ_v and sin θ_v. The caller computes them on the host
 *     (std::cos / std::sin, as the CPU projector does) so that both devices pick the same stepping
 *     direction for every view, including views at exactly 45°.
 * Rays are summed in double whatever the tensor dtype; f32 results are rounded once per ray (forward)
 * or once per (ray, pixel) contribution (adjoint).
 *
 * Kernels are launched on `cuda_stream` (a cudaStream_t; NULL is the legacy default stream) and run
 * asynchronously: the functions return after the launch, not after the work.
 *
 * Return codes: 0 on success, otherwise a cudaError_t value (cudaErrorInvalidValue for a null pointer or
 * a non-positive size; whatever cudaGetLastError reports after a failed launch).
 * diffrecon_cuda_error_string turns a code into a message. */
#ifndef DIFFRECON_OPERATORS_CT_CUDA_PARALLEL_BEAM_CUDA_H
#define DIFFRECON_OPERATORS_CT_CUDA_PARALLEL_BEAM_CUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct DiffreconParallelBeamGeometry {
  int64_t nz, ny, nx;       /* volume size: slices, rows, columns (all > 0) */
  int64_t views;            /* number of view angles (> 0) */
  int64_t detector_count;   /* bins per view (> 0) */
  double pixel_spacing_x;   /* mm, > 0 */
  double pixel_spacing_y;   /* mm, > 0 */
  double detector_spacing;  /* mm, > 0 */
  const double* cos_angles; /* device, [views] */
  const double* sin_angles; /* device, [views] */
} DiffreconParallelBeamGeometry;

/* sinogram = A image. Writes every element of `sinogram`, which need not be initialised. */
int diffrecon_parallel_beam_forward_f32(const DiffreconParallelBeamGeometry* geometry, const float* image,
                                        float* sinogram, void* cuda_stream);
int diffrecon_parallel_beam_forward_f64(const DiffreconParallelBeamGeometry* geometry, const double* image,
                                        double* sinogram, void* cuda_stream);

/* image += Aᵀ sinogram, by atomic additions (the order, hence the last bits, varies from run to run).
 * The caller zeroes `image` first for a plain back projection. */
int diffrecon_parallel_beam_adjoint_f32(const DiffreconParallelBeamGeometry* geometry, const float* sinogram,
                                        float* image, void* cuda_stream);
int diffrecon_parallel_beam_adjoint_f64(const DiffreconParallelBeamGeometry* geometry, const double* sinogram,
                                        double* image, void* cuda_stream);

/* The CUDA runtime's message for a return code of the functions above; never NULL. */
const char* diffrecon_cuda_error_string(int code);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DIFFRECON_OPERATORS_CT_CUDA_PARALLEL_BEAM_CUDA_H */
