#pragma once

#include <complex>
#include <vector>

#include "operators/linear_operator.h"

namespace diffrecon {

// Operator algebra. Composites hold their children (shared, immutable) and name themselves after them,
// so an error inside a composition names the whole expression.

// I on tensors of `shape`.
OperatorPtr identity(Shape shape);

// outer ∘ inner:  x ↦ outer(inner(x)).  Adjoint innerᴴ outerᴴ; normal innerᴴ (outerᴴ outer) inner,
// reusing outer's own normal.
OperatorPtr compose(OperatorPtr outer, OperatorPtr inner);

// Σ_k A_k (all terms share domain and range).
OperatorPtr sum(std::vector<OperatorPtr> terms);
OperatorPtr sum(OperatorPtr a, OperatorPtr b);

// s A. Adjoint conj(s) Aᴴ; normal |s|² AᴴA. A non-real s makes domain and range complex.
OperatorPtr scale(double s, OperatorPtr a);
OperatorPtr scale(std::complex<double> s, OperatorPtr a);

// Vertical stack [A_1; A_2; ...] of operators with one domain. The range is the 1D concatenation of the
// flattened block outputs (use unstack to recover them). Normal Σ A_kᴴA_k.
OperatorPtr stack(std::vector<OperatorPtr> blocks);
// Splits a stacked range vector into the block outputs, each in its block's range shape.
std::vector<torch::Tensor> unstack(const std::vector<OperatorPtr>& blocks, const torch::Tensor& stacked);

// Aᴴ as an operator (domain and range swapped).
OperatorPtr adjoint_of(OperatorPtr a);

// AᴴA as a self-adjoint operator on A's domain (what CG solves with).
OperatorPtr normal_of(OperatorPtr a);

}  // namespace diffrecon
