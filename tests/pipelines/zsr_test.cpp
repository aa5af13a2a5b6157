#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "operators/slice_average.h"
#include "pipelines/zsr/classical_zsr.h"
#include "pipelines/zsr/zsr_problem.h"

namespace diffrecon {
namespace {

Volume ramp_volume(int64_t nz) {
  // x[z, y, x] = 2 z + y: linear along z.
  const auto z = torch::arange(nz, torch::kFloat).view({nz, 1, 1});
  const auto y = torch::arange(3, torch::kFloat).view({1, 3, 1});
  return Volume((2 * z + y).expand({nz, 3, 4}).contiguous(), Geometry{});
}

TEST(SimulateZsr, AveragesThinSlicesAndKeepsTheThinGeometry) {
  const Volume v = ramp_volume(10);
  const Measurement m = simulate_zsr(v, 4, {}, 0);
  EXPECT_EQ(m.modality, Modality::kZsr);
  EXPECT_EQ(m.data.sizes(), (std::vector<int64_t>{3, 3, 4}));
  EXPECT_EQ(m.volume_size, (std::array<int64_t, 3>{4, 3, 10}));
  EXPECT_EQ(slice_factor(m), 4);
  // Means of z = 0..3, 4..7 and the partial 8..9 at y = 0: 3, 11, 17.
  EXPECT_TRUE(torch::allclose(m.data.select(1, 0).select(1, 0), torch::tensor({3.0f, 11.0f, 17.0f})));
  EXPECT_TRUE(torch::allclose(zsr_forward_operator(m)->apply(v.data()), m.data));
  NoiseModel noise;
  noise.kind = "gaussian";
  noise.sigma = 0.1;
  const Measurement noisy = simulate_zsr(v, 4, noise, 0);
  EXPECT_NEAR((noisy.data - m.data).std().item<double>(), 0.1, 0.05);
  EXPECT_THROW(simulate_zsr(v, 0, {}, 0), InvalidArgument);
  EXPECT_THROW(simulate_zsr(v, 11, {}, 0), InvalidArgument);
}

TEST(ThickSliceMeasurement, PlacesTheThinSlicesInsideTheirThickSlice) {
  // A thin volume with an oblique slice direction, its thick slices as a scanner would store them (each
  // at the centre of its group, spacing f times the thin one), and back.
  Geometry thin;
  thin.spacing = {0.9, 1.1, 0.5};
  thin.origin = {-10, 20, 30};
  const double c = std::cos(0.3), s = std::sin(0.3);
  thin.direction = {1, 0, 0, 0, c, -s, 0, s, c};
  const Volume volume(ramp_volume(12).data(), thin);
  const Measurement simulated = simulate_zsr(volume, 4, {}, 0);
  Geometry thick = thin;
  thick.spacing[2] = 2.0;
  const auto centre = thin.index_to_physical({0, 0, 1.5});  // mean of thin slices 0 … 3
  for (int i = 0; i < 3; ++i) thick.origin[i] = centre[i];
  const Measurement m = thick_slice_measurement(Volume(simulated.data, thick), 4);
  EXPECT_EQ(m.volume_size, simulated.volume_size);
  EXPECT_TRUE(torch::equal(m.data, simulated.data));
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(m.geometry.origin[i], thin.origin[i], 1e-9);
    EXPECT_NEAR(m.geometry.spacing[i], thin.spacing[i], 1e-12);
  }
  EXPECT_THROW(thick_slice_measurement(Volume(simulated.data, thick), 0), InvalidArgument);
}

TEST(ZsrMeasurement, ValidationNamesTheField) {
  Measurement m = simulate_zsr(ramp_volume(8), 2, {}, 0);
  const auto fails_with = [](const Measurement& bad, const std::string& field) {
    try {
      validate(bad, "test");
    } catch (const InvalidArgument& e) {
      return std::string(e.what()).find(field) != std::string::npos;
    }
    return false;
  };
  Measurement no_factor = m;
  no_factor.parameters.erase("slice_factor");
  EXPECT_TRUE(fails_with(no_factor, "/forward_model/slice_factor"));
  Measurement fractional = m;
  fractional.parameters["slice_factor"] = 2.5;
  EXPECT_TRUE(fails_with(fractional, "/forward_model/slice_factor"));
  Measurement wrong_depth = m;
  wrong_depth.parameters["slice_factor"] = 4;  // 8 thin slices make 2 thick ones, the data has 4
  EXPECT_TRUE(fails_with(wrong_depth, "/data"));
  Measurement with_array = m;
  with_array.arrays["mask"] = torch::ones({3, 4});
  EXPECT_TRUE(fails_with(with_array, "/forward_model/mask"));
  EXPECT_NO_THROW(validate(m, "test"));
}

TEST(ZInterpolation, WeightsInterpolateLinearProfilesBetweenTheCentres) {
  for (const auto kind : {ZInterpolation::kNearest, ZInterpolation::kLinear, ZInterpolation::kCubic}) {
    const auto w = z_interpolation_weights(13, 3, kind);
    EXPECT_EQ(w.sizes(), (std::vector<int64_t>{13, 5}));
    EXPECT_TRUE(torch::allclose(w.sum(1), torch::ones({13}, torch::kDouble))) << to_string(kind);
  }
  // Thick slices of a linear profile are its values at the centres 1.5, 5.5, 9.5, 13.5 (f = 4), so
  // linear and cubic interpolation return the profile exactly between the first and last centre.
  const Measurement m = simulate_zsr(ramp_volume(16), 4, {}, 0);
  const auto truth = ramp_volume(16).data();
  for (const auto kind : {ZInterpolation::kLinear, ZInterpolation::kCubic}) {
    const auto x = z_interpolation_reconstruction(m, kind, torch::kCPU).data();
    EXPECT_TRUE(torch::allclose(x.narrow(0, 2, 11), truth.narrow(0, 2, 11), 1e-5, 1e-4)) << to_string(kind);
    EXPECT_TRUE(torch::allclose(x[0], x[1]));  // constant before the first centre
  }
  // nearest repeats each thick slice: consistent with the data.
  const auto nearest = z_interpolation_reconstruction(m, ZInterpolation::kNearest, torch::kCPU).data();
  EXPECT_TRUE(torch::allclose(zsr_forward_operator(m)->apply(nearest), m.data));
  EXPECT_EQ(parse_z_interpolation("cubic"), ZInterpolation::kCubic);
  EXPECT_THROW(parse_z_interpolation("spline"), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
