#pragma once

// Centred, orthonormal discrete Fourier transforms along one dimension, and the removal of readout
// oversampling that fastMRI and ISMRMRD readers share.

#include <torch/fft.h>
#include <torch/types.h>

#include <cstdint>

namespace diffrecon {

// fftshift(fft(ifftshift(x), norm = "ortho")) along `dim`: k-space with the zero frequency at index n/2
// (rounded down) from an image whose centre is at index n/2, and unitary (Parseval holds).
inline torch::Tensor centred_fft(const torch::Tensor& x, int64_t dim) {
  return torch::fft::fftshift(torch::fft::fft(torch::fft::ifftshift(x, dim), c10::nullopt, dim, "ortho"),
                              dim);
}

// The inverse of centred_fft: fftshift(ifft(ifftshift(k), norm = "ortho")) along `dim`.
inline torch::Tensor centred_ifft(const torch::Tensor& k, int64_t dim) {
  return torch::fft::fftshift(torch::fft::ifft(torch::fft::ifftshift(k, dim), c10::nullopt, dim, "ortho"),
                              dim);
}

// Removes readout oversampling as fastMRI does (it crops in image space): a centred inverse FFT along
// `dim`, the central `size` samples kept (from index (n − size) / 2, rounded down, as fastMRI's
// center_crop and ISMRMRD's phantom generator place the object), and a centred FFT back. The result is the
// centred orthonormal k-space of the cropped image, so centred_ifft of it gives that image exactly.
// Computed in complex128 and returned as complex64 (the input's dtype otherwise). Requires
// 1 ≤ size ≤ k.size(dim); returns k itself when nothing is cropped.
inline torch::Tensor crop_readout(const torch::Tensor& k, int64_t dim, int64_t size) {
  const int64_t n = k.size(dim);
  if (size == n) return k;
  const torch::Tensor image = centred_ifft(k.to(torch::kComplexDouble), dim);
  const torch::Tensor cropped = image.narrow(dim, (n - size) / 2, size);
  return centred_fft(cropped, dim).to(k.scalar_type());
}

}  // namespace diffrecon
