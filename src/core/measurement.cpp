#include "core/measurement.h"

#include <cctype>
#include <cmath>
#include <sstream>

#include "core/error.h"

namespace diffrecon {
namespace {

std::string shape_string(torch::IntArrayRef sizes) {
  std::ostringstream out;
  out << sizes;
  return out.str();
}

std::string describe(const torch::Tensor& t) {
  return std::string(c10::toString(t.scalar_type())) + " " + shape_string(t.sizes());
}

class Checker {
 public:
  explicit Checker(const std::string& what) : what_(what) {}

  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw InvalidArgument(what_ + ": " + field + ": " + message);
  }

  void finite_number(const std::string& field, double value) const {
    if (!std::isfinite(value)) fail(field, "expected a finite number, got " + std::to_string(value));
  }

  void tensor(const std::string& field, const torch::Tensor& t, torch::ScalarType dtype, int64_t rank) const {
    if (!t.defined()) fail(field, "expected a " + std::string(c10::toString(dtype)) + " array, got none");
    if (t.scalar_type() != dtype || t.dim() != rank)
      fail(field, "expected " + std::string(c10::toString(dtype)) + " of rank " + std::to_string(rank) +
                      ", got " + describe(t));
    extent(field, t);
  }

  void extent(const std::string& field, const torch::Tensor& t) const {
    for (int64_t size : t.sizes())
      if (size < 1)
        fail(field, "expected every dimension to be at least 1, got shape " + shape_string(t.sizes()));
    if (t.numel() > kMaxMeasurementElements)
      fail(field, "expected at most " + std::to_string(kMaxMeasurementElements) + " elements, got " +
                      std::to_string(t.numel()));
  }

  void same_shape(const std::string& field, const torch::Tensor& t, torch::IntArrayRef expected) const {
    if (t.sizes() != expected)
      fail(field, "expected shape " + shape_string(expected) + ", got " + shape_string(t.sizes()));
  }

  void all_finite(const std::string& field, const torch::Tensor& t) const {
    if (!torch::isfinite(t).all().item<bool>()) fail(field, "expected finite values, found NaN or Inf");
  }

 private:
  std::string what_;
};

bool valid_parameter_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

void validate_noise(const Checker& check, const Measurement& m) {
  const NoiseModel& n = m.noise;
  check.finite_number("/noise/sigma", n.sigma);
  check.finite_number("/noise/photons", n.photons);
  if (n.sigma < 0) check.fail("/noise/sigma", "expected sigma ≥ 0, got " + std::to_string(n.sigma));
  if (n.photons < 0) check.fail("/noise/photons", "expected photons ≥ 0, got " + std::to_string(n.photons));
  if (n.kind == "none") {
    if (n.sigma != 0 || n.photons != 0)
      check.fail("/noise", "kind \"none\" expects sigma = 0 and photons = 0, got sigma " +
                               std::to_string(n.sigma) + ", photons " + std::to_string(n.photons));
  } else if (n.kind == "gaussian") {
    if (!(n.sigma > 0))
      check.fail("/noise/sigma", "kind \"gaussian\" expects sigma > 0, got " + std::to_string(n.sigma));
    if (n.photons != 0)
      check.fail("/noise/photons", "kind \"gaussian\" expects photons = 0, got " + std::to_string(n.photons));
  } else if (n.kind == "poisson") {
    if (m.modality != Modality::kCt) check.fail("/noise/kind", "kind \"poisson\" applies to CT only");
    if (!(n.photons > 0))
      check.fail("/noise/photons", "kind \"poisson\" expects photons > 0, got " + std::to_string(n.photons));
    if (n.sigma != 0)
      check.fail("/noise/sigma", "kind \"poisson\" expects sigma = 0, got " + std::to_string(n.sigma));
  } else {
    check.fail("/noise/kind", "expected \"none\", \"gaussian\" or \"poisson\", got \"" + n.kind + "\"");
  }
}

void validate_ct(const Checker& check, const Measurement& m) {
  check.tensor("/data", m.data, torch::kFloat, 3);
  const int64_t nz = m.data.size(0), views = m.data.size(1);
  if (nz != m.volume_size[2])
    check.fail("/data", "expected one sinogram per volume slice (Z = volume_size z = " +
                            std::to_string(m.volume_size[2]) + "), got shape " +
                            shape_string(m.data.sizes()));
  for (const auto& [name, array] : m.arrays)
    if (name != "angles") check.fail("/forward_model/" + name, "unknown CT array (expected only \"angles\")");
  const auto angles = m.arrays.find("angles");
  if (angles == m.arrays.end())
    check.fail("/forward_model/angles", "expected float64 [views] radians, got none");
  check.tensor("/forward_model/angles", angles->second, torch::kDouble, 1);
  if (angles->second.size(0) != views)
    check.fail("/forward_model/angles", "expected one angle per view of /data (" + std::to_string(views) +
                                            "), got " + std::to_string(angles->second.size(0)));
  const auto spacing = m.parameters.find("detector_spacing_mm");
  if (spacing == m.parameters.end())
    check.fail("/forward_model/detector_spacing_mm", "expected a positive number (mm), got none");
  if (!(spacing->second > 0))
    check.fail("/forward_model/detector_spacing_mm",
               "expected a positive number (mm), got " + std::to_string(spacing->second));
  check.all_finite("/forward_model/angles", angles->second);
  check.all_finite("/data", m.data);
}

void validate_mri(const Checker& check, const Measurement& m) {
  check.tensor("/data", m.data, torch::kComplexFloat, 4);
  const std::vector<int64_t> image{m.volume_size[2], m.volume_size[1], m.volume_size[0]};
  if (m.data.sizes().slice(1) != torch::IntArrayRef(image))
    check.fail("/data", "expected [coils, Z, Y, X] with (X, Y, Z) = volume_size (" +
                            std::to_string(m.volume_size[0]) + ", " + std::to_string(m.volume_size[1]) +
                            ", " + std::to_string(m.volume_size[2]) + "), got shape " +
                            shape_string(m.data.sizes()));
  for (const auto& [name, array] : m.arrays)
    if (name != "mask" && name != "coil_maps")
      check.fail("/forward_model/" + name,
                 "unknown MRI array (expected \"mask\" and optionally \"coil_maps\")");

  const auto mask = m.arrays.find("mask");
  if (mask == m.arrays.end())
    check.fail("/forward_model/mask",
               "expected a float32 or uint8 sampling mask [Y, X] or [Z, Y, X], got none");
  const torch::Tensor& k = mask->second;
  if (!k.defined() || (k.scalar_type() != torch::kFloat && k.scalar_type() != torch::kByte) ||
      (k.dim() != 2 && k.dim() != 3))
    check.fail("/forward_model/mask", "expected float32 or uint8 of rank 2 [Y, X] or 3 [Z, Y, X], got " +
                                          (k.defined() ? describe(k) : std::string("none")));
  check.extent("/forward_model/mask", k);
  for (int64_t d = 1; d <= k.dim(); ++d) {
    const int64_t size = k.size(-d), target = m.data.size(-d);
    if (size != 1 && size != target)
      check.fail("/forward_model/mask", "expected each size to equal the data's (" +
                                            shape_string(m.data.sizes().slice(4 - k.dim())) + ") or 1, got " +
                                            shape_string(k.sizes()));
  }
  if (!(k.eq(0) | k.eq(1)).all().item<bool>())
    check.fail("/forward_model/mask", "expected values 0 or 1, found others");

  const auto maps = m.arrays.find("coil_maps");
  if (maps != m.arrays.end()) {
    check.tensor("/forward_model/coil_maps", maps->second, torch::kComplexFloat, 4);
    check.same_shape("/forward_model/coil_maps", maps->second, m.data.sizes());
    check.all_finite("/forward_model/coil_maps", maps->second);
  }
  const auto acceleration = m.parameters.find("acceleration");
  if (acceleration != m.parameters.end() && !(acceleration->second >= 1))
    check.fail("/forward_model/acceleration",
               "expected a number ≥ 1, got " + std::to_string(acceleration->second));
  check.all_finite("/data", m.data);
}

void validate_zsr(const Checker& check, const Measurement& m) {
  check.tensor("/data", m.data, torch::kFloat, 3);
  for (const auto& [name, array] : m.arrays)
    check.fail("/forward_model/" + name, "unknown z-SR array (expected none)");
  const auto factor = m.parameters.find("slice_factor");
  if (factor == m.parameters.end())
    check.fail("/forward_model/slice_factor", "expected an integer ≥ 1 (thin slices per thick slice), got none");
  const double f = factor->second;
  if (!(f >= 1 && f <= static_cast<double>(m.volume_size[2]) && f == std::floor(f)))
    check.fail("/forward_model/slice_factor",
               "expected an integer in [1, volume_size z = " + std::to_string(m.volume_size[2]) + "], got " +
                   std::to_string(f));
  const int64_t thick = (m.volume_size[2] + static_cast<int64_t>(f) - 1) / static_cast<int64_t>(f);
  const std::vector<int64_t> expected{thick, m.volume_size[1], m.volume_size[0]};
  if (m.data.sizes() != torch::IntArrayRef(expected))
    check.fail("/data", "expected [⌈Z/slice_factor⌉, Y, X] = " + shape_string(expected) +
                            " for volume_size (" + std::to_string(m.volume_size[0]) + ", " +
                            std::to_string(m.volume_size[1]) + ", " + std::to_string(m.volume_size[2]) +
                            "), got shape " + shape_string(m.data.sizes()));
  check.all_finite("/data", m.data);
}

}  // namespace

const char* to_string(Modality modality) {
  switch (modality) {
    case Modality::kCt:
      return "ct";
    case Modality::kMri:
      return "mri";
    case Modality::kZsr:
      return "zsr";
  }
  return "?";
}

Modality parse_modality(const std::string& name) {
  if (name == "ct") return Modality::kCt;
  if (name == "mri") return Modality::kMri;
  if (name == "zsr") return Modality::kZsr;
  throw InvalidArgument("unknown modality '" + name + "' (expected ct, mri or zsr)");
}

bool NoiseModel::operator==(const NoiseModel& other) const {
  return kind == other.kind && sigma == other.sigma && photons == other.photons;
}

bool Provenance::operator==(const Provenance& other) const {
  return diffrecon_version == other.diffrecon_version && command == other.command &&
         created == other.created && seed == other.seed;
}

void validate(const Measurement& m, const std::string& what) {
  const Checker check(what);
  if (m.modality != Modality::kCt && m.modality != Modality::kMri && m.modality != Modality::kZsr)
    check.fail("/modality",
               "expected ct, mri or zsr, got enum value " + std::to_string(static_cast<int>(m.modality)));
  int64_t voxels = 1;
  for (int axis = 0; axis < 3; ++axis) {
    if (m.volume_size[axis] < 1 || m.volume_size[axis] > kMaxMeasurementElements)
      check.fail("/geometry/volume_size",
                 "expected three sizes ≥ 1, got (" + std::to_string(m.volume_size[0]) + ", " +
                     std::to_string(m.volume_size[1]) + ", " + std::to_string(m.volume_size[2]) + ")");
    voxels *= m.volume_size[axis];
    if (voxels > kMaxMeasurementElements)
      check.fail("/geometry/volume_size", "expected at most " + std::to_string(kMaxMeasurementElements) +
                                              " voxels in all, got (" + std::to_string(m.volume_size[0]) +
                                              ", " + std::to_string(m.volume_size[1]) + ", " +
                                              std::to_string(m.volume_size[2]) + ")");
  }
  try {
    m.geometry.validate("/geometry");
  } catch (const InvalidArgument& e) {
    throw InvalidArgument(what + ": " + e.what());
  }
  for (const auto& [name, value] : m.parameters) {
    if (!valid_parameter_name(name))
      check.fail("/forward_model",
                 "expected parameter names of 1 to 64 letters, digits and '_', got \"" + name + "\"");
    if (m.arrays.count(name))
      check.fail("/forward_model/" + name,
                 "expected unique names, got both a parameter and an array of this name");
    check.finite_number("/forward_model/" + name, value);
  }
  const std::pair<const char*, const std::string*> texts[] = {
      {"/noise/kind", &m.noise.kind},
      {"/provenance/diffrecon_version", &m.provenance.diffrecon_version},
      {"/provenance/command", &m.provenance.command},
      {"/provenance/created", &m.provenance.created}};
  for (const auto& [field, text] : texts)
    if (text->size() > kMaxMeasurementText || text->find('\0') != std::string::npos)
      check.fail(field, "expected text of at most " + std::to_string(kMaxMeasurementText) +
                            " bytes without NUL characters, got " + std::to_string(text->size()) + " bytes");
  validate_noise(check, m);
  switch (m.modality) {
    case Modality::kCt:
      return validate_ct(check, m);
    case Modality::kMri:
      return validate_mri(check, m);
    case Modality::kZsr:
      return validate_zsr(check, m);
  }
}

}  // namespace diffrecon
