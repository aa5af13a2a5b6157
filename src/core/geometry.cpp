#include "core/geometry.h"

#include <cmath>
#include <sstream>

#include "core/error.h"

namespace diffrecon {

std::array<double, 3> Geometry::index_to_physical(const std::array<double, 3>& index) const {
  std::array<double, 3> p = origin;
  for (int row = 0; row < 3; ++row)
    for (int col = 0; col < 3; ++col) p[row] += direction[3 * row + col] * spacing[col] * index[col];
  return p;
}

void Geometry::validate(const std::string& what, double tolerance) const {
  for (int axis = 0; axis < 3; ++axis) {
    if (!(std::isfinite(spacing[axis]) && spacing[axis] > 0))
      throw InvalidArgument(what + ": voxel spacing must be finite and positive, got " + to_string(*this));
    if (!std::isfinite(origin[axis]))
      throw InvalidArgument(what + ": origin must be finite, got " + to_string(*this));
  }
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      double dot = 0;
      for (int row = 0; row < 3; ++row) dot += direction[3 * row + a] * direction[3 * row + b];
      const double expected = a == b ? 1.0 : 0.0;
      if (!(std::abs(dot - expected) <= tolerance))
        throw InvalidArgument(what + ": direction cosines must be orthonormal, got " + to_string(*this));
    }
}

bool Geometry::operator==(const Geometry& other) const {
  return spacing == other.spacing && origin == other.origin && direction == other.direction;
}

std::string orientation_code(const Geometry& g) {
  static const char kPositive[] = {'L', 'P', 'S'}, kNegative[] = {'R', 'A', 'I'};
  std::string code;
  for (int axis = 0; axis < 3; ++axis) {
    int dominant = 0;
    for (int row = 1; row < 3; ++row)
      if (std::abs(g.direction[3 * row + axis]) > std::abs(g.direction[3 * dominant + axis])) dominant = row;
    code += g.direction[3 * dominant + axis] >= 0 ? kPositive[dominant] : kNegative[dominant];
  }
  return code;
}

std::string to_string(const Geometry& g) {
  std::ostringstream out;
  out << "spacing " << g.spacing[0] << "x" << g.spacing[1] << "x" << g.spacing[2] << " mm, origin ("
      << g.origin[0] << ", " << g.origin[1] << ", " << g.origin[2] << "), direction [";
  for (int i = 0; i < 9; ++i) out << (i ? (i % 3 ? ", " : "; ") : "") << g.direction[i];
  out << "]";
  return out.str();
}

}  // namespace diffrecon
