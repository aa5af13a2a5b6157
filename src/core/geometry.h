#pragma once

#include <array>
#include <string>

namespace diffrecon {

// Voxel-to-world mapping of a volume in ITK's LPS convention. Indices and vectors are ordered
// (x, y, z) = (i, j, k) as in ITK, while tensors are stored [Z, Y, X]:
//   p = origin + direction * diag(spacing) * (i, j, k)ᵀ      (millimetres)
// direction is row-major; its columns are the unit world directions of the i, j, k axes.
struct Geometry {
  std::array<double, 3> spacing{1.0, 1.0, 1.0};
  std::array<double, 3> origin{0.0, 0.0, 0.0};
  std::array<double, 9> direction{1, 0, 0, 0, 1, 0, 0, 0, 1};

  // Physical position (LPS, mm) of the centre of voxel (i, j, k).
  std::array<double, 3> index_to_physical(const std::array<double, 3>& index) const;

  // Throws InvalidArgument naming `what` unless spacing is finite and positive, origin finite and
  // direction orthonormal to within `tolerance`.
  void validate(const std::string& what, double tolerance = 1e-6) const;

  bool operator==(const Geometry& other) const;
  bool operator!=(const Geometry& other) const { return !(*this == other); }
};

// Three letters naming the world direction each index axis (i, j, k) points to, nearest LPS axis:
// L/R for ±x, P/A for ±y, S/I for ±z ("LPS" for the identity direction, as ITK and DICOM name it).
std::string orientation_code(const Geometry& geometry);

// "spacing 1x1x2 mm, origin (0, 0, 0), direction identity": for logs and `info`.
std::string to_string(const Geometry& geometry);

}  // namespace diffrecon
