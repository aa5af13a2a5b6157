#pragma once

#include <torch/types.h>

#include <string>

namespace diffrecon {

// Apodisation of the ramp |ω|, as a function of the frequency f in cycles per detector bin (|f| ≤ ½):
//   ram-lak      1
//   shepp-logan  sin(π f) / (π f)
//   cosine       cos(π f)
//   hann         (1 + cos(2π f)) / 2
enum class RampWindow { kRamLak, kSheppLogan, kCosine, kHann };

// "ram-lak", "shepp-logan", "cosine", "hann".
const char* to_string(RampWindow window);
// Inverse of to_string; throws InvalidArgument listing the names for anything else.
RampWindow parse_ramp_window(const std::string& name);

// Filters every detector row (the last dimension) of a real sinogram with the band-limited ramp,
// in physical units: q(s) = ∫ p(s − t) h(t) dt with ĥ(ω) = |ω| (ω in cycles/mm) up to the detector's
// Nyquist frequency, times the window. The ramp is built in space (Kak & Slaney 1988, eq. 3.61:
// h(0) = 1/(4τ²), h(nτ) = −1/(n π τ)² for odd n, 0 for even n; τ = detector_spacing), so its DC term is
// right, and applied by FFT with the row zero-padded to the next power of two ≥ max(64, 2 · bins)
// (no wrap-around). Any floating dtype and device; returns the input's dtype and shape.
torch::Tensor ramp_filter(const torch::Tensor& sinogram, double detector_spacing,
                          RampWindow window = RampWindow::kRamLak);

}  // namespace diffrecon
