#pragma once

#include <functional>
#include <string>
#include <vector>

#include "operators/linear_operator.h"

namespace diffrecon::testing {

// An operator the contract suite runs on every available device. `make` builds it on a device.
struct OperatorCase {
  std::string name;  // GoogleTest parameter name: letters, digits and underscores
  std::function<OperatorPtr(torch::Device)> make;
};

// Every operator and composition diffrecon provides, at small prime-ish sizes. A new operator is one
// line here.
const std::vector<OperatorCase>& registered_operators();

}  // namespace diffrecon::testing
