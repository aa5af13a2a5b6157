#include "operators/mri/sampling_mask.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace diffrecon {
namespace {

constexpr MaskKind kKinds[] = {MaskKind::kUniform1d, MaskKind::kEquispaced1d, MaskKind::kGaussian1d,
                               MaskKind::kGaussian2d, MaskKind::kPoisson2d};

// σ / n of the Gaussian kinds: the official get_mask's std 15/128·n (1D) and variance n²·1.5/128 (2D).
constexpr double kGaussian1dSigma = 15.0 / 128.0;
const double kGaussian2dSigma = std::sqrt(1.5 / 128.0);

constexpr int kPoissonAttempts = 30;
constexpr int kPoissonBisections = 20;
constexpr int64_t kPoissonSurplus = 200;                    // bisection stops at a surplus ≤ k / 200
constexpr uint64_t kAdjustmentStream = 0x9e3779b97f4a7c15;  // seed ^ this: draws after the bisection

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  // u ∈ [0, 1).
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // ⌊u·n⌋ ∈ [0, n).
  int64_t below(int64_t n) {
    return std::min(n - 1, static_cast<int64_t>(uniform() * static_cast<double>(n)));
  }
  // E = −log(1 − u) ~ Exp(1).
  double exponential() { return -std::log1p(-uniform()); }

 private:
  std::mt19937_64 engine_;
};

struct Span {
  int64_t start;
  int64_t length;
  bool contains(int64_t i) const { return i >= start && i < start + length; }
};

// c = round(fraction·n), at least 1 when fraction > 0, at [n/2 − c/2, n/2 − c/2 + c).
Span centre_span(int64_t n, double fraction) {
  int64_t length = std::llround(fraction * static_cast<double>(n));
  if (fraction > 0) length = std::max<int64_t>(length, 1);
  return {n / 2 - length / 2, length};
}

// A rows × cols plane in row-major order with its fully sampled centre; line masks are 1 × lines.
struct Grid {
  int64_t rows, cols;
  Span centre_rows, centre_cols;

  int64_t size() const { return rows * cols; }
  int64_t row(int64_t index) const { return index / cols; }
  int64_t col(int64_t index) const { return index % cols; }
  int64_t dc() const { return (rows / 2) * cols + cols / 2; }
  int64_t centre_size() const { return centre_rows.length * centre_cols.length; }
  bool in_centre(int64_t index) const {
    return centre_rows.contains(row(index)) && centre_cols.contains(col(index));
  }
};

Grid make_grid(int64_t rows, int64_t cols, double center_fraction) {
  return {rows, cols, centre_span(rows, center_fraction), centre_span(cols, center_fraction)};
}

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

void check_size(const char* function, const char* name, int64_t n) {
  if (n < 1)
    throw InvalidArgument(std::string(function) + ": " + name + " must be >= 1, got " + std::to_string(n));
}

void check_options(const char* function, const MaskOptions& options) {
  if (!(std::isfinite(options.acceleration) && options.acceleration >= 1))
    throw InvalidArgument(std::string(function) + ": acceleration must be finite and >= 1, got " +
                          number(options.acceleration));
  if (!(options.center_fraction >= 0 && options.center_fraction < 1))
    throw InvalidArgument(std::string(function) + ": center_fraction must lie in [0, 1), got " +
                          number(options.center_fraction));
}

// round(N / R) − (centre samples): the samples to place outside the centre.
int64_t samples_outside_centre(const char* function, const Grid& grid, const MaskOptions& options) {
  const int64_t total = grid.size();
  const int64_t target = std::llround(static_cast<double>(total) / options.acceleration);
  const std::string request = "round(" + std::to_string(total) + " / " + number(options.acceleration) +
                              ") = " + std::to_string(target) + " samples";
  if (target < 1)
    throw InvalidArgument(std::string(function) + ": acceleration leaves no samples: " + request);
  if (grid.centre_size() > target)
    throw InvalidArgument(std::string(function) + ": the fully sampled centre (" +
                          std::to_string(grid.centre_size()) + " samples for center_fraction " +
                          number(options.center_fraction) + ") exceeds the " + request + " of acceleration " +
                          number(options.acceleration) + "; lower center_fraction or acceleration");
  return target - grid.centre_size();
}

std::vector<int64_t> outside_centre(const Grid& grid) {
  std::vector<int64_t> indices;
  indices.reserve(static_cast<size_t>(grid.size() - grid.centre_size()));
  for (int64_t i = 0; i < grid.size(); ++i)
    if (!grid.in_centre(i)) indices.push_back(i);
  return indices;
}

// Positions of the k smallest keys, ties broken by position.
template <class Key>
std::vector<int64_t> smallest(const std::vector<Key>& keys, int64_t k) {
  std::vector<std::pair<Key, int64_t>> ranked;
  ranked.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) ranked.emplace_back(keys[i], static_cast<int64_t>(i));
  std::nth_element(ranked.begin(), ranked.begin() + k, ranked.end());
  std::vector<int64_t> positions;
  positions.reserve(static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i) positions.push_back(ranked[static_cast<size_t>(i)].second);
  return positions;
}

std::vector<int64_t> pick(const std::vector<int64_t>& items, const std::vector<int64_t>& positions) {
  std::vector<int64_t> picked;
  picked.reserve(positions.size());
  for (const int64_t position : positions) picked.push_back(items[static_cast<size_t>(position)]);
  return picked;
}

// k of the candidates without replacement, with probabilities ∝ weight = 1 / inverse_weight: the k
// smallest keys E·inverse_weight, E ~ Exp(1).
std::vector<int64_t> weighted_sample(const std::vector<int64_t>& candidates,
                                     const std::vector<double>& inverse_weights, int64_t k, Random& random) {
  std::vector<double> keys(candidates.size());
  for (size_t i = 0; i < keys.size(); ++i) keys[i] = random.exponential() * inverse_weights[i];
  return pick(candidates, smallest(keys, k));
}

// k of the candidates uniformly without replacement: the k smallest keys u.
std::vector<int64_t> uniform_sample(const std::vector<int64_t>& candidates, int64_t k, Random& random) {
  std::vector<double> keys(candidates.size());
  for (double& key : keys) key = random.uniform();
  return pick(candidates, smallest(keys, k));
}

// 1 / w = exp(Δr²/2σr² + Δc²/2σc²), Δ from the DC point, σ = sigma_fraction · axis length.
std::vector<int64_t> gaussian_sample(const Grid& grid, const std::vector<int64_t>& candidates,
                                     double sigma_fraction, int64_t k, Random& random) {
  const double sigma_r = sigma_fraction * static_cast<double>(grid.rows);
  const double sigma_c = sigma_fraction * static_cast<double>(grid.cols);
  std::vector<double> inverse_weights;
  inverse_weights.reserve(candidates.size());
  for (const int64_t index : candidates) {
    const double dr = static_cast<double>(grid.row(index) - grid.rows / 2) / sigma_r;
    const double dc = static_cast<double>(grid.col(index) - grid.cols / 2) / sigma_c;
    inverse_weights.push_back(std::exp(0.5 * (dr * dr + dc * dc)));
  }
  return weighted_sample(candidates, inverse_weights, k, random);
}

// candidates[o + ⌊j m / k⌋], j < k, o uniform in [0, ⌊m / k⌋).
std::vector<int64_t> equispaced_sample(const std::vector<int64_t>& candidates, int64_t k, Random& random) {
  std::vector<int64_t> chosen;
  if (k == 0) return chosen;
  const auto m = static_cast<int64_t>(candidates.size());
  const int64_t offset = random.below(m / k);
  for (int64_t j = 0; j < k; ++j) chosen.push_back(candidates[static_cast<size_t>(offset + j * m / k)]);
  return chosen;
}

// Radii of the variable-density Poisson disc along rows and columns, in pixels.
struct Radii {
  double row, col;
};

// The variable-density Poisson disc of the header: R(p) = 1 + a·ρ(p), per-axis radii
// max(1, R·rows/M), max(1, R·cols/M).
class PoissonDisc {
 public:
  explicit PoissonDisc(const Grid& grid)
      : grid_(grid),
        row_share_(static_cast<double>(grid.rows) / static_cast<double>(std::max(grid.rows, grid.cols))),
        col_share_(static_cast<double>(grid.cols) / static_cast<double>(std::max(grid.rows, grid.cols))),
        rho_(static_cast<size_t>(grid.size())) {
    for (int64_t i = 0; i < grid.size(); ++i) {
      const double y =
          2.0 * static_cast<double>(grid.row(i) - grid.rows / 2) / static_cast<double>(grid.rows);
      const double x =
          2.0 * static_cast<double>(grid.col(i) - grid.cols / 2) / static_cast<double>(grid.cols);
      rho_[static_cast<size_t>(i)] = std::sqrt(y * y + x * x);
    }
  }

  // Occupancy (centre included) of the Bridson set for slope a.
  std::vector<uint8_t> sample(double slope, uint64_t seed) const {
    Random random(seed);
    std::vector<uint8_t> occupied(static_cast<size_t>(grid_.size()), 0);
    std::vector<int64_t> active;
    for (int64_t i = 0; i < grid_.size(); ++i)
      if (grid_.in_centre(i)) active.push_back(i);
    if (active.empty()) active.push_back(grid_.dc());
    for (const int64_t i : active) occupied[static_cast<size_t>(i)] = 1;
    while (!active.empty()) {
      const auto slot = static_cast<size_t>(random.below(static_cast<int64_t>(active.size())));
      if (!grow(active[slot], slope, occupied, active, random)) {
        active[slot] = active.back();
        active.pop_back();
      }
    }
    return occupied;
  }

  // ρ of the header: 0 at DC, 1 at the edge midpoints.
  double rho(int64_t index) const { return rho_[static_cast<size_t>(index)]; }

 private:
  Radii radii(int64_t index, double slope) const {
    const double r = 1 + slope * rho_[static_cast<size_t>(index)];
    return {std::max(1.0, r * row_share_), std::max(1.0, r * col_share_)};
  }

  // (Δrow / radii.row)² + (Δcol / radii.col)².
  double distance2(int64_t p, int64_t q, const Radii& radii) const {
    const double dr = static_cast<double>(grid_.row(p) - grid_.row(q)) / radii.row;
    const double dc = static_cast<double>(grid_.col(p) - grid_.col(q)) / radii.col;
    return dr * dr + dc * dc;
  }

  // Calls visit(p) for the occupied p with |Δrow| ≤ reach·radii.row and |Δcol| ≤ reach·radii.col until it
  // returns false.
  template <class Visit>
  void for_each_occupied_near(int64_t q, double reach, const Radii& radii,
                              const std::vector<uint8_t>& occupied, Visit visit) const {
    const int64_t qr = grid_.row(q), qc = grid_.col(q);
    const auto half_r = static_cast<int64_t>(reach * radii.row),
               half_c = static_cast<int64_t>(reach * radii.col);
    for (int64_t r = std::max<int64_t>(0, qr - half_r); r <= std::min(grid_.rows - 1, qr + half_r); ++r) {
      for (int64_t c = std::max<int64_t>(0, qc - half_c); c <= std::min(grid_.cols - 1, qc + half_c); ++c) {
        const int64_t p = r * grid_.cols + c;
        if (occupied[static_cast<size_t>(p)] && !visit(p)) return;
      }
    }
  }

  // Some occupied p within distance 1 in the radii of whichever of p, q is nearer DC (the smaller radii).
  bool conflicts(int64_t q, double slope, const std::vector<uint8_t>& occupied) const {
    const Radii radii_q = radii(q, slope);
    bool found = false;
    for_each_occupied_near(q, 1, radii_q, occupied, [&](int64_t p) {
      const bool p_inner = rho_[static_cast<size_t>(p)] < rho_[static_cast<size_t>(q)];
      found = distance2(p, q, p_inner ? radii(p, slope) : radii_q) < 1;
      return !found;
    });
    return found;
  }

  // A point uniform in the annulus between distances 1 and 2 (in p's radii) around p, rounded to the
  // grid; −1 outside it.
  int64_t annulus_point(int64_t p, const Radii& radii, Random& random) const {
    double x, y, norm2;
    do {
      x = 4 * random.uniform() - 2;
      y = 4 * random.uniform() - 2;
      norm2 = x * x + y * y;
    } while (norm2 < 1 || norm2 >= 4);
    const int64_t row = grid_.row(p) + std::llround(y * radii.row);
    const int64_t col = grid_.col(p) + std::llround(x * radii.col);
    if (row < 0 || row >= grid_.rows || col < 0 || col >= grid_.cols) return -1;
    return row * grid_.cols + col;
  }

  // One Bridson step from the active sample p: true when a new sample was placed.
  bool grow(int64_t p, double slope, std::vector<uint8_t>& occupied, std::vector<int64_t>& active,
            Random& random) const {
    const Radii radii_p = radii(p, slope);
    for (int attempt = 0; attempt < kPoissonAttempts; ++attempt) {
      const int64_t q = annulus_point(p, radii_p, random);
      if (q < 0 || occupied[static_cast<size_t>(q)] || conflicts(q, slope, occupied)) continue;
      occupied[static_cast<size_t>(q)] = 1;
      active.push_back(q);
      return true;
    }
    return false;
  }

  Grid grid_;
  double row_share_, col_share_;  // rows / M, cols / M
  std::vector<double> rho_;
};

int64_t count_outside_centre(const Grid& grid, const std::vector<uint8_t>& occupied) {
  return std::count(occupied.begin(), occupied.end(), uint8_t{1}) - grid.centre_size();
}

// The k empty points nearest DC (ties at random).
std::vector<int64_t> nearest_empty(const PoissonDisc& disc, const std::vector<uint8_t>& occupied, int64_t k,
                                   Random& random) {
  std::vector<int64_t> empty;
  std::vector<std::pair<double, double>> keys;
  for (size_t i = 0; i < occupied.size(); ++i) {
    if (occupied[i]) continue;
    empty.push_back(static_cast<int64_t>(i));
    keys.emplace_back(disc.rho(static_cast<int64_t>(i)), random.uniform());
  }
  return pick(empty, smallest(keys, k));
}

struct DiscSet {
  std::vector<uint8_t> occupied;
  int64_t count = -1;  // samples outside the centre; −1 before any trial
};

std::vector<uint8_t> poisson_disc_occupancy(const Grid& grid, int64_t k, uint64_t seed) {
  const PoissonDisc disc(grid);
  // Bisection over the slope: `over` the trial with the fewest samples ≥ k (largest slope), `under` the
  // one with the most samples < k.
  double low = 0, high = static_cast<double>(std::max(grid.rows, grid.cols));
  DiscSet over, under;
  for (int step = 0; step < kPoissonBisections; ++step) {
    const double slope = 0.5 * (low + high);
    DiscSet trial;
    trial.occupied = disc.sample(slope, seed);
    trial.count = count_outside_centre(grid, trial.occupied);
    if (trial.count < k) {
      high = slope;
      if (trial.count > under.count) under = std::move(trial);
      continue;
    }
    low = slope;
    over = std::move(trial);
    if (over.count - k <= k / kPoissonSurplus) break;
  }

  Random random(seed ^ kAdjustmentStream);
  if (over.count >= 0) {
    std::vector<int64_t> placed;
    for (int64_t i = 0; i < grid.size(); ++i)
      if (over.occupied[static_cast<size_t>(i)] && !grid.in_centre(i)) placed.push_back(i);
    for (const int64_t i : uniform_sample(placed, over.count - k, random))
      over.occupied[static_cast<size_t>(i)] = 0;
    return over.occupied;
  }
  for (const int64_t i : nearest_empty(disc, under.occupied, k - under.count, random))
    under.occupied[static_cast<size_t>(i)] = 1;
  return under.occupied;
}

torch::Tensor to_tensor(const Grid& grid, const std::vector<int64_t>& chosen, torch::IntArrayRef shape) {
  auto mask = torch::zeros({grid.size()}, torch::kFloat);
  auto* data = mask.data_ptr<float>();
  for (int64_t i = 0; i < grid.size(); ++i)
    if (grid.in_centre(i)) data[i] = 1;
  for (const int64_t i : chosen) data[i] = 1;
  return mask.view(shape);
}

}  // namespace

const char* to_string(MaskKind kind) {
  switch (kind) {
    case MaskKind::kUniform1d:
      return "uniform1d";
    case MaskKind::kEquispaced1d:
      return "equispaced1d";
    case MaskKind::kGaussian1d:
      return "gaussian1d";
    case MaskKind::kGaussian2d:
      return "gaussian2d";
    case MaskKind::kPoisson2d:
      return "poisson2d";
  }
  return "?";
}

MaskKind parse_mask_kind(const std::string& name) {
  std::string names;
  for (const MaskKind kind : kKinds) {
    if (name == to_string(kind)) return kind;
    names += names.empty() ? "" : ", ";
    names += to_string(kind);
  }
  throw InvalidArgument("unknown sampling mask '" + name + "' (expected one of " + names + ")");
}

bool is_line_mask(MaskKind kind) {
  return kind == MaskKind::kUniform1d || kind == MaskKind::kEquispaced1d || kind == MaskKind::kGaussian1d;
}

torch::Tensor line_mask(const MaskOptions& options, int64_t lines) {
  constexpr const char* kFunction = "line_mask";
  if (!is_line_mask(options.kind))
    throw InvalidArgument(std::string(kFunction) + ": " + to_string(options.kind) +
                          " is a 2D mask kind (use point_mask)");
  check_size(kFunction, "lines", lines);
  check_options(kFunction, options);
  const Grid grid = make_grid(1, lines, options.center_fraction);
  const int64_t k = samples_outside_centre(kFunction, grid, options);
  const auto candidates = outside_centre(grid);
  Random random(options.seed);
  if (options.kind == MaskKind::kEquispaced1d)
    return to_tensor(grid, equispaced_sample(candidates, k, random), {lines});
  if (options.kind == MaskKind::kGaussian1d)
    return to_tensor(grid, gaussian_sample(grid, candidates, kGaussian1dSigma, k, random), {lines});
  return to_tensor(grid, uniform_sample(candidates, k, random), {lines});
}

torch::Tensor point_mask(const MaskOptions& options, int64_t rows, int64_t cols) {
  constexpr const char* kFunction = "point_mask";
  if (is_line_mask(options.kind))
    throw InvalidArgument(std::string(kFunction) + ": " + to_string(options.kind) +
                          " is a 1D mask kind (use line_mask)");
  check_size(kFunction, "rows", rows);
  check_size(kFunction, "cols", cols);
  check_options(kFunction, options);
  const Grid grid = make_grid(rows, cols, options.center_fraction);
  const int64_t k = samples_outside_centre(kFunction, grid, options);
  if (options.kind == MaskKind::kGaussian2d) {
    Random random(options.seed);
    return to_tensor(grid, gaussian_sample(grid, outside_centre(grid), kGaussian2dSigma, k, random),
                     {rows, cols});
  }
  const auto occupied = poisson_disc_occupancy(grid, k, options.seed);
  std::vector<int64_t> chosen;
  for (int64_t i = 0; i < grid.size(); ++i)
    if (occupied[static_cast<size_t>(i)]) chosen.push_back(i);
  return to_tensor(grid, chosen, {rows, cols});
}

double achieved_acceleration(const torch::Tensor& mask) {
  if (!mask.defined() || mask.numel() == 0) throw InvalidArgument("achieved_acceleration: the mask is empty");
  const int64_t sampled = mask.ne(0).sum().item<int64_t>();
  if (sampled == 0) throw InvalidArgument("achieved_acceleration: the mask samples nothing");
  return static_cast<double>(mask.numel()) / static_cast<double>(sampled);
}

}  // namespace diffrecon
