#include "pipelines/tv_directions.h"

#include "core/error.h"
#include "operators/algebra.h"
#include "operators/finite_difference.h"

namespace diffrecon {

const char* to_string(TvDirections directions) {
  switch (directions) {
    case TvDirections::kXyz: return "xyz";
    case TvDirections::kXy: return "xy";
    case TvDirections::kZ: return "z";
  }
  return "unknown";
}

TvDirections parse_tv_directions(const std::string& name) {
  for (const auto d : {TvDirections::kXyz, TvDirections::kXy, TvDirections::kZ})
    if (name == to_string(d)) return d;
  throw InvalidArgument("unknown TV directions '" + name + "' (expected xyz, xy or z)");
}

const char* to_string(TvNorm norm) { return norm == TvNorm::kIsotropic ? "isotropic" : "anisotropic"; }

TvNorm parse_tv_norm(const std::string& name) {
  for (const auto n : {TvNorm::kAnisotropic, TvNorm::kIsotropic})
    if (name == to_string(n)) return n;
  throw InvalidArgument("unknown TV norm '" + name + "' (expected isotropic or anisotropic)");
}

int tv_groups(TvDirections directions, TvNorm norm) {
  if (norm == TvNorm::kAnisotropic) return 1;
  return directions == TvDirections::kXyz ? 3 : directions == TvDirections::kXy ? 2 : 1;
}

OperatorPtr tv_operator(const Shape& shape, TvDirections directions) {
  switch (directions) {
    case TvDirections::kXyz: return gradient_3d(shape, Boundary::kNeumann);
    case TvDirections::kXy:
      return stack({finite_difference_y(shape, Boundary::kNeumann), finite_difference_x(shape, Boundary::kNeumann)});
    case TvDirections::kZ: return finite_difference_z(shape, Boundary::kNeumann);
  }
  throw InvalidArgument("tv_operator: unknown directions");
}

}  // namespace diffrecon
