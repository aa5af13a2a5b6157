#include "data/io/measurement_file.h"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <sstream>
#include <utility>
#include <vector>

#include "core/error.h"
#include "data/io/internal/hdf5_session.h"
#include "data/io/internal/native_hdf5.h"
#include "data/io/internal/staging_directory.h"

namespace diffrecon {
namespace {

namespace fs = std::filesystem;

constexpr const char kFormatName[] = "diffrecon-measurement";
constexpr size_t kMaxForwardModelEntries = 256;  // arrays plus parameters

using h5::native::Dataset;
using h5::native::Element;
using h5::native::Reader;
using h5::native::Writer;

// ---------------------------------------------------------------------------------------------------
// Reading
Measurement read_file(Reader& r) {
  r.open();
  Measurement m;
  const hid_t root = r.root();

  const std::string format = r.read_string(root, "/format", "format");
  if (format != kFormatName)
    r.fail("/format", std::string("expected \"") + kFormatName +
                          "\" (a diffrecon measurement file), found \"" + format.substr(0, 80) + "\"");
  const int64_t version = r.read_integers(root, "/format_version", "format_version", 1)[0];
  if (version > kMeasurementFormatVersion)
    r.fail("/format_version", "the file was written by a newer diffrecon (format_version " +
                                  std::to_string(version) + "; this build reads 1 to " +
                                  std::to_string(kMeasurementFormatVersion) + ")");
  if (version < 1)
    r.fail("/format_version", "expected 1 to " + std::to_string(kMeasurementFormatVersion) + ", found " +
                                  std::to_string(version));
  const std::string modality = r.read_string(root, "/modality", "modality");
  if (modality != "ct" && modality != "mri" && modality != "zsr")
    r.fail("/modality", "expected \"ct\", \"mri\" or \"zsr\", found \"" + modality.substr(0, 80) + "\"");
  m.modality = parse_modality(modality);
  const bool ct = m.modality == Modality::kCt, zsr = m.modality == Modality::kZsr;

  {
    h5::Handle g = r.open_object("/geometry", "geometry", H5I_GROUP);
    const std::vector<int64_t> size = r.read_integers(g.get(), "/geometry/volume_size", "volume_size", 3);
    std::copy(size.begin(), size.end(), m.volume_size.begin());
    const std::vector<double> spacing = r.read_numbers(g.get(), "/geometry/spacing", "spacing", 3);
    const std::vector<double> origin = r.read_numbers(g.get(), "/geometry/origin", "origin", 3);
    const std::vector<double> direction = r.read_numbers(g.get(), "/geometry/direction", "direction", 9);
    std::copy(spacing.begin(), spacing.end(), m.geometry.spacing.begin());
    std::copy(origin.begin(), origin.end(), m.geometry.origin.begin());
    std::copy(direction.begin(), direction.end(), m.geometry.direction.begin());
  }
  {
    h5::Handle g = r.open_object("/noise", "noise", H5I_GROUP);
    m.noise.kind = r.read_string(g.get(), "/noise/kind", "kind");
    m.noise.sigma = r.read_numbers(g.get(), "/noise/sigma", "sigma", 1)[0];
    m.noise.photons = r.read_numbers(g.get(), "/noise/photons", "photons", 1)[0];
  }
  {
    h5::Handle g = r.open_object("/provenance", "provenance", H5I_GROUP);
    Provenance& p = m.provenance;
    p.diffrecon_version = r.read_string(g.get(), "/provenance/diffrecon_version", "diffrecon_version");
    p.command = r.read_string(g.get(), "/provenance/command", "command");
    p.created = r.read_string(g.get(), "/provenance/created", "created");
    p.seed = r.read_unsigned(g.get(), "/provenance/seed", "seed");
  }

  const Dataset data = ct    ? r.inspect(root, "/data", "data", {Element::kFloat32}, {3},
                                         "float32 [Z, views, detectors] (a CT sinogram)")
                       : zsr ? r.inspect(root, "/data", "data", {Element::kFloat32}, {3},
                                         "float32 [Zt, Y, X] (thick-slice images)")
                             : r.inspect(root, "/data", "data", {Element::kComplex64}, {4},
                                         "complex64 [coils, Z, Y, X] (MRI k-space)");
  std::vector<std::pair<std::string, Dataset>> arrays;
  {
    h5::Handle g = r.open_object("/forward_model", "forward_model", H5I_GROUP);
    for (const std::string& name : r.link_names(g.get(), "/forward_model")) {
      const std::string field = "/forward_model/" + name;
      if (ct && name == "angles") {
        arrays.emplace_back(
            name, r.inspect(g.get(), field, name, {Element::kFloat64}, {1}, "float64 [views] (radians)"));
      } else if (zsr) {
        r.fail(field, "unknown z-SR array (expected none)");
      } else if (!ct && name == "mask") {
        arrays.emplace_back(name,
                            r.inspect(g.get(), field, name, {Element::kUint8, Element::kFloat32}, {2, 3},
                                      "uint8 or float32 [Y, X] or [Z, Y, X] (the sampling mask)"));
      } else if (!ct && name == "coil_maps") {
        arrays.emplace_back(name, r.inspect(g.get(), field, name, {Element::kComplex64}, {4},
                                            "complex64 [coils, Z, Y, X] (coil sensitivities)"));
      } else {
        r.fail(field, ct ? "unknown CT array (expected only \"angles\")"
                         : "unknown MRI array (expected \"mask\" and optionally \"coil_maps\")");
      }
    }
    for (const std::string& name : r.attribute_names(g.get(), "/forward_model"))
      m.parameters[name] = r.read_numbers(g.get(), "/forward_model/" + name, name, 1)[0];
  }

  for (const auto& [name, dataset] : arrays) m.arrays[name] = r.read(dataset, "/forward_model/" + name);
  m.data = r.read(data, "/data");
  try {
    validate(m, r.path());
  } catch (const InvalidArgument& e) {
    throw IoError(e.what());
  }
  return m;
}

// ---------------------------------------------------------------------------------------------------
// Writing
void write_file(const Measurement& m, Writer& w) {
  const hid_t root = w.file();
  w.string(root, "/format", "format", kFormatName);
  const int64_t version = kMeasurementFormatVersion;
  w.integers(root, "/format_version", "format_version", &version, 1);
  w.string(root, "/modality", "modality", to_string(m.modality));
  {
    h5::Handle g = w.group("geometry");
    w.integers(g.get(), "/geometry/volume_size", "volume_size", m.volume_size.data(), 3);
    w.numbers(g.get(), "/geometry/spacing", "spacing", m.geometry.spacing.data(), 3);
    w.numbers(g.get(), "/geometry/origin", "origin", m.geometry.origin.data(), 3);
    w.numbers(g.get(), "/geometry/direction", "direction", m.geometry.direction.data(), 9);
  }
  {
    h5::Handle g = w.group("forward_model");
    for (const auto& [name, array] : m.arrays) w.dataset(g.get(), "/forward_model/" + name, name, array);
    for (const auto& [name, value] : m.parameters)
      w.numbers(g.get(), "/forward_model/" + name, name, &value, 1);
  }
  {
    h5::Handle g = w.group("noise");
    w.string(g.get(), "/noise/kind", "kind", m.noise.kind);
    w.numbers(g.get(), "/noise/sigma", "sigma", &m.noise.sigma, 1);
    w.numbers(g.get(), "/noise/photons", "photons", &m.noise.photons, 1);
  }
  {
    h5::Handle g = w.group("provenance");
    const Provenance& p = m.provenance;
    w.string(g.get(), "/provenance/diffrecon_version", "diffrecon_version", p.diffrecon_version);
    w.string(g.get(), "/provenance/command", "command", p.command);
    w.string(g.get(), "/provenance/created", "created", p.created);
    w.unsigned_integer(g.get(), "/provenance/seed", "seed", p.seed);
  }
  w.dataset(root, "/data", "data", m.data);
  w.close();
}

}  // namespace

Measurement read_measurement(const std::string& path) {
  const h5::Session session;
  Reader reader(path, kMaxForwardModelEntries);
  return read_file(reader);
}

void write_measurement(const Measurement& measurement, const std::string& path) {
  validate(measurement, path);
  const fs::path target(path);
  if (!target.has_filename()) throw IoError(path + ": expected a file name, got a directory");
  StagingDirectory staging(target);
  {
    const h5::Session session;
    Writer writer(path, staging.path() / target.filename());
    write_file(measurement, writer);
  }
  staging.commit_files(target.filename());
}

}  // namespace diffrecon
