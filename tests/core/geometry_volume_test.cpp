#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/geometry.h"
#include "core/volume.h"

namespace diffrecon {
namespace {

TEST(Geometry, IndexToPhysicalAppliesSpacingDirectionAndOrigin) {
  Geometry g;
  g.spacing = {0.5, 2.0, 3.0};
  g.origin = {10.0, -5.0, 1.0};
  // i axis along world y, j axis along −x, k along z.
  g.direction = {0, -1, 0, 1, 0, 0, 0, 0, 1};
  const auto p = g.index_to_physical({2, 1, 4});
  EXPECT_DOUBLE_EQ(p[0], 10.0 - 2.0);
  EXPECT_DOUBLE_EQ(p[1], -5.0 + 1.0);
  EXPECT_DOUBLE_EQ(p[2], 1.0 + 12.0);
}

TEST(Geometry, ValidateRejectsBadSpacingOriginAndDirection) {
  Geometry g;
  EXPECT_NO_THROW(g.validate("test"));
  Geometry zero = g;
  zero.spacing[1] = 0;
  EXPECT_THROW(zero.validate("test"), InvalidArgument);
  Geometry negative = g;
  negative.spacing[2] = -1;
  EXPECT_THROW(negative.validate("test"), InvalidArgument);
  Geometry nan_origin = g;
  nan_origin.origin[0] = std::nan("");
  EXPECT_THROW(nan_origin.validate("test"), InvalidArgument);
  Geometry skew = g;
  skew.direction[1] = 0.5;
  EXPECT_THROW(skew.validate("test"), InvalidArgument);
  Geometry oblique = g;
  const double c = std::cos(0.3), s = std::sin(0.3);
  oblique.direction = {c, -s, 0, s, c, 0, 0, 0, 1};
  EXPECT_NO_THROW(oblique.validate("test"));
}

TEST(Geometry, OrientationCodeNamesWhereEachAxisPoints) {
  Geometry g;
  EXPECT_EQ(orientation_code(g), "LPS");
  g.direction = {-1, 0, 0, 0, -1, 0, 0, 0, 1};  // a typical NIfTI stored in RAS
  EXPECT_EQ(orientation_code(g), "RAS");
  g.direction = {0, 0, 1, 1, 0, 0, 0, -1, 0};  // i → +y, j → −z, k → +x (a sagittal stack)
  EXPECT_EQ(orientation_code(g), "PIL");
  const double c = std::cos(0.3), s = std::sin(0.3);
  g.direction = {c, -s, 0, s, c, 0, 0, 0, 1};  // slightly oblique: nearest axes
  EXPECT_EQ(orientation_code(g), "LPS");
}

TEST(Volume, AcceptsFloatAndComplexThreeDimensionalTensors) {
  const Volume v(torch::zeros({2, 3, 4}), Geometry{});
  EXPECT_EQ(v.nz(), 2);
  EXPECT_EQ(v.ny(), 3);
  EXPECT_EQ(v.nx(), 4);
  EXPECT_NO_THROW(Volume(torch::zeros({2, 3, 4}, torch::kComplexFloat), Geometry{}));
}

TEST(Volume, RejectsWrongRankDtypeEmptyAndBadGeometry) {
  EXPECT_THROW(Volume(torch::zeros({3, 4}), Geometry{}), ShapeMismatch);
  EXPECT_THROW(Volume(torch::zeros({2, 3, 4}, torch::kDouble), Geometry{}), ShapeMismatch);
  EXPECT_THROW(Volume(torch::zeros({0, 3, 4}), Geometry{}), ShapeMismatch);
  EXPECT_THROW(Volume(torch::Tensor(), Geometry{}), InvalidArgument);
  Geometry bad;
  bad.spacing[0] = -1;
  EXPECT_THROW(Volume(torch::zeros({2, 3, 4}), bad), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
