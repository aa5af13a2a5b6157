#include "operators/mri/sense.h"

#include "core/error.h"
#include "operators/mri/centred_fft.h"

namespace diffrecon {
namespace {

// The mask as a real tensor of rank 3 broadcasting against [Z, Y, X], on `device`.
// float32 (0/1 and weights are exact enough; complex128 inputs promote).
torch::Tensor broadcast_mask(const torch::Tensor& mask, const Shape& image, const torch::Device& device) {
  if (!mask.defined() || mask.is_complex() || (mask.dim() != 2 && mask.dim() != 3))
    throw InvalidArgument("sense_operator: the mask must be a real tensor of rank 2 or 3");
  const auto m = mask.dim() == 2 ? mask.unsqueeze(0) : mask;
  for (int d = 0; d < 3; ++d)
    if (m.size(d) != 1 && m.size(d) != image[d])
      throw ShapeMismatch("sense_operator: mask " + to_string(Shape(mask.sizes().begin(), mask.sizes().end())) +
                          " does not broadcast against the image " + to_string(image));
  return m.to(device, torch::kFloat).contiguous();
}

class SenseOperator final : public LinearOperator {
 public:
  // maps undefined: single coil with S = 1.
  SenseOperator(torch::Tensor maps, torch::Tensor mask, Shape image, int fft_dims)
      : LinearOperator(std::string(maps.defined() ? "SENSE" : "Fourier") + std::to_string(fft_dims) + "d[" +
                           std::to_string(maps.defined() ? maps.size(0) : 1) + " coils]",
                       image, {maps.defined() ? maps.size(0) : 1, image[0], image[1], image[2]}, Field::kComplex,
                       Field::kComplex),
        maps_(std::move(maps)),
        mask_(std::move(mask)),
        mask_squared_(mask_ * mask_),
        dims_(fft_dims) {}

  std::optional<torch::Device> device() const override { return mask_.device(); }

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override {
    return centred_fft(coil_images(x), dims_).mul_(mask_);
  }

  torch::Tensor adjoint_impl(const torch::Tensor& y) const override {
    return combine(centred_ifft(y * mask_, dims_));
  }

  torch::Tensor normal_impl(const torch::Tensor& x) const override {
    return combine(centred_ifft(centred_fft(coil_images(x), dims_).mul_(mask_squared_), dims_));
  }

 private:
  // S_c x for every coil: [C, Z, Y, X].
  torch::Tensor coil_images(const torch::Tensor& x) const { return maps_.defined() ? maps_ * x : x.unsqueeze(0); }

  // Σ_c conj(S_c) z_c.
  torch::Tensor combine(const torch::Tensor& z) const {
    return maps_.defined() ? (maps_.conj() * z).sum(0) : z.squeeze(0).clone();
  }

  torch::Tensor maps_, mask_, mask_squared_;
  int dims_;
};

void check_dims(int fft_dims) {
  if (fft_dims != 2 && fft_dims != 3)
    throw InvalidArgument("sense_operator: fft_dims must be 2 (slice-wise) or 3, got " + std::to_string(fft_dims));
}

}  // namespace

OperatorPtr sense_operator(const torch::Tensor& coil_maps, const torch::Tensor& mask, int fft_dims) {
  check_dims(fft_dims);
  if (!coil_maps.defined() || !coil_maps.is_complex() || coil_maps.dim() != 4 || coil_maps.size(0) < 1)
    throw InvalidArgument("sense_operator: coil maps must be complex [C, Z, Y, X] with C >= 1");
  const Shape image(coil_maps.sizes().begin() + 1, coil_maps.sizes().end());
  return std::make_shared<SenseOperator>(coil_maps.contiguous(), broadcast_mask(mask, image, coil_maps.device()),
                                         image, fft_dims);
}

OperatorPtr single_coil_operator(const Shape& image_shape, const torch::Tensor& mask, int fft_dims) {
  check_dims(fft_dims);
  if (image_shape.size() != 3) throw InvalidArgument("single_coil_operator: the image shape must be [Z, Y, X]");
  return std::make_shared<SenseOperator>(torch::Tensor(), broadcast_mask(mask, image_shape, mask.device()), image_shape,
                                         fft_dims);
}

}  // namespace diffrecon
