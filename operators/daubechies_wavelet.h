#pragma once

#include <cstdint>

#include "operators/linear_operator.h"

namespace diffrecon {

// Orthogonal Daubechies wavelet transform with periodic boundaries over the last two dimensions (Y, X)
// of tensors [..., Y, X], each 2D slice on its own (Mallat's pyramid). Range = domain = shape.
//
// Filters: the low-pass h of Daubechies' wavelet with p vanishing moments (length 2p, Σ h_l = √2,
// Σ h_l h_{l+2m} = δ_m; p = 1 is Haar, p = 2 BART's "dau2"), the high-pass g_l = (−1)^l h_{2p−1−l}.
// One level along an axis of even length n, indices mod n:
//   a[k] = Σ_l h_l x[2k + l],   d[k] = Σ_l g_l x[2k + l],   k = 0 … n/2 − 1,   stored as [a, d];
// each level transforms the low-pass block (a along both axes) of the previous one. An axis is split
// while its current length is even and at least `min_size` (BART's rule, minimum size 16: 128 → 8 in 4
// levels); an axis that cannot be split is left untransformed from that level on.
// Orthogonal with the plain element-sum inner product: Wᴴ W = W Wᴴ = I, so Wᴴ is the inverse. Real or
// complex input (the filters are real).
// Reference: I. Daubechies, Ten Lectures on Wavelets, SIAM 1992, §6.4 (Table 6.1) and §5.6 (periodisation).
OperatorPtr daubechies_wavelet(Shape shape, int vanishing_moments = 2, int64_t min_size = 16);

// The number of levels along an axis of length n under the rule above.
int wavelet_levels(int64_t n, int64_t min_size);

}  // namespace diffrecon
