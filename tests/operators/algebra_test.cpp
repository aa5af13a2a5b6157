#include "operators/algebra.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "operators/dense_matrix.h"
#include "operators/finite_difference.h"
#include "testing/operator_contract.h"

namespace diffrecon {
namespace {

using testing::random_tensor;
const torch::Device kCpu(torch::kCPU);

TEST(Algebra, ComposeMatchesMatrixProduct) {
  const auto m1 = random_tensor({4, 6}, torch::kDouble, kCpu, 1);
  const auto m2 = random_tensor({6, 3}, torch::kDouble, kCpu, 2);
  const auto op = compose(dense_matrix(m1), dense_matrix(m2));
  const auto x = random_tensor({3}, torch::kDouble, kCpu, 3);
  EXPECT_TRUE(torch::allclose(op->apply(x), torch::mv(torch::mm(m1, m2), x)));
  EXPECT_EQ(op->domain_shape(), Shape({3}));
  EXPECT_EQ(op->range_shape(), Shape({4}));
}

TEST(Algebra, ComposeRejectsMismatchedShapesNamingBothOperators) {
  try {
    compose(dense_matrix(torch::ones({2, 5}, torch::kDouble), "A"), dense_matrix(torch::ones({4, 3}, torch::kDouble), "B"));
    FAIL() << "compose accepted mismatched shapes";
  } catch (const ShapeMismatch& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("A"), std::string::npos) << message;
    EXPECT_NE(message.find("B"), std::string::npos) << message;
    EXPECT_NE(message.find("[4]"), std::string::npos) << message;
  }
}

TEST(Algebra, ComposeRejectsRealIntoComplex) {
  EXPECT_THROW(compose(dense_matrix(torch::ones({2, 2}, torch::kComplexDouble)), dense_matrix(torch::ones({2, 2}, torch::kDouble))),
               ShapeMismatch);
}

TEST(Algebra, FieldsPropagateThroughPassThroughOperators) {
  const auto complex_op = dense_matrix(torch::ones({3, 3}, torch::kComplexDouble));
  EXPECT_EQ(compose(complex_op, identity({3}))->domain_field(), Field::kComplex);
  EXPECT_EQ(compose(identity({3}), complex_op)->range_field(), Field::kComplex);
  EXPECT_EQ(compose(identity({3}), identity({3}))->domain_field(), Field::kAny);
  EXPECT_EQ(sum(identity({3}), complex_op)->domain_field(), Field::kComplex);
}

TEST(Algebra, ErrorsInsideACompositionNameTheComposition) {
  const auto op = compose(finite_difference({4}, 0), scale(2.0, identity({4})));
  try {
    op->apply(torch::ones({5}, torch::kDouble));
    FAIL();
  } catch (const ShapeMismatch& e) {
    EXPECT_NE(std::string(e.what()).find(op->name()), std::string::npos) << e.what();
  }
}

TEST(Algebra, SumScaleAndStackComputeWhatTheySay) {
  const auto m1 = random_tensor({4, 3}, torch::kComplexDouble, kCpu, 4);
  const auto m2 = random_tensor({4, 3}, torch::kComplexDouble, kCpu, 5);
  const auto x = random_tensor({3}, torch::kComplexDouble, kCpu, 6);
  const c10::complex<double> s(0.5, 2.0);
  const auto a = dense_matrix(m1), b = dense_matrix(m2);
  EXPECT_TRUE(torch::allclose(sum(a, b)->apply(x), torch::mv(m1 + m2, x)));
  EXPECT_TRUE(torch::allclose(scale(std::complex<double>(0.5, 2.0), a)->apply(x), s * torch::mv(m1, x)));
  EXPECT_TRUE(torch::allclose(scale(std::complex<double>(0.5, 2.0), a)->adjoint(torch::mv(m1, x)),
                              std::conj(s) * torch::mv(m1.adjoint(), torch::mv(m1, x))));
  const auto stacked = stack({a, b});
  EXPECT_EQ(stacked->range_shape(), Shape({8}));
  const auto parts = unstack({a, b}, stacked->apply(x));
  EXPECT_TRUE(torch::allclose(parts[0], torch::mv(m1, x)));
  EXPECT_TRUE(torch::allclose(parts[1], torch::mv(m2, x)));
  EXPECT_TRUE(torch::allclose(adjoint_of(a)->apply(torch::mv(m1, x)), torch::mv(m1.adjoint(), torch::mv(m1, x))));
  EXPECT_TRUE(torch::allclose(normal_of(a)->apply(x), torch::mv(torch::mm(m1.adjoint(), m1), x)));
}

TEST(Algebra, ComplexScaleOfRealOnlyOperatorIsRejected) {
  EXPECT_THROW(scale(std::complex<double>(0, 1), dense_matrix(torch::ones({2, 2}, torch::kDouble))), InvalidArgument);
  EXPECT_THROW(scale(std::nan(""), identity({2})), InvalidArgument);
}

TEST(Algebra, InputsAreNeverModified) {
  const Shape shape{5, 6, 7};
  const auto x = random_tensor(shape, torch::kDouble, kCpu, 7);
  const auto copy = x.clone();
  const auto op = sum({identity(shape), scale(2.0, identity(shape)), compose(finite_difference_z(shape), identity(shape))});
  op->apply(x);
  op->adjoint(x);
  op->normal(x);
  normal_of(stack({identity(shape), op}))->apply(x);
  EXPECT_TRUE(torch::equal(x, copy));
}

}  // namespace
}  // namespace diffrecon
