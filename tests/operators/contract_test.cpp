#include <gtest/gtest.h>

#include "core/device.h"
#include "testing/operator_contract.h"
#include "testing/operator_registry.h"

namespace diffrecon::testing {
namespace {

using ContractParam = std::tuple<size_t, torch::Device, torch::ScalarType>;

class OperatorContract : public ::testing::TestWithParam<ContractParam> {
 protected:
  void SetUp() override {
    const auto& [index, device, precision] = GetParam();
    op_ = registered_operators()[index].make(device);
    device_ = device;
    precision_ = precision;
    // float64: rounding only; float32: single-precision accumulation over ~10³ elements.
    tolerance_ = precision == torch::kDouble ? 1e-10 : 1e-4;
  }

  OperatorPtr op_;
  torch::Device device_{torch::kCPU};
  torch::ScalarType precision_{torch::kDouble};
  double tolerance_ = 0;
};

TEST_P(OperatorContract, AdjointPassesDotProductTest) {
  for (const auto dtype : contract_dtypes(*op_, precision_)) EXPECT_TRUE(is_adjoint(*op_, dtype, device_, tolerance_));
}

TEST_P(OperatorContract, IsLinear) {
  for (const auto dtype : contract_dtypes(*op_, precision_)) EXPECT_TRUE(is_linear(*op_, dtype, device_, tolerance_));
}

TEST_P(OperatorContract, NormalEqualsAdjointOfApply) {
  for (const auto dtype : contract_dtypes(*op_, precision_))
    EXPECT_TRUE(normal_matches_adjoint_of_apply(*op_, dtype, device_, tolerance_));
}

TEST_P(OperatorContract, RejectsWrongShapeAndField) {
  for (const auto dtype : contract_dtypes(*op_, precision_)) EXPECT_TRUE(rejects_wrong_shape(*op_, dtype, device_));
}

std::vector<size_t> all_indices() {
  std::vector<size_t> indices(registered_operators().size());
  for (size_t i = 0; i < indices.size(); ++i) indices[i] = i;
  return indices;
}

std::string param_name(const ::testing::TestParamInfo<ContractParam>& info) {
  const auto& [index, device, precision] = info.param;
  return registered_operators()[index].name + "_" + (device.is_cuda() ? "cuda" + std::to_string(device.index()) : "cpu") +
         "_" + (precision == torch::kDouble ? "f64" : "f32");
}

INSTANTIATE_TEST_SUITE_P(AllOperators, OperatorContract,
                         ::testing::Combine(::testing::ValuesIn(all_indices()),
                                            ::testing::ValuesIn(available_devices()),
                                            ::testing::Values(torch::kDouble, torch::kFloat)),
                         param_name);

}  // namespace
}  // namespace diffrecon::testing
