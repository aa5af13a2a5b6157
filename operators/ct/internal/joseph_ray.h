#pragma once

// Joseph's method for one view of the parallel-beam geometry (parallel_beam.h), shared by the CPU code
// and the CUDA kernels so both trace exactly the same rays. Plain C++ usable from CUDA device code.
//
// A view steps along its major axis — rows (y) when |cos θ| ≥ |sin θ|, columns (x) otherwise — and
// interpolates linearly along the minor axis. In the frame (r major, m minor), ray u crosses major line r
// at the minor coordinate (in pixels) m(u, r) = (a0 + r · dr) + u · du with step length `step` (mm) per
// major line:
//   y-major: m = (s_u / cos θ − y_r tan θ) / p_x + c_x,   step = p_y / |cos θ|
//   x-major: m = (s_u / sin θ − x_r cot θ) / p_y + c_y,   step = p_x / |sin θ|
// with s_u = (u − c_u) d, y_r = (r − c_y) p_y, x_r = (r − c_x) p_x and c the centre index of each axis.
// The ray meets pixels ⌊m⌋ and ⌊m⌋ + 1 of line r with weights (1 − w) step and w step, w = m − ⌊m⌋.

#include <cmath>
#include <cstdint>

#ifdef __CUDACC__
#define DIFFRECON_HOST_DEVICE __host__ __device__
#else
#define DIFFRECON_HOST_DEVICE
#endif

namespace diffrecon::joseph {

struct ViewLine {
  bool y_major;
  int64_t major_count, minor_count;  // lines stepped, pixels per line
  double a0, dr, du, step;
};

DIFFRECON_HOST_DEVICE inline ViewLine view_line(double cos_t, double sin_t, int64_t ny, int64_t nx,
                                                double pixel_spacing_y, double pixel_spacing_x,
                                                int64_t detector_count, double detector_spacing) {
  ViewLine line;
  line.y_major = fabs(cos_t) >= fabs(sin_t);
  const double c_major = line.y_major ? cos_t : sin_t, c_other = line.y_major ? sin_t : cos_t;
  const double p_major = line.y_major ? pixel_spacing_y : pixel_spacing_x;
  const double p_minor = line.y_major ? pixel_spacing_x : pixel_spacing_y;
  line.major_count = line.y_major ? ny : nx;
  line.minor_count = line.y_major ? nx : ny;
  line.du = detector_spacing / (p_minor * c_major);
  line.dr = -p_major * (c_other / c_major) / p_minor;
  line.a0 = -0.5 * (detector_count - 1) * line.du - 0.5 * (line.major_count - 1) * line.dr +
            0.5 * (line.minor_count - 1);
  line.step = p_major / fabs(c_major);
  return line;
}

// m(u, r); every caller must evaluate it in this order so the CPU and CUDA rays agree bit for bit.
DIFFRECON_HOST_DEVICE inline double minor_position(const ViewLine& line, int64_t u, int64_t r) {
  return (line.a0 + static_cast<double>(r) * line.dr) + static_cast<double>(u) * line.du;
}

// The pixel pair of position m on a line: k = ⌊m⌋ and w = m − ⌊m⌋; false when the ray misses the line
// (m < −1 or m ≥ minor_count). ⌊·⌋ by truncation of m + 1 ≥ 0 (a libm floor call costs more than the
// rest of the step on CPUs without SSE4.1).
DIFFRECON_HOST_DEVICE inline bool locate(const ViewLine& line, double m, int64_t& k, double& w) {
  if (!(m >= -1.0) || !(m < static_cast<double>(line.minor_count))) return false;
  const double shifted = m + 1.0;
  const auto whole = static_cast<int64_t>(shifted);
  k = whole - 1;
  w = shifted - static_cast<double>(whole);
  return true;
}

// Flat index within a [ny, nx] slice of pixel (major r, minor m).
DIFFRECON_HOST_DEVICE inline int64_t pixel_index(const ViewLine& line, int64_t r, int64_t m, int64_t nx) {
  return line.y_major ? r * nx + m : m * nx + r;
}

}  // namespace diffrecon::joseph
