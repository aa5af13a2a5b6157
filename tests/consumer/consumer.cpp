// Solves (I + DᴴD) x = b with the installed library and checks the residual.
#include <iostream>

#include <operators/algebra.h>
#include <operators/finite_difference.h>
#include <solvers/conjugate_gradient.h>

int main() {
  using namespace diffrecon;
  const Shape shape{4, 5, 6};
  const auto op = sum(identity(shape), normal_of(gradient_3d(shape)));
  const auto b = torch::rand(shape, torch::kDouble);
  const auto result = conjugate_gradient(*op, b, {}, {100, 1e-10, 0});
  const double residual = (op->apply(result.x) - b).norm().item<double>() / b.norm().item<double>();
  std::cout << "consumer: " << result.iterations << " CG iterations, relative residual " << residual << "\n";
  return result.converged && residual < 1e-8 ? 0 : 1;
}
