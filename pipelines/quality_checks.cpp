#include "pipelines/quality_checks.h"

#include "core/error.h"
#include "operators/ct/parallel_beam.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/mri/mri_problem.h"
#include "pipelines/zsr/zsr_problem.h"

namespace diffrecon {
namespace {

double l2_norm(const torch::Tensor& t) {
  return t.abs().to(torch::kDouble).pow(2).sum().sqrt().item<double>();
}

}  // namespace

double relative_difference(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.sizes() != b.sizes()) throw ShapeMismatch("relative_difference: the two tensors differ in shape");
  const auto reference = b.to(a.device());
  return l2_norm(a - reference) / l2_norm(reference);
}

double data_consistency(const Measurement& m, const Volume& x, torch::Device device) {
  OperatorPtr forward;
  torch::Tensor image = x.data().to(device, torch::kFloat);
  switch (m.modality) {
    case Modality::kCt:
      forward = parallel_beam_projector(parallel_beam_geometry(m));
      break;
    case Modality::kMri:
      forward = mri_forward_operator(m, coil_maps_of(m, device));
      image = image.to(torch::kComplexFloat);
      break;
    case Modality::kZsr:
      forward = zsr_forward_operator(m);
      break;
  }
  const auto y = m.data.to(device, image.is_complex() ? torch::kComplexFloat : torch::kFloat);
  return relative_difference(forward->apply(image), y);
}

}  // namespace diffrecon
