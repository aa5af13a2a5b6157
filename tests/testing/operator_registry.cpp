#include "testing/operator_registry.h"

#include "operators/algebra.h"
#include "operators/ct/parallel_beam.h"
#include "operators/daubechies_wavelet.h"
#include "operators/dense_matrix.h"
#include "operators/finite_difference.h"
#include "operators/mri/centred_fft.h"
#include "operators/mri/sense.h"
#include "operators/real_restriction.h"
#include "operators/slice_average.h"
#include "testing/operator_contract.h"

namespace diffrecon::testing {
namespace {

const Shape kVolume{5, 6, 7};

OperatorPtr real_matrix(torch::Device device, int64_t rows, int64_t cols, uint64_t seed) {
  return dense_matrix(random_tensor({rows, cols}, torch::kDouble, device, seed), "R" + std::to_string(seed));
}

OperatorPtr complex_matrix(torch::Device device, int64_t rows, int64_t cols, uint64_t seed) {
  return dense_matrix(random_tensor({rows, cols}, torch::kComplexDouble, device, seed), "C" + std::to_string(seed));
}

OperatorPtr dz(Boundary b = Boundary::kCircular) { return finite_difference_z(kVolume, b); }

// Anisotropic pixels, views over 180° including 45° (both traversal branches), more bins than fit.
OperatorPtr small_projector() {
  ParallelBeamGeometry g;
  g.angles = {0.0, 0.3, M_PI / 4, 1.2, M_PI / 2, 2.0, 2.9};
  g.nz = kVolume[0], g.ny = kVolume[1], g.nx = kVolume[2];
  g.pixel_spacing_x = 0.9, g.pixel_spacing_y = 1.4;
  g.detector_count = 13, g.detector_spacing = 0.8;
  return parallel_beam_projector(g);
}

// Random coil maps and a random 0/1 mask of the given broadcast shape (image [nz, ny, nx]).
OperatorPtr random_sense(torch::Device device, const Shape& image, const Shape& mask_shape, int dims, uint64_t seed) {
  const auto maps = random_tensor({3, image[0], image[1], image[2]}, torch::kComplexFloat, device, seed);
  const auto mask = (random_tensor(mask_shape, torch::kFloat, device, seed + 1) > 0).to(torch::kFloat);
  return sense_operator(maps, mask, dims);
}

const Shape kEvenVolume{4, 6, 8};

}  // namespace

const std::vector<OperatorCase>& registered_operators() {
  using D = torch::Device;
  static const std::vector<OperatorCase> kCases = {
      {"identity", [](D) { return identity(kVolume); }},
      {"fourier_2d_odd", [](D) { return fourier_operator(kVolume, 2); }},
      {"fourier_3d_even", [](D) { return fourier_operator(kEvenVolume, 3); }},
      {"fourier_1d_even",
       [](D) {
         return fourier_operator({3, 8}, 1);
       }},
      {"sense_2d_lines",
       [](D d) {
         return random_sense(d, kEvenVolume, {1, 8}, 2, 30);
       }},
      {"sense_2d_points_odd",
       [](D d) {
         return random_sense(d, kVolume, {6, 7}, 2, 32);
       }},
      {"sense_3d",
       [](D d) {
         return random_sense(d, kEvenVolume, {4, 6, 1}, 3, 34);
       }},
      {"single_coil_2d",
       [](D d) {
         return single_coil_operator(kEvenVolume,
                                     (random_tensor({6, 8}, torch::kFloat, d, 36) > 0).to(torch::kFloat), 2);
       }},
      {"daubechies2_two_levels",
       [](D) {
         return daubechies_wavelet({3, 16, 20}, 2, 8);
       }},
      {"daubechies4_odd_axis",
       [](D) {
         return daubechies_wavelet({2, 24, 7}, 4, 4);
       }},
      {"dense_real", [](D d) { return real_matrix(d, 11, 7, 10); }},
      {"dense_complex", [](D d) { return complex_matrix(d, 11, 7, 11); }},
      {"diff_z_circular", [](D) { return dz(); }},
      {"diff_y_circular", [](D) { return finite_difference_y(kVolume); }},
      {"diff_x_circular", [](D) { return finite_difference_x(kVolume); }},
      {"diff_z_neumann", [](D) { return dz(Boundary::kNeumann); }},
      {"diff_y_neumann", [](D) { return finite_difference_y(kVolume, Boundary::kNeumann); }},
      {"diff_x_neumann", [](D) { return finite_difference_x(kVolume, Boundary::kNeumann); }},
      {"diff_dim0_length1",
       [](D) {
         return finite_difference({1, 4}, 0, Boundary::kNeumann);
       }},
      {"gradient_3d_circular", [](D) { return gradient_3d(kVolume); }},
      {"gradient_3d_neumann", [](D) { return gradient_3d(kVolume, Boundary::kNeumann); }},
      {"compose_matrices", [](D d) { return compose(real_matrix(d, 9, 11, 12), real_matrix(d, 11, 7, 13)); }},
      {"compose_complex_any", [](D d) { return compose(complex_matrix(d, 5, 7, 14), identity({7})); }},
      {"compose_diffs", [](D) { return compose(dz(), finite_difference_x(kVolume, Boundary::kNeumann)); }},
      {"sum_diffs", [](D) { return sum(dz(), finite_difference_y(kVolume)); }},
      {"sum_three",
       [](D) {
         return sum({dz(), identity(kVolume), finite_difference_x(kVolume)});
       }},
      {"scale_real", [](D) { return scale(-2.5, dz()); }},
      {"scale_complex",
       [](D d) { return scale(std::complex<double>(0.3, -1.2), complex_matrix(d, 6, 4, 15)); }},
      {"stack_diffs",
       [](D) {
         return stack({dz(), scale(3.0, finite_difference_x(kVolume))});
       }},
      {"stack_matrices",
       [](D d) {
         return stack({real_matrix(d, 3, 7, 16), real_matrix(d, 5, 7, 17)});
       }},
      {"adjoint_of_matrix", [](D d) { return adjoint_of(complex_matrix(d, 6, 9, 18)); }},
      {"adjoint_of_diff", [](D) { return adjoint_of(dz(Boundary::kNeumann)); }},
      {"normal_of_matrix", [](D d) { return normal_of(real_matrix(d, 6, 9, 19)); }},
      {"normal_of_stack", [](D) { return normal_of(gradient_3d(kVolume)); }},
      {"admm_x_update",  // AᴴA + ρ DᴴD, as AdmmL1Solver builds it
       [](D d) {
         const auto a = real_matrix(d, 9, 7, 20);
         const auto dmat = finite_difference({7}, 0);
         return sum(normal_of(a), scale(10.0, normal_of(dmat)));
       }},
      {"parallel_beam", [](D) { return small_projector(); }},
      {"admm_ct_x_update", [](D) { return sum(normal_of(small_projector()), scale(10.0, normal_of(dz()))); }},
      {"real_restriction_sense",
       [](D d) {
         return real_restriction(random_sense(d, kEvenVolume, {6, 8}, 2, 38));
       }},
      {"real_restriction_matrix", [](D d) { return real_restriction(complex_matrix(d, 6, 4, 40)); }},
      {"slice_average_divides",
       [](D) {
         return slice_average({8, 3, 2}, 4);
       }},
      {"slice_average_partial_group", [](D) { return slice_average(kVolume, 3); }},
      {"slice_average_identity",
       [](D) {
         return slice_average({3, 2}, 1);
       }},
      {"compose_stack_adjoint",
       [](D) {
         return compose(adjoint_of(stack({dz(), finite_difference_y(kVolume)})),
                        stack({finite_difference_x(kVolume), dz(Boundary::kNeumann)}));
       }},
  };
  return kCases;
}

}  // namespace diffrecon::testing
