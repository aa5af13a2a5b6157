#include "operators/mri/centred_fft.h"

#include <ATen/ops/fft_fftn.h>
#include <ATen/ops/fft_ifftn.h>
#include <fftw3.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <tuple>
#include <vector>

#include "core/error.h"
#include "core/threading.h"

namespace diffrecon {
namespace {

// FFTW's API per precision.
template <typename Real>
struct Fftw;

template <>
struct Fftw<float> {
  using Complex = fftwf_complex;
  using Plan = fftwf_plan;
  static Plan plan(int rank, const int* n, Complex* in, Complex* out, int sign, unsigned flags) {
    return fftwf_plan_dft(rank, n, in, out, sign, flags);
  }
  static void execute(Plan p, Complex* in, Complex* out) { fftwf_execute_dft(p, in, out); }
  static void* malloc(size_t bytes) { return fftwf_malloc(bytes); }
  static void free(void* p) { fftwf_free(p); }
  static int alignment_of(float* p) { return fftwf_alignment_of(p); }
  static void threads(int n) { fftwf_plan_with_nthreads(n); }
  static int init_threads() { return fftwf_init_threads(); }
};

template <>
struct Fftw<double> {
  using Complex = fftw_complex;
  using Plan = fftw_plan;
  static Plan plan(int rank, const int* n, Complex* in, Complex* out, int sign, unsigned flags) {
    return fftw_plan_dft(rank, n, in, out, sign, flags);
  }
  static void execute(Plan p, Complex* in, Complex* out) { fftw_execute_dft(p, in, out); }
  static void* malloc(size_t bytes) { return fftw_malloc(bytes); }
  static void free(void* p) { fftw_free(p); }
  static int alignment_of(double* p) { return fftw_alignment_of(p); }
  static void threads(int n) { fftw_plan_with_nthreads(n); }
  static int init_threads() { return fftw_init_threads(); }
};

// FFTW's planner is not thread-safe; executing a plan is.
std::mutex& planner_mutex() {
  static std::mutex mutex;
  return mutex;
}
bool measure_plans = false;

// Out-of-place plans for one transform of size n, cached for the process (FFTW plans are never freed:
// there are few shapes per run).
template <typename Real>
typename Fftw<Real>::Plan cached_plan(const std::vector<int>& n, bool inverse, int threads) {
  using F = Fftw<Real>;
  static std::map<std::tuple<std::vector<int>, bool, int, bool>, typename F::Plan> plans;
  const std::lock_guard<std::mutex> lock(planner_mutex());
  static const bool threads_ready = F::init_threads() != 0;
  const auto key = std::make_tuple(n, inverse, threads, measure_plans);
  const auto found = plans.find(key);
  if (found != plans.end()) return found->second;
  size_t count = 1;
  for (const int size : n) count *= static_cast<size_t>(size);
  auto* in = static_cast<typename F::Complex*>(F::malloc(count * sizeof(typename F::Complex)));
  auto* out = static_cast<typename F::Complex*>(F::malloc(count * sizeof(typename F::Complex)));
  if (threads_ready) F::threads(threads);
  const auto plan = F::plan(static_cast<int>(n.size()), n.data(), in, out, inverse ? FFTW_BACKWARD : FFTW_FORWARD,
                            measure_plans ? FFTW_MEASURE : FFTW_ESTIMATE);
  F::free(in);
  F::free(out);
  if (!plan) throw Error("centred_fft: FFTW could not plan a transform of size " + std::to_string(count));
  plans.emplace(key, plan);
  return plan;
}

// y = s ⊙ roll(y, n/2) in place over the last dims of [batch, n...] with all n even, where
// s(k) = scale · Π_d (−1)^(k_d + n_d/2): after an unshifted DFT this gives the centred DFT
// (DFT(ifftshift x)[k] = (−1)^k DFT(x)[k] for even n). Rolling every axis by n/2 is an involution, so
// swapping each index with its partner (first coordinate below n_0/2) once does it.
template <typename Real>
void shift_with_signs(std::complex<Real>* data, int64_t batch, const std::vector<int64_t>& n, Real scale) {
  // As a 3D problem (a, b, c) with unit sizes after the transformed ones; a unit axis rolls by 0.
  const int64_t a = n[0], b = n.size() > 1 ? n[1] : 1, c = n.size() > 2 ? n[2] : 1;
  const int64_t ha = a / 2, hb = b / 2, hc = c / 2;
  const int base = static_cast<int>((ha + hb + hc) % 2);
  parallel_for(0, batch * ha, 1, [&](int64_t begin, int64_t end) {
    for (int64_t bi = begin; bi < end; ++bi) {
      const int64_t item = bi / ha, i = bi % ha;
      std::complex<Real>* volume = data + item * a * b * c;
      for (int64_t j = 0; j < b; ++j) {
        std::complex<Real>* own = volume + (i * b + j) * c;
        std::complex<Real>* partner = volume + ((i + ha) * b + (j + hb) % b) * c;
        for (int64_t k = 0; k < c; ++k) {
          const int64_t pk = k < c - hc ? k + hc : k + hc - c;
          // s(k) = scale · (−1)^(Σ k_d + Σ n_d/2); the partner's sign differs by (−1)^(Σ n_d/2).
          const int parity = static_cast<int>((i + j + k) % 2) ^ base;
          const Real own_sign = parity == 0 ? scale : -scale;
          const Real partner_sign = (parity ^ base) == 0 ? scale : -scale;
          const std::complex<Real> x = own[k], y = partner[pk];
          own[k] = own_sign * y;
          partner[pk] = partner_sign * x;
        }
      }
    }
  });
}

std::vector<int64_t> shift_dims(int dims) {
  std::vector<int64_t> d;
  for (int k = dims; k >= 1; --k) d.push_back(-k);
  return d;
}

std::vector<int64_t> half_sizes(const torch::Tensor& x, int dims, bool inverse_shift) {
  std::vector<int64_t> shifts;
  for (int k = dims; k >= 1; --k) {
    const int64_t n = x.size(-k);
    shifts.push_back(inverse_shift ? -(n / 2) : n / 2);
  }
  return shifts;
}

template <typename Real>
torch::Tensor fftw_centred(const torch::Tensor& x, int dims, bool inverse) {
  using F = Fftw<Real>;
  std::vector<int> n;
  std::vector<int64_t> n64;
  bool all_even = true;
  int64_t count = 1;
  for (int k = dims; k >= 1; --k) {
    const int64_t size = x.size(-k);
    if (size > (int64_t{1} << 30)) throw InvalidArgument("centred_fft: dimension too large for FFTW");
    n.push_back(static_cast<int>(size));
    n64.push_back(size);
    all_even = all_even && size % 2 == 0;
    count *= size;
  }
  const int64_t batch = count == 0 ? 0 : x.numel() / count;
  // Odd sizes: explicit shifts around the transform.
  auto input = all_even ? x.contiguous() : torch::roll(x, half_sizes(x, dims, true), shift_dims(dims)).contiguous();
  auto output = torch::empty_like(input, torch::MemoryFormat::Contiguous);
  if (batch == 0) return output;
  auto* in = reinterpret_cast<typename F::Complex*>(input.data_ptr());
  auto* out = reinterpret_cast<typename F::Complex*>(output.data_ptr());
  if (F::alignment_of(reinterpret_cast<Real*>(in)) != 0 || F::alignment_of(reinterpret_cast<Real*>(out)) != 0) {
    input = input.clone();  // fresh allocations are aligned
    in = reinterpret_cast<typename F::Complex*>(input.data_ptr());
  }
  // Parallel over the batch when it can occupy the pool, otherwise FFTW's own threads.
  const int threads = thread_count();
  const bool batch_parallel = batch >= threads;
  const auto plan = cached_plan<Real>(n, inverse, batch_parallel ? 1 : threads);
  if (batch_parallel) {
    parallel_for(0, batch, 1, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b) F::execute(plan, in + b * count, out + b * count);
    });
  } else {
    for (int64_t b = 0; b < batch; ++b) F::execute(plan, in + b * count, out + b * count);
  }
  const Real scale = static_cast<Real>(1.0 / std::sqrt(static_cast<double>(count)));
  if (all_even) {
    shift_with_signs(reinterpret_cast<std::complex<Real>*>(output.data_ptr()), batch, n64, scale);
    return output;
  }
  return torch::roll(output, half_sizes(output, dims, false), shift_dims(dims)).mul_(scale);
}

torch::Tensor centred(const torch::Tensor& x, int dims, bool inverse) {
  const char* what = inverse ? "centred_ifft" : "centred_fft";
  if (!x.defined() || !x.is_complex())
    throw InvalidArgument(std::string(what) + ": expected a complex tensor");
  if (dims < 1 || dims > 3 || dims > x.dim())
    throw InvalidArgument(std::string(what) + ": can transform 1 to 3 trailing dimensions of a tensor of rank " +
                          std::to_string(x.dim()) + ", asked for " + std::to_string(dims));
  if (x.device().is_cpu()) {
    if (x.scalar_type() == torch::kComplexFloat) return fftw_centred<float>(x, dims, inverse);
    if (x.scalar_type() == torch::kComplexDouble) return fftw_centred<double>(x, dims, inverse);
    throw InvalidArgument(std::string(what) + ": expected complex64 or complex128");
  }
  const auto d = shift_dims(dims);
  const auto shifted = torch::roll(x, half_sizes(x, dims, true), d);
  const auto k = inverse ? at::fft_ifftn(shifted, c10::nullopt, d, "ortho") : at::fft_fftn(shifted, c10::nullopt, d, "ortho");
  return torch::roll(k, half_sizes(k, dims, false), d);
}

class FourierOperator final : public LinearOperator {
 public:
  FourierOperator(Shape shape, int dims)
      : LinearOperator("F" + std::to_string(dims) + "d" + to_string(shape), shape, shape, Field::kComplex, Field::kComplex),
        dims_(dims) {}

 protected:
  torch::Tensor apply_impl(const torch::Tensor& x) const override { return centred_fft(x, dims_); }
  torch::Tensor adjoint_impl(const torch::Tensor& y) const override { return centred_ifft(y, dims_); }
  torch::Tensor normal_impl(const torch::Tensor& x) const override { return x.clone(); }

 private:
  int dims_;
};

}  // namespace

torch::Tensor centred_fft(const torch::Tensor& x, int dims) { return centred(x, dims, false); }
torch::Tensor centred_ifft(const torch::Tensor& k, int dims) { return centred(k, dims, true); }

void set_fftw_measure(bool measure) {
  const std::lock_guard<std::mutex> lock(planner_mutex());
  measure_plans = measure;
}

// The file holds the single-precision wisdom, a line "#double", then the double-precision wisdom.
bool import_fftw_wisdom(const std::string& path) {
  std::ifstream file(path);
  if (!file) return false;
  std::stringstream text;
  text << file.rdbuf();
  const std::string all = text.str();
  const auto separator = all.find("\n#double\n");
  const std::lock_guard<std::mutex> lock(planner_mutex());
  if (separator == std::string::npos || !fftwf_import_wisdom_from_string(all.substr(0, separator).c_str()) ||
      !fftw_import_wisdom_from_string(all.substr(separator + 9).c_str()))
    throw IoError(path + ": not an FFTW wisdom file written by diffrecon");
  return true;
}

void export_fftw_wisdom(const std::string& path) {
  std::string content;
  {
    const std::lock_guard<std::mutex> lock(planner_mutex());
    char* single = fftwf_export_wisdom_to_string();
    char* dual = fftw_export_wisdom_to_string();
    content = std::string(single ? single : "") + "\n#double\n" + (dual ? dual : "");
    std::free(single);
    std::free(dual);
  }
  const std::string temporary = path + ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << content;
    if (!file.flush()) throw IoError(path + ": cannot write the FFTW wisdom");
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) throw IoError(path + ": cannot write the FFTW wisdom");
}

OperatorPtr fourier_operator(Shape shape, int dims) {
  if (dims < 1 || dims > 3 || dims > static_cast<int>(shape.size()))
    throw InvalidArgument("fourier_operator: can transform 1 to 3 trailing dimensions of " + to_string(shape));
  return std::make_shared<FourierOperator>(std::move(shape), dims);
}

}  // namespace diffrecon
