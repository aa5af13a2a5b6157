#include "operators/autograd_bridge.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>

#include "core/error.h"
#include "operators/algebra.h"

namespace diffrecon {
namespace {

class OperatorBackward final : public torch::autograd::Node {
 public:
  explicit OperatorBackward(OperatorPtr adjoint) : adjoint_(std::move(adjoint)) {}

  std::string name() const override { return "diffrecon::OperatorBackward(" + adjoint_->name() + ")"; }

  torch::autograd::variable_list apply(torch::autograd::variable_list&& grads) override {
    if (!grads[0].defined() || !should_compute_output(0)) return {torch::Tensor()};
    return {apply_differentiable(adjoint_, grads[0])};
  }

 private:
  OperatorPtr adjoint_;
};

}  // namespace

torch::Tensor apply_differentiable(const OperatorPtr& op, const torch::Tensor& x) {
  if (!op) throw InvalidArgument("apply_differentiable: operator is null");
  torch::Tensor y;
  {
    at::NoGradGuard no_grad;
    y = op->apply(x.detach());
  }
  if (!torch::autograd::compute_requires_grad(x)) return y;
  if (y.is_view()) y = y.clone();
  auto node = std::shared_ptr<OperatorBackward>(new OperatorBackward(adjoint_of(op)), torch::autograd::deleteNode);
  node->set_next_edges(torch::autograd::collect_next_edges(x));
  torch::autograd::set_history(y, node);
  return y;
}

}  // namespace diffrecon
