#include "operators/mri/sampling_mask.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace diffrecon {
namespace {

constexpr MaskKind kLineKinds[] = {MaskKind::kUniform1d, MaskKind::kEquispaced1d, MaskKind::kGaussian1d};
constexpr MaskKind kPointKinds[] = {MaskKind::kGaussian2d, MaskKind::kPoisson2d};
constexpr MaskKind kRandomKinds[] = {MaskKind::kUniform1d, MaskKind::kGaussian1d, MaskKind::kGaussian2d,
                                     MaskKind::kPoisson2d};

MaskOptions options(MaskKind kind, double acceleration, double center_fraction, uint64_t seed = 0) {
  MaskOptions o;
  o.kind = kind;
  o.acceleration = acceleration;
  o.center_fraction = center_fraction;
  o.seed = seed;
  return o;
}

torch::Tensor make_mask(const MaskOptions& o, int64_t rows, int64_t cols) {
  return is_line_mask(o.kind) ? line_mask(o, cols) : point_mask(o, rows, cols);
}

int64_t count(const torch::Tensor& mask) { return mask.ne(0).sum().item<int64_t>(); }

// Indices [n/2 − c/2, n/2 − c/2 + c), c = round(f·n), at least 1 for f > 0 (the header's convention).
std::pair<int64_t, int64_t> centre(int64_t n, double fraction) {
  int64_t c = std::llround(fraction * static_cast<double>(n));
  if (fraction > 0) c = std::max<int64_t>(c, 1);
  return {n / 2 - c / 2, n / 2 - c / 2 + c};
}

void expect_binary_float_cpu(const torch::Tensor& mask, std::vector<int64_t> shape) {
  EXPECT_EQ(mask.scalar_type(), torch::kFloat);
  EXPECT_TRUE(mask.device().is_cpu());
  EXPECT_TRUE(mask.is_contiguous());
  EXPECT_EQ(mask.sizes().vec(), shape);
  EXPECT_TRUE(torch::logical_or(mask == 0, mask == 1).all().item<bool>());
}

std::vector<int64_t> sampled_indices(const torch::Tensor& line) {
  std::vector<int64_t> out;
  const auto a = line.accessor<float, 1>();
  for (int64_t i = 0; i < line.size(0); ++i)
    if (a[i] != 0) out.push_back(i);
  return out;
}

double sampled_fraction(const torch::Tensor& mask) { return mask.mean().item<double>(); }

TEST(SamplingMask, NamesRoundTrip) {
  const std::pair<MaskKind, const char*> names[] = {{MaskKind::kUniform1d, "uniform1d"},
                                                    {MaskKind::kEquispaced1d, "equispaced1d"},
                                                    {MaskKind::kGaussian1d, "gaussian1d"},
                                                    {MaskKind::kGaussian2d, "gaussian2d"},
                                                    {MaskKind::kPoisson2d, "poisson2d"}};
  for (const auto& [kind, name] : names) {
    EXPECT_STREQ(to_string(kind), name);
    EXPECT_EQ(parse_mask_kind(name), kind);
  }
  for (const MaskKind kind : kLineKinds) EXPECT_TRUE(is_line_mask(kind));
  for (const MaskKind kind : kPointKinds) EXPECT_FALSE(is_line_mask(kind));
}

TEST(SamplingMask, UnknownNameThrowsListingTheKinds) {
  for (const char* name : {"poisson", "Uniform1d", "", "gaussian"})
    EXPECT_THROW(parse_mask_kind(name), InvalidArgument);
  try {
    parse_mask_kind("radial");
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    const std::string message = e.what();
    for (const char* name : {"radial", "uniform1d", "equispaced1d", "gaussian1d", "gaussian2d", "poisson2d"})
      EXPECT_NE(message.find(name), std::string::npos) << message;
  }
}

TEST(SamplingMask, LineMasksHitTheRequestedCountExactly) {
  struct Case {
    int64_t lines;
    double acceleration, center_fraction;
  };
  for (const Case& c : {Case{256, 4, 0.08}, Case{255, 3, 0.08}, Case{97, 2.5, 0.1}, Case{97, 8, 0},
                        Case{320, 6, 0.04}, Case{11, 2, 0.2}, Case{1, 1, 0.5}})
    for (const MaskKind kind : kLineKinds)
      for (const uint64_t seed : {0, 7}) {
        SCOPED_TRACE(std::string(to_string(kind)) + " lines " + std::to_string(c.lines) + " R " +
                     std::to_string(c.acceleration) + " seed " + std::to_string(seed));
        const auto mask = line_mask(options(kind, c.acceleration, c.center_fraction, seed), c.lines);
        expect_binary_float_cpu(mask, {c.lines});
        EXPECT_EQ(count(mask), std::llround(static_cast<double>(c.lines) / c.acceleration));
      }
}

TEST(SamplingMask, PointMasksHitTheRequestedCountExactly) {
  struct Case {
    int64_t rows, cols;
    double acceleration, center_fraction;
  };
  for (const Case& c : {Case{64, 64, 4, 0.08}, Case{63, 50, 6, 0.08}, Case{31, 17, 3, 0.1},
                        Case{48, 48, 12, 0.04}, Case{40, 24, 2, 0}, Case{1, 40, 4, 0.1}})
    for (const MaskKind kind : kPointKinds)
      for (const uint64_t seed : {0, 7}) {
        SCOPED_TRACE(std::string(to_string(kind)) + " " + std::to_string(c.rows) + "x" +
                     std::to_string(c.cols) + " R " + std::to_string(c.acceleration) + " seed " +
                     std::to_string(seed));
        const auto mask = point_mask(options(kind, c.acceleration, c.center_fraction, seed), c.rows, c.cols);
        expect_binary_float_cpu(mask, {c.rows, c.cols});
        EXPECT_EQ(count(mask), std::llround(static_cast<double>(c.rows * c.cols) / c.acceleration));
      }
}

TEST(SamplingMask, AccelerationOneSamplesEverything) {
  for (const MaskKind kind : kLineKinds) EXPECT_EQ(count(line_mask(options(kind, 1, 0.08), 37)), 37);
  for (const MaskKind kind : kPointKinds)
    EXPECT_EQ(count(point_mask(options(kind, 1, 0.08), 21, 19)), 21 * 19);
}

TEST(SamplingMask, PoissonBelowAccelerationTwoGrowsAFullySampledCore) {
  // Poisson discs with a > 0 reach at most about half the points; the rest fills in around DC.
  for (const double acceleration : {1.02, 1.3, 1.8}) {
    const auto mask = point_mask(options(MaskKind::kPoisson2d, acceleration, 0.08), 40, 36);
    EXPECT_EQ(count(mask), std::llround(40 * 36 / acceleration));
    // 7 x 7 around DC (20, 18), beyond the 3 x 3 centre block.
    EXPECT_EQ(mask.slice(0, 17, 24).slice(1, 15, 22).sum().item<double>(), 49.0) << acceleration;
  }
}

TEST(SamplingMask, CentreIsTheBlockAroundIndexHalfN) {
  // Target = centre size: the mask is exactly the block, whatever the kind.
  for (const MaskKind kind : kLineKinds) {
    SCOPED_TRACE(to_string(kind));
    // c = 3: n/2 ± 1.
    EXPECT_EQ(sampled_indices(line_mask(options(kind, 10.0 / 3, 0.3), 10)), (std::vector<int64_t>{4, 5, 6}));
    // c = 2 (even): the extra line on the negative side.
    EXPECT_EQ(sampled_indices(line_mask(options(kind, 5, 0.2), 10)), (std::vector<int64_t>{4, 5}));
    // Odd n = 9: DC at 4; c = round(1.8) = 2.
    EXPECT_EQ(sampled_indices(line_mask(options(kind, 4.5, 0.2), 9)), (std::vector<int64_t>{3, 4}));
    // A tiny fraction still samples the DC line.
    EXPECT_EQ(sampled_indices(line_mask(options(kind, 64, 0.001), 64)), (std::vector<int64_t>{32}));
  }
  for (const MaskKind kind : kPointKinds) {
    SCOPED_TRACE(to_string(kind));
    // 7 x 6, fraction 0.3: 2 x 2 block at rows {2, 3}, cols {2, 3}; 42 / 10.5 = 4 samples.
    auto expected = torch::zeros({7, 6});
    expected.slice(0, 2, 4).slice(1, 2, 4).fill_(1);
    EXPECT_TRUE(torch::equal(point_mask(options(kind, 10.5, 0.3), 7, 6), expected));
    // 9 x 8 with a tiny fraction: the DC point (4, 4) alone.
    auto dc = torch::zeros({9, 8});
    dc.index_put_({4, 4}, 1);
    EXPECT_TRUE(torch::equal(point_mask(options(kind, 72, 0.001), 9, 8), dc));
  }
}

TEST(SamplingMask, CentreBlockIsFullySampledInRandomMasks) {
  for (const int64_t lines : {256, 255, 99})
    for (const MaskKind kind : kLineKinds) {
      const auto mask = line_mask(options(kind, 4, 0.12, 3), lines);
      const auto [begin, end] = centre(lines, 0.12);
      EXPECT_EQ(mask.slice(0, begin, end).sum().item<double>(), static_cast<double>(end - begin))
          << to_string(kind) << " " << lines;
      // The lines next to the block are not forced.
      EXPECT_GT(end - begin, 1);
    }
  using Size = std::pair<int64_t, int64_t>;
  for (const auto& [rows, cols] : {Size{64, 64}, Size{63, 50}})
    for (const MaskKind kind : kPointKinds) {
      const auto mask = point_mask(options(kind, 5, 0.1, 3), rows, cols);
      const auto [r0, r1] = centre(rows, 0.1);
      const auto [c0, c1] = centre(cols, 0.1);
      EXPECT_EQ(mask.slice(0, r0, r1).slice(1, c0, c1).sum().item<double>(),
                static_cast<double>((r1 - r0) * (c1 - c0)))
          << to_string(kind) << " " << rows << "x" << cols;
    }
}

TEST(SamplingMask, SeedDeterminesTheMask) {
  for (const MaskKind kind : kRandomKinds) {
    SCOPED_TRACE(to_string(kind));
    const auto a = make_mask(options(kind, 4, 0.08, 11), 48, 48);
    EXPECT_TRUE(torch::equal(a, make_mask(options(kind, 4, 0.08, 11), 48, 48)));
    EXPECT_FALSE(torch::equal(a, make_mask(options(kind, 4, 0.08, 12), 48, 48)));
  }
  // Equispaced: only the offset in [0, ⌊s⌋) is random (here s = 236 / 44 ≈ 5.4).
  std::set<std::vector<int64_t>> patterns;
  for (uint64_t seed = 0; seed < 8; ++seed) {
    const auto mask = line_mask(options(MaskKind::kEquispaced1d, 4, 0.08, seed), 256);
    EXPECT_TRUE(torch::equal(mask, line_mask(options(MaskKind::kEquispaced1d, 4, 0.08, seed), 256)));
    patterns.insert(sampled_indices(mask));
  }
  EXPECT_GT(patterns.size(), 1u);
}

TEST(SamplingMask, EquispacedLinesAreRegularlySpacedOutsideTheCentre) {
  struct Case {
    int64_t lines;
    double acceleration, center_fraction;
  };
  for (const Case& c : {Case{256, 4, 0.08}, Case{255, 3, 0.08}, Case{97, 5, 0}, Case{320, 8, 0.04}})
    for (const uint64_t seed : {0, 1, 2}) {
      SCOPED_TRACE("lines " + std::to_string(c.lines) + " seed " + std::to_string(seed));
      const auto lines = sampled_indices(
          line_mask(options(MaskKind::kEquispaced1d, c.acceleration, c.center_fraction, seed), c.lines));
      const auto [begin, end] = centre(c.lines, c.center_fraction);
      const auto target = std::llround(static_cast<double>(c.lines) / c.acceleration);
      const double spacing =
          static_cast<double>(c.lines - (end - begin)) / static_cast<double>(target - (end - begin));
      int64_t gaps = 0;
      for (size_t i = 1; i < lines.size(); ++i) {
        const int64_t a = lines[i - 1], b = lines[i];
        const bool same_side = (b < begin) || (a >= end);
        if (!same_side) continue;
        const int64_t gap = b - a;
        EXPECT_TRUE(gap == static_cast<int64_t>(std::floor(spacing)) ||
                    gap == static_cast<int64_t>(std::ceil(spacing)))
            << "gap " << gap << " between " << a << " and " << b << ", spacing " << spacing;
        ++gaps;
      }
      EXPECT_GT(gaps, target / 2);
    }
}

// Sampled fraction of the central third of each axis and of the rest (outer thirds).
std::pair<double, double> central_and_outer_fraction(const torch::Tensor& mask) {
  auto inner = torch::zeros_like(mask, torch::kBool);
  if (mask.dim() == 1) {
    const int64_t n = mask.size(0);
    inner.slice(0, n / 3, n - n / 3).fill_(true);
  } else {
    const int64_t r = mask.size(0), c = mask.size(1);
    inner.slice(0, r / 3, r - r / 3).slice(1, c / 3, c - c / 3).fill_(true);
  }
  return {sampled_fraction(mask.masked_select(inner)), sampled_fraction(mask.masked_select(~inner))};
}

TEST(SamplingMask, GaussianMasksAreDenserAtTheCentre) {
  for (const uint64_t seed : {0, 1, 2}) {
    // No centre block, so the density comes from the weights alone.
    const auto [line_in, line_out] =
        central_and_outer_fraction(line_mask(options(MaskKind::kGaussian1d, 4, 0, seed), 255));
    EXPECT_GT(line_in, 3 * line_out) << line_in << " vs " << line_out;
    const auto [point_in, point_out] =
        central_and_outer_fraction(point_mask(options(MaskKind::kGaussian2d, 4, 0, seed), 60, 66));
    EXPECT_GT(point_in, 3 * point_out) << point_in << " vs " << point_out;
    // Control: uniform1d has no such preference.
    const auto [uniform_in, uniform_out] =
        central_and_outer_fraction(line_mask(options(MaskKind::kUniform1d, 2, 0, seed), 255));
    EXPECT_LT(std::abs(uniform_in - uniform_out), 0.2) << uniform_in << " vs " << uniform_out;
  }
}

struct Point {
  int64_t row, col;
};

// ρ of the header: distance to DC, 1 at the edge midpoints.
double normalised_radius(const Point& p, int64_t rows, int64_t cols) {
  const double y = 2.0 * static_cast<double>(p.row - rows / 2) / static_cast<double>(rows);
  const double x = 2.0 * static_cast<double>(p.col - cols / 2) / static_cast<double>(cols);
  return std::hypot(x, y);
}

// Nearest-neighbour distance (pixels) of every sample outside the centre, to any other sample, and the
// sampled fraction, in the rings 0.25 < ρ < 0.5 (inner) and ρ > 0.75 (outer).
struct RingStatistics {
  double min_distance = 1e9, mean_distance = 0, density = 0;
};

std::pair<RingStatistics, RingStatistics> poisson_rings(const torch::Tensor& mask, double center_fraction) {
  const int64_t rows = mask.size(0), cols = mask.size(1);
  const auto a = mask.accessor<float, 2>();
  const auto [r0, r1] = centre(rows, center_fraction);
  const auto [c0, c1] = centre(cols, center_fraction);
  std::vector<Point> samples;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      if (a[r][c] != 0) samples.push_back({r, c});
  RingStatistics rings[2];
  int64_t points[2] = {0, 0}, sampled[2] = {0, 0};
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const double rho = normalised_radius({r, c}, rows, cols);
      const int ring = rho > 0.25 && rho < 0.5 ? 0 : rho > 0.75 ? 1 : -1;
      if (ring < 0 || (r >= r0 && r < r1 && c >= c0 && c < c1)) continue;
      ++points[ring];
      if (a[r][c] == 0) continue;
      ++sampled[ring];
      double nearest = 1e9;
      for (const Point& q : samples)
        if (q.row != r || q.col != c)
          nearest =
              std::min(nearest, std::hypot(static_cast<double>(r - q.row), static_cast<double>(c - q.col)));
      rings[ring].min_distance = std::min(rings[ring].min_distance, nearest);
      rings[ring].mean_distance += nearest;
    }
  for (int ring = 0; ring < 2; ++ring) {
    rings[ring].mean_distance /= static_cast<double>(std::max<int64_t>(sampled[ring], 1));
    rings[ring].density = static_cast<double>(sampled[ring]) / static_cast<double>(points[ring]);
  }
  return {rings[0], rings[1]};
}

TEST(SamplingMask, PoissonSpacingGrowsAndDensityFallsOutward) {
  for (const uint64_t seed : {0, 5}) {
    const auto [inner, outer] =
        poisson_rings(point_mask(options(MaskKind::kPoisson2d, 8, 0.08, seed), 96, 96), 0.08);
    SCOPED_TRACE("inner: min " + std::to_string(inner.min_distance) + " mean " +
                 std::to_string(inner.mean_distance) + " density " + std::to_string(inner.density) +
                 "; outer: min " + std::to_string(outer.min_distance) + " mean " +
                 std::to_string(outer.mean_distance) + " density " + std::to_string(outer.density));
    EXPECT_GT(outer.min_distance, 1.5 * inner.min_distance);
    EXPECT_GE(outer.min_distance, 2.0);  // no two samples touch (distance 1 or √2) at the edge
    EXPECT_GT(outer.mean_distance, 1.3 * inner.mean_distance);
    EXPECT_GT(inner.density, 2 * outer.density);
  }
}

TEST(SamplingMask, PoissonOnElongatedPlanesKeepsItsLaw) {
  // ky-kz plane with few partitions: column radii stay at 1 pixel, so columns are not skipped.
  for (const uint64_t seed : {0, 1}) {
    const auto mask = point_mask(options(MaskKind::kPoisson2d, 6, 0.08, seed), 192, 32);
    const auto [inner, outer] = poisson_rings(mask, 0.08);
    EXPECT_GT(inner.density, 2 * outer.density) << inner.density << " vs " << outer.density;
    EXPECT_GT(mask.sum(0).min().item<float>(), 0);
  }
}

TEST(SamplingMask, RejectsBadArguments) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const double acceleration : {0.0, 0.5, -4.0, nan, std::numeric_limits<double>::infinity()}) {
    EXPECT_THROW(line_mask(options(MaskKind::kUniform1d, acceleration, 0.08), 64), InvalidArgument);
    EXPECT_THROW(point_mask(options(MaskKind::kPoisson2d, acceleration, 0.08), 16, 16), InvalidArgument);
  }
  for (const double fraction : {-0.1, 1.0, 1.5, nan}) {
    EXPECT_THROW(line_mask(options(MaskKind::kGaussian1d, 4, fraction), 64), InvalidArgument);
    EXPECT_THROW(point_mask(options(MaskKind::kGaussian2d, 4, fraction), 16, 16), InvalidArgument);
  }
  EXPECT_THROW(line_mask(options(MaskKind::kEquispaced1d, 4, 0.08), 0), InvalidArgument);
  EXPECT_THROW(point_mask(options(MaskKind::kPoisson2d, 4, 0.08), 0, 16), InvalidArgument);
  EXPECT_THROW(point_mask(options(MaskKind::kPoisson2d, 4, 0.08), 16, -1), InvalidArgument);
  // Kind and function disagree.
  EXPECT_THROW(line_mask(options(MaskKind::kPoisson2d, 4, 0.08), 64), InvalidArgument);
  EXPECT_THROW(point_mask(options(MaskKind::kUniform1d, 4, 0.08), 16, 16), InvalidArgument);
  // round(10 / 25) = 0 samples.
  EXPECT_THROW(line_mask(options(MaskKind::kUniform1d, 25, 0), 10), InvalidArgument);
  // Centre of round(0.1·100) = 10 lines, target round(100 / 20) = 5.
  try {
    line_mask(options(MaskKind::kUniform1d, 20, 0.1), 100);
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("centre"), std::string::npos) << e.what();
  }
  // 2D centre 4 x 4 = 16 > round(256 / 32) = 8.
  EXPECT_THROW(point_mask(options(MaskKind::kPoisson2d, 32, 0.25), 16, 16), InvalidArgument);
  EXPECT_NO_THROW(point_mask(options(MaskKind::kPoisson2d, 16, 0.25), 16, 16));
}

TEST(SamplingMask, AchievedAcceleration) {
  EXPECT_DOUBLE_EQ(achieved_acceleration(torch::tensor({0.0f, 1.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f})),
                   4.0);
  EXPECT_DOUBLE_EQ(achieved_acceleration(torch::ones({3, 5}, torch::kBool)), 1.0);
  EXPECT_DOUBLE_EQ(achieved_acceleration(line_mask(options(MaskKind::kUniform1d, 4, 0.08), 256)), 4.0);
  // round(100 / 3) = 33 lines.
  EXPECT_DOUBLE_EQ(achieved_acceleration(line_mask(options(MaskKind::kGaussian1d, 3, 0.08), 100)),
                   100.0 / 33);
  EXPECT_DOUBLE_EQ(achieved_acceleration(point_mask(options(MaskKind::kPoisson2d, 8, 0.08), 32, 32)), 8.0);
  EXPECT_THROW(achieved_acceleration(torch::zeros({4, 4})), InvalidArgument);
  EXPECT_THROW(achieved_acceleration(torch::zeros({0})), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
