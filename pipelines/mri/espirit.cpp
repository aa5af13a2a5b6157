#include "pipelines/mri/espirit.h"

#include <ATen/ops/upsample_bilinear2d.h>

#include <algorithm>

#include "core/error.h"
#include "operators/mri/centred_fft.h"

namespace diffrecon {
namespace {

// Length of the fully sampled run of `profile` (0/1 along one k-space axis) centred on index n/2,
// as an even-sized box [n/2 − h, n/2 + h) (h ≥ 0).
int64_t centred_run(const torch::Tensor& profile) {
  const auto p = profile.to(torch::kCPU, torch::kFloat).contiguous();
  const float* v = p.data_ptr<float>();
  const int64_t n = p.numel(), c = n / 2;
  int64_t h = 0;
  while (c - h - 1 >= 0 && c + h < n && v[c - h - 1] > 0 && v[c + h] > 0) ++h;
  return 2 * h;
}

// One 2D problem: k-space [C, rows, cols] with a fully sampled centred box of box_rows × box_cols.
struct Calibration {
  int64_t kr, kc;     // kernel size
  torch::Tensor a;    // calibration matrix [patches, C·kr·kc], complex128
};

Calibration calibration_matrix(const torch::Tensor& kspace, int64_t box_rows, int64_t box_cols, const EspiritOptions& o) {
  const int64_t coils = kspace.size(0), rows = kspace.size(1), cols = kspace.size(2);
  Calibration c{std::min(o.kernel, box_rows), std::min(o.kernel, box_cols), {}};
  const auto acs = kspace.narrow(1, rows / 2 - box_rows / 2, box_rows).narrow(2, cols / 2 - box_cols / 2, box_cols)
                       .to(torch::kComplexDouble);
  const auto patches = acs.unfold(1, c.kr, 1).unfold(2, c.kc, 1);  // [C, py, px, kr, kc]
  c.a = patches.permute({1, 2, 0, 3, 4}).reshape({-1, coils * c.kr * c.kc});
  return c;
}

// Maps [C, rows, cols] (complex64) of one 2D problem, keeping singular values ≥ sigma_floor (all zero
// maps when none is).
torch::Tensor espirit_2d(const torch::Tensor& kspace, const Calibration& cal, double sigma_floor, const EspiritOptions& o) {
  const int64_t coils = kspace.size(0), rows = kspace.size(1), cols = kspace.size(2), kr = cal.kr, kc = cal.kc;
  // 2. Signal subspace.
  const auto svd = torch::linalg_svd(cal.a, /*full_matrices=*/false);
  const auto& s = std::get<1>(svd);
  const auto& vh = std::get<2>(svd);
  const int64_t kept = (s >= sigma_floor).sum().item<int64_t>();
  if (kept == 0 || !(sigma_floor > 0)) return torch::zeros({coils, rows, cols}, torch::kComplexFloat);
  const auto kernels = vh.narrow(0, 0, kept).reshape({kept, coils, kr, kc});
  // 3. Image-space kernels on the grid, W(r) per grid point.
  const int64_t gy = std::min(rows, o.grid), gx = std::min(cols, o.grid);
  auto padded = torch::zeros({kept, coils, gy, gx}, kernels.options());
  padded.narrow(2, gy / 2 - kr / 2, kr).narrow(3, gx / 2 - kc / 2, kc).copy_(kernels);
  const auto g = centred_ifft(padded, 2).reshape({kept, coils, gy * gx});
  const double scale = static_cast<double>(gy * gx) / static_cast<double>(kr * kc);
  const auto w = torch::einsum("jcr,jdr->rcd", {g, g.conj()}) * scale;  // [G, C, C]
  // 4. Leading eigenvectors, phase of coil 0 removed, cropped, interpolated.
  const auto eig = torch::linalg_eigh(w);
  const auto values = std::get<0>(eig).select(1, coils - 1);                   // [G]
  auto vectors = std::get<1>(eig).select(2, coils - 1);                         // [G, C]
  const auto reference = vectors.select(1, 0);
  vectors = vectors * (reference.conj() / reference.abs().clamp_min(1e-12)).unsqueeze(1);
  auto maps = vectors.transpose(0, 1).reshape({coils, gy, gx});
  auto eigenvalue = values.reshape({1, 1, gy, gx});
  if (gy != rows || gx != cols) {
    const auto up = [&](const torch::Tensor& t) {
      return at::upsample_bilinear2d(t, {rows, cols}, /*align_corners=*/false);
    };
    maps = torch::complex(up(torch::real(maps).unsqueeze(0))[0], up(torch::imag(maps).unsqueeze(0))[0]);
    eigenvalue = up(eigenvalue);
  }
  return (maps * (eigenvalue[0][0] >= o.crop)).to(torch::kComplexFloat);
}

}  // namespace

torch::Tensor espirit_coil_maps(const torch::Tensor& kspace, const torch::Tensor& mask, int fft_dims,
                                const EspiritOptions& o) {
  if (!kspace.defined() || !kspace.is_complex() || kspace.dim() != 4)
    throw InvalidArgument("espirit: expected complex k-space [C, Z, Y, X]");
  if (fft_dims != 2 && fft_dims != 3) throw InvalidArgument("espirit: fft_dims must be 2 or 3");
  if (o.kernel < 2 || o.calibration < o.kernel || !(o.threshold > 0) || !(o.crop >= 0) || o.grid < o.calibration)
    throw InvalidArgument("espirit: need kernel >= 2, calibration >= kernel, threshold > 0, crop >= 0, grid >= calibration");
  const int64_t nz = kspace.size(1), ny = kspace.size(2), nx = kspace.size(3);
  const auto full = (mask.dim() == 2 ? mask.unsqueeze(0) : mask).to(torch::kCPU, torch::kFloat).expand({nz, ny, nx});
  const auto data = kspace.to(torch::kComplexFloat);
  auto box = [&](const torch::Tensor& row_profile, const torch::Tensor& col_profile) {
    const int64_t rows = std::min(o.calibration, centred_run(row_profile));
    const int64_t cols = std::min(o.calibration, centred_run(col_profile));
    if (rows < 2 || cols < 2)
      throw InvalidArgument("espirit: the fully sampled k-space centre (" + std::to_string(rows) + " x " +
                            std::to_string(cols) + ") is too small to calibrate from");
    return std::make_pair(rows, cols);
  };
  std::vector<torch::Tensor> parts;
  auto largest_singular_value = [](const Calibration& c) { return torch::linalg_svdvals(c.a)[0].item<double>(); };
  if (fft_dims == 2) {
    // Per slice, the threshold relative to the slice's own calibration (as BART on one slice).
    for (int64_t z = 0; z < nz; ++z) {
      const auto [rows, cols] = box(full[z].select(1, nx / 2), full[z].select(0, ny / 2));
      const auto cal = calibration_matrix(data.select(1, z), rows, cols, o);
      parts.push_back(espirit_2d(data.select(1, z), cal, o.threshold * largest_singular_value(cal), o));
    }
    return torch::stack(parts, 1);
  }
  // 3D: hybrid space along the readout X, one (Z, Y) problem per x, the threshold relative to the
  // strongest plane (planes outside the object carry no signal and get zero maps).
  const auto hybrid = centred_ifft(data, 1);
  const auto [rows, cols] = box(full.select(2, nx / 2).select(1, ny / 2), full.select(2, nx / 2).select(0, nz / 2));
  std::vector<Calibration> calibrations;
  double largest = 0;
  for (int64_t x = 0; x < nx; ++x) {
    calibrations.push_back(calibration_matrix(hybrid.select(3, x), rows, cols, o));
    largest = std::max(largest, largest_singular_value(calibrations.back()));
  }
  for (int64_t x = 0; x < nx; ++x) parts.push_back(espirit_2d(hybrid.select(3, x), calibrations[x], o.threshold * largest, o));
  return torch::stack(parts, 3);
}

}  // namespace diffrecon
