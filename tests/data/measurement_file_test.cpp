#include "data/io/measurement_file.h"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "testing/scratch_directory.h"

namespace diffrecon {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------------
// Measurements

Geometry oblique_geometry() {
  Geometry g;
  g.spacing = {0.7, 1.3, 2.5};
  g.origin = {-12.5, 30.25, 7.0 / 3.0};
  const double c = std::cos(0.4), s = std::sin(0.4);
  g.direction = {c, -s, 0, s, c, 0, 0, 0, 1};
  return g;
}

// Values whose bits a lossy path would change: -0, subnormals, the float32 extremes, 1/3.
torch::Tensor awkward_floats(int64_t n, int64_t seed) {
  torch::Tensor t = torch::empty({n}, torch::kFloat);
  float* p = t.data_ptr<float>();
  std::mt19937 random(static_cast<unsigned>(seed));
  std::normal_distribution<float> normal;
  const float special[] = {-0.0f,
                           std::numeric_limits<float>::denorm_min(),
                           std::numeric_limits<float>::max(),
                           std::numeric_limits<float>::lowest(),
                           1.0f / 3.0f,
                           -std::numeric_limits<float>::min()};
  for (int64_t i = 0; i < n; ++i) p[i] = i < 6 ? special[i] : normal(random);
  return t;
}

Measurement ct_measurement() {
  Measurement m;
  m.modality = Modality::kCt;
  m.data = awkward_floats(4 * 6 * 8, 1).view({4, 6, 8});
  m.arrays["angles"] = torch::linspace(0, M_PI, 7, torch::kDouble).slice(0, 0, 6) + 1e-17;
  m.parameters = {{"detector_spacing_mm", 0.8}, {"detector_offset_mm", -0.25}, {"third", 1.0 / 3.0}};
  m.volume_size = {8, 7, 4};
  m.geometry = oblique_geometry();
  m.noise = {"gaussian", 0.01, 0};
  m.provenance = {"0.1.0", "diffrecon simulate --input \"phantom µ.nii.gz\" --views 6",
                  "2026-11-29T14:03:00Z", std::numeric_limits<uint64_t>::max()};
  return m;
}

torch::Tensor complex_values(std::vector<int64_t> shape, int64_t seed) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return torch::view_as_complex(awkward_floats(2 * n, seed).view({n, 2})).view(shape);
}

Measurement mri_measurement() {
  Measurement m;
  m.modality = Modality::kMri;
  m.data = complex_values({3, 2, 5, 6}, 2);
  torch::Tensor mask = torch::zeros({5, 6}, torch::kByte);
  mask.index_put_({torch::indexing::Slice(), torch::indexing::Slice(0, 6, 2)}, 1);
  m.arrays["mask"] = mask;
  m.arrays["coil_maps"] = complex_values({3, 2, 5, 6}, 3);
  m.parameters = {{"acceleration", 2}, {"center_fraction", 0.08}};
  m.volume_size = {6, 5, 2};
  m.geometry = oblique_geometry();
  m.noise = {"none", 0, 0};
  m.provenance = {"0.1.0", "diffrecon simulate --modality mri", "2026-11-29T14:03:00Z", 42};
  return m;
}

std::string bytes_of(const torch::Tensor& t) {
  const torch::Tensor c = t.resolve_conj().contiguous();
  return std::string(static_cast<const char*>(c.data_ptr()), c.nbytes());
}

bool same_bits(const torch::Tensor& a, const torch::Tensor& b) {
  return a.defined() && b.defined() && a.scalar_type() == b.scalar_type() && a.sizes() == b.sizes() &&
         bytes_of(a) == bytes_of(b);
}

// Every field equal, tensors and numbers bit for bit.
bool identical(const Measurement& a, const Measurement& b, std::string* difference = nullptr) {
  auto differ = [&](const std::string& field) {
    if (difference) *difference = field;
    return false;
  };
  if (a.modality != b.modality) return differ("modality");
  if (!same_bits(a.data, b.data)) return differ("data");
  if (a.arrays.size() != b.arrays.size()) return differ("arrays");
  for (const auto& [name, array] : a.arrays)
    if (!b.arrays.count(name) || !same_bits(array, b.arrays.at(name))) return differ("arrays/" + name);
  if (a.parameters.size() != b.parameters.size()) return differ("parameters");
  for (const auto& [name, value] : a.parameters)
    if (!b.parameters.count(name) || std::memcmp(&value, &b.parameters.at(name), sizeof(double)) != 0)
      return differ("parameters/" + name);
  if (a.volume_size != b.volume_size) return differ("volume_size");
  if (std::memcmp(&a.geometry, &b.geometry, sizeof(Geometry)) != 0) return differ("geometry");
  if (!(a.noise == b.noise)) return differ("noise");
  if (!(a.provenance == b.provenance)) return differ("provenance");
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Editing files with the HDF5 C API

class Id {
 public:
  Id(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}
  ~Id() {
    if (id_ >= 0) closer_(id_);
  }
  Id(Id&& other) noexcept : id_(std::exchange(other.id_, -1)), closer_(other.closer_) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*closer_)(hid_t);
};

class Hdf5File {
 public:
  explicit Hdf5File(const std::string& path)
      : file_(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose) {
    EXPECT_GE(file_.get(), 0) << path;
  }
  hid_t get() const { return file_.get(); }

 private:
  Id file_;
};

Id complex_type(hid_t component) {
  Id type(H5Tcreate(H5T_COMPOUND, 8), H5Tclose);
  H5Tinsert(type.get(), "r", 0, component);
  H5Tinsert(type.get(), "i", 4, component);
  return type;
}

Id string_type(size_t size, H5T_cset_t cset = H5T_CSET_UTF8, H5T_str_t pad = H5T_STR_NULLTERM) {
  Id type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), size);
  H5Tset_cset(type.get(), cset);
  H5Tset_strpad(type.get(), pad);
  return type;
}

Id space_of(const std::vector<hsize_t>& dims) {
  return dims.empty() ? Id(H5Screate(H5S_SCALAR), H5Sclose)
                      : Id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
}

// Replaces (or creates) attribute `name` of object `object` ("/", "/geometry", ...).
void put_attribute(const std::string& path, const char* object, const char* name, hid_t stored, hid_t memory,
                   const std::vector<hsize_t>& dims, const void* values) {
  Hdf5File file(path);
  if (H5Aexists_by_name(file.get(), object, name, H5P_DEFAULT) > 0)
    ASSERT_GE(H5Adelete_by_name(file.get(), object, name, H5P_DEFAULT), 0);
  Id space = space_of(dims);
  Id attribute(
      H5Acreate_by_name(file.get(), object, name, stored, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose);
  ASSERT_GE(attribute.get(), 0) << object << " " << name;
  ASSERT_GE(H5Awrite(attribute.get(), memory, values), 0);
}

void put_doubles(const std::string& path, const char* object, const char* name, std::vector<double> values,
                 std::vector<hsize_t> dims) {
  put_attribute(path, object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, values.data());
}

void put_ints(const std::string& path, const char* object, const char* name, std::vector<int64_t> values,
              std::vector<hsize_t> dims) {
  put_attribute(path, object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, dims, values.data());
}

void put_string(const std::string& path, const char* object, const char* name, const std::string& value,
                bool variable = false, H5T_cset_t cset = H5T_CSET_UTF8, H5T_str_t pad = H5T_STR_NULLTERM) {
  if (variable) {
    Id type = string_type(H5T_VARIABLE, cset);
    const char* pointer = value.c_str();
    put_attribute(path, object, name, type.get(), type.get(), {}, &pointer);
  } else {
    std::string padded = value;
    if (pad == H5T_STR_SPACEPAD) padded += "   ";
    Id type = string_type(padded.size() + (pad == H5T_STR_NULLTERM ? 1 : 0), cset, pad);
    put_attribute(path, object, name, type.get(), type.get(), {}, padded.c_str());
  }
}

void remove_attribute(const std::string& path, const char* object, const char* name) {
  Hdf5File file(path);
  ASSERT_GE(H5Adelete_by_name(file.get(), object, name, H5P_DEFAULT), 0) << object << " " << name;
}

void remove_link(const std::string& path, const char* link) {
  Hdf5File file(path);
  ASSERT_GE(H5Ldelete(file.get(), link, H5P_DEFAULT), 0) << link;
}

// Replaces (or creates) dataset `link`; `values` null leaves it unwritten.
void put_dataset(const std::string& path, const char* link, hid_t stored, hid_t memory,
                 const std::vector<hsize_t>& dims, const void* values, hid_t creation = H5P_DEFAULT) {
  Hdf5File file(path);
  if (H5Lexists(file.get(), link, H5P_DEFAULT) > 0) ASSERT_GE(H5Ldelete(file.get(), link, H5P_DEFAULT), 0);
  Id space = space_of(dims);
  Id dataset(H5Dcreate2(file.get(), link, stored, space.get(), H5P_DEFAULT, creation, H5P_DEFAULT), H5Dclose);
  ASSERT_GE(dataset.get(), 0) << link;
  if (values) ASSERT_GE(H5Dwrite(dataset.get(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), 0) << link;
}

void put_tensor(const std::string& path, const char* link, const torch::Tensor& tensor,
                hid_t creation = H5P_DEFAULT, bool big_endian = false) {
  const torch::Tensor t = tensor.contiguous();
  const std::vector<hsize_t> dims(t.sizes().begin(), t.sizes().end());
  switch (t.scalar_type()) {
    case torch::kFloat:
      return put_dataset(path, link, big_endian ? H5T_IEEE_F32BE : H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, dims,
                         t.data_ptr(), creation);
    case torch::kDouble:
      return put_dataset(path, link, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, t.data_ptr(), creation);
    case torch::kByte:
      return put_dataset(path, link, H5T_STD_U8LE, H5T_NATIVE_UINT8, dims, t.data_ptr(), creation);
    case torch::kChar:
      return put_dataset(path, link, H5T_STD_I8LE, H5T_NATIVE_INT8, dims, t.data_ptr(), creation);
    case torch::kShort:
      return put_dataset(path, link, H5T_STD_I16LE, H5T_NATIVE_INT16, dims, t.data_ptr(), creation);
    case torch::kComplexFloat: {
      Id stored = complex_type(big_endian ? H5T_IEEE_F32BE : H5T_IEEE_F32LE),
         memory = complex_type(H5T_NATIVE_FLOAT);
      return put_dataset(path, link, stored.get(), memory.get(), dims, t.data_ptr(), creation);
    }
    default:
      FAIL() << "unsupported dtype";
  }
}

// A file as a third-party writer (h5py defaults) would make it: earliest file format, contiguous
// datasets, variable-length strings, integers where numbers are expected; optionally gzip-compressed
// and big-endian data.
void write_foreign(const Measurement& m, const std::string& path, bool gzip, bool big_endian) {
  {
    Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    ASSERT_GE(file.get(), 0);
    for (const char* group : {"/geometry", "/forward_model", "/noise", "/provenance"})
      Id(H5Gcreate2(file.get(), group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  }
  put_string(path, "/", "format", "diffrecon-measurement", true);
  put_ints(path, "/", "format_version", {1}, {});
  put_string(path, "/", "modality", to_string(m.modality), true, H5T_CSET_ASCII);
  put_ints(path, "/geometry", "volume_size", {m.volume_size[0], m.volume_size[1], m.volume_size[2]}, {3});
  put_doubles(path, "/geometry", "spacing", {m.geometry.spacing.begin(), m.geometry.spacing.end()}, {3});
  put_doubles(path, "/geometry", "origin", {m.geometry.origin.begin(), m.geometry.origin.end()}, {3});
  put_doubles(path, "/geometry", "direction", {m.geometry.direction.begin(), m.geometry.direction.end()},
              {9});
  for (const auto& [name, value] : m.parameters)
    put_doubles(path, "/forward_model", name.c_str(), {value}, {});
  for (const auto& [name, array] : m.arrays) put_tensor(path, ("/forward_model/" + name).c_str(), array);
  put_string(path, "/noise", "kind", m.noise.kind, true);
  if (m.noise.sigma == std::floor(m.noise.sigma))
    put_ints(path, "/noise", "sigma", {static_cast<int64_t>(m.noise.sigma)}, {});
  else
    put_doubles(path, "/noise", "sigma", {m.noise.sigma}, {});
  put_ints(path, "/noise", "photons", {static_cast<int64_t>(m.noise.photons)}, {1});
  put_string(path, "/provenance", "diffrecon_version", m.provenance.diffrecon_version, true);
  put_string(path, "/provenance", "command", m.provenance.command, true);
  put_string(path, "/provenance", "created", m.provenance.created, false, H5T_CSET_ASCII, H5T_STR_SPACEPAD);
  const uint64_t seed = m.provenance.seed;
  put_attribute(path, "/provenance", "seed", H5T_STD_U64BE, H5T_NATIVE_UINT64, {}, &seed);
  Id creation(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (gzip) {
    std::vector<hsize_t> chunk(m.data.sizes().begin(), m.data.sizes().end());
    chunk[0] = 1;
    H5Pset_chunk(creation.get(), static_cast<int>(chunk.size()), chunk.data());
    H5Pset_shuffle(creation.get());
    H5Pset_deflate(creation.get(), 6);
  }
  put_tensor(path, "/data", m.data, creation.get(), big_endian);
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// ---------------------------------------------------------------------------------------------------

class MeasurementFile : public testing::ScratchDirectoryTest {
 protected:
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_ / "locked", fs::perms::owner_all, ec);
    ScratchDirectoryTest::TearDown();
  }


  // Throws unless reading `file` fails with an IoError naming the file and `field`.
  void expect_rejected(const std::string& file, const std::string& field, const std::string& context,
                       const std::string& phrase = "") {
    try {
      read_measurement(file);
      ADD_FAILURE() << context << ": read without error";
    } catch (const IoError& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind(file + ": ", 0), 0u) << context << ": " << message;
      EXPECT_NE(message.find(field + ":"), std::string::npos) << context << ": " << message;
      EXPECT_NE(message.find(phrase), std::string::npos) << context << ": " << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << context << ": " << message;
    } catch (const std::exception& e) {
      ADD_FAILURE() << context << ": threw a non-IoError: " << e.what();
    }
  }

  struct Corruption {
    std::string description;
    std::function<void(const std::string&)> apply;
    std::string field;  // expected in the message
    std::string phrase = "";
  };

  // Each corruption applied to a fresh copy of a valid file of `original`.
  void expect_all_rejected(const Measurement& original, const std::vector<Corruption>& corruptions) {
    const std::string valid = path("valid.h5");
    write_measurement(original, valid);
    int index = 0;
    for (const Corruption& c : corruptions) {
      const std::string file = path("corrupt" + std::to_string(index++) + ".h5");
      fs::copy_file(valid, file, fs::copy_options::overwrite_existing);
      c.apply(file);
      if (::testing::Test::HasFatalFailure()) return;
      expect_rejected(file, c.field, c.description, c.phrase);
    }
  }

};

TEST_F(MeasurementFile, RoundTripsCtBitExactly) {
  const Measurement original = ct_measurement();
  write_measurement(original, path("ct.h5"));
  const Measurement back = read_measurement(path("ct.h5"));
  std::string difference;
  EXPECT_TRUE(identical(original, back, &difference)) << difference;
  EXPECT_EQ(back.provenance.seed, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(back.data.device(), torch::Device(torch::kCPU));

  // Several chunks, the last one partial.
  Measurement large = ct_measurement();
  large.data = awkward_floats(5 * 300 * 400, 4).view({5, 300, 400});
  large.arrays["angles"] = torch::rand({300}, torch::kDouble);
  large.volume_size = {400, 400, 5};
  write_measurement(large, path("large.h5"));
  EXPECT_TRUE(identical(large, read_measurement(path("large.h5")), &difference)) << difference;
}

TEST_F(MeasurementFile, RoundTripsMriBitExactly) {
  Measurement with_maps = mri_measurement();
  Measurement float_mask = mri_measurement();
  float_mask.arrays.erase("coil_maps");
  float_mask.arrays["mask"] = (torch::rand({2, 1, 6}) > 0.5).to(torch::kFloat);
  float_mask.noise = {"gaussian", 0.5, 0};
  float_mask.parameters.clear();
  // A conjugated view: the file holds the conjugated values, not the underlying storage.
  Measurement conjugate_view = mri_measurement();
  conjugate_view.data = conjugate_view.data.conj();
  Measurement large = mri_measurement();
  large.data = complex_values({2, 3, 200, 300}, 5);
  large.arrays["coil_maps"] = complex_values({2, 3, 200, 300}, 6);
  large.arrays["mask"] = torch::ones({3, 200, 300}, torch::kFloat);
  large.volume_size = {300, 200, 3};
  for (const Measurement* m : {&large, &with_maps, &float_mask, &conjugate_view}) {
    write_measurement(*m, path("mri.h5"));
    const Measurement back = read_measurement(path("mri.h5"));
    std::string difference;
    EXPECT_TRUE(identical(*m, back, &difference)) << difference;
  }
  EXPECT_TRUE(torch::equal(read_measurement(path("mri.h5")).data, with_maps.data.conj().resolve_conj()));
}

TEST_F(MeasurementFile, RoundTripsZsrBitExactly) {
  Measurement m;
  m.modality = Modality::kZsr;
  m.data = awkward_floats(3 * 5 * 6, 7).view({3, 5, 6});
  m.parameters = {{"slice_factor", 4}};
  m.volume_size = {6, 5, 10};  // ⌈10 / 4⌉ = 3 thick slices
  m.geometry = oblique_geometry();
  m.noise = {"gaussian", 0.02, 0};
  m.provenance = {"0.1.0", "diffrecon simulate zsr --factor 4", "2026-11-30T03:00:00Z", 7};
  write_measurement(m, path("zsr.h5"));
  std::string difference;
  EXPECT_TRUE(identical(m, read_measurement(path("zsr.h5")), &difference)) << difference;
  m.parameters["slice_factor"] = 2;  // would need 5 thick slices
  EXPECT_THROW(write_measurement(m, path("bad.h5")), InvalidArgument);
}

TEST_F(MeasurementFile, WritesAtomicallyAndReproducibly) {
  write_measurement(ct_measurement(), path("a.h5"));
  write_measurement(ct_measurement(), path("b.h5"));
  EXPECT_EQ(read_bytes(path("a.h5")), read_bytes(path("b.h5")));  // no timestamps in the file
  write_measurement(mri_measurement(), path("a.h5"));             // replaces the CT file
  EXPECT_EQ(read_measurement(path("a.h5")).modality, Modality::kMri);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"a.h5", "b.h5"}));
}

TEST_F(MeasurementFile, ReadsFilesWrittenLikeH5py) {
  const Measurement ct = ct_measurement(), mri = mri_measurement();
  for (bool gzip : {false, true})
    for (bool big_endian : {false, true}) {
      const std::string context =
          std::string(gzip ? "gzip" : "contiguous") + (big_endian ? " big-endian" : "");
      write_foreign(ct, path("ct.h5"), gzip, big_endian);
      std::string difference;
      EXPECT_TRUE(identical(ct, read_measurement(path("ct.h5")), &difference))
          << context << " CT: " << difference;
      write_foreign(mri, path("mri.h5"), gzip, big_endian);
      EXPECT_TRUE(identical(mri, read_measurement(path("mri.h5")), &difference))
          << context << " MRI: " << difference;
    }
}

TEST_F(MeasurementFile, ReadsFixedAndVariableLengthStrings) {
  const Measurement original = ct_measurement();
  const std::string file = path("strings.h5");
  write_measurement(original, file);
  put_string(file, "/", "modality", "ct", true, H5T_CSET_ASCII);
  put_string(file, "/provenance", "command", original.provenance.command, true, H5T_CSET_UTF8);
  put_string(file, "/noise", "kind", "gaussian", false, H5T_CSET_ASCII, H5T_STR_SPACEPAD);
  put_string(file, "/provenance", "created", original.provenance.created, false, H5T_CSET_UTF8,
             H5T_STR_NULLPAD);
  put_string(file, "/provenance", "diffrecon_version", "", true);
  Measurement expected = original;
  expected.provenance.diffrecon_version = "";
  std::string difference;
  EXPECT_TRUE(identical(expected, read_measurement(file), &difference)) << difference;
}

TEST_F(MeasurementFile, RefusesNewerAndUnknownFormats) {
  const std::string file = path("m.h5");
  write_measurement(ct_measurement(), file);
  put_ints(file, "/", "format_version", {2}, {});
  expect_rejected(file, "/format_version", "version 2", "written by a newer diffrecon");
  put_ints(file, "/", "format_version", {0}, {});
  expect_rejected(file, "/format_version", "version 0");
  put_ints(file, "/", "format_version", {1}, {});
  EXPECT_NO_THROW(read_measurement(file));
  put_string(file, "/", "format", "fastmri");
  expect_rejected(file, "/format", "another format", "diffrecon-measurement");
}

TEST_F(MeasurementFile, RejectsEachMissingField) {
  std::vector<Corruption> ct;
  for (const char* name : {"format", "format_version", "modality"})
    ct.push_back({std::string("no ") + name, [=](const std::string& f) { remove_attribute(f, "/", name); },
                  std::string("/") + name, "found none"});
  const std::vector<std::pair<const char*, std::vector<const char*>>> attributes = {
      {"/geometry", {"volume_size", "spacing", "origin", "direction"}},
      {"/noise", {"kind", "sigma", "photons"}},
      {"/provenance", {"diffrecon_version", "command", "created", "seed"}},
      {"/forward_model", {"detector_spacing_mm"}}};
  for (const auto& [object, names] : attributes)
    for (const char* name : names)
      ct.push_back({std::string("no ") + object + "/" + name,
                    [object = object, name](const std::string& f) { remove_attribute(f, object, name); },
                    std::string(object) + "/" + name});
  for (const char* link :
       {"/geometry", "/noise", "/provenance", "/forward_model", "/data", "/forward_model/angles"})
    ct.push_back({std::string("no ") + link, [=](const std::string& f) { remove_link(f, link); }, link});
  expect_all_rejected(ct_measurement(), ct);

  expect_all_rejected(mri_measurement(),
                      {{"no mask", [](const std::string& f) { remove_link(f, "/forward_model/mask"); },
                        "/forward_model/mask"},
                       {"no data", [](const std::string& f) { remove_link(f, "/data"); }, "/data"}});
  // coil_maps is optional.
  const std::string file = path("no_maps.h5");
  write_measurement(mri_measurement(), file);
  remove_link(file, "/forward_model/coil_maps");
  EXPECT_EQ(read_measurement(file).arrays.count("coil_maps"), 0u);
}

TEST_F(MeasurementFile, RejectsWrongTypes) {
  const torch::Tensor ct_data = ct_measurement().data;
  expect_all_rejected(
      ct_measurement(),
      {{"format as integer", [](const std::string& f) { put_ints(f, "/", "format", {1}, {}); }, "/format",
        "expected a string, found int64"},
       {"format_version as float",
        [](const std::string& f) { put_doubles(f, "/", "format_version", {1.0}, {}); }, "/format_version",
        "found float64"},
       {"modality as integer", [](const std::string& f) { put_ints(f, "/", "modality", {0}, {}); },
        "/modality"},
       {"volume_size as float",
        [](const std::string& f) {
          put_doubles(f, "/geometry", "volume_size", {8, 7, 4}, {3});
        },
        "/geometry/volume_size"},
       {"spacing as string", [](const std::string& f) { put_string(f, "/geometry", "spacing", "1 1 1"); },
        "/geometry/spacing"},
       {"direction as opaque bytes",
        [](const std::string& f) {
          Id type(H5Tcreate(H5T_OPAQUE, 8), H5Tclose);
          std::vector<double> v(9, 0.0);
          put_attribute(f, "/geometry", "direction", type.get(), type.get(), {9}, v.data());
        },
        "/geometry/direction", "found opaque"},
       {"sigma as string", [](const std::string& f) { put_string(f, "/noise", "sigma", "0.01"); },
        "/noise/sigma"},
       {"noise kind as float", [](const std::string& f) { put_doubles(f, "/noise", "kind", {0}, {}); },
        "/noise/kind"},
       {"seed as float", [](const std::string& f) { put_doubles(f, "/provenance", "seed", {1}, {}); },
        "/provenance/seed"},
       {"negative seed", [](const std::string& f) { put_ints(f, "/provenance", "seed", {-1}, {}); },
        "/provenance/seed", "non-negative"},
       {"parameter as string",
        [](const std::string& f) { put_string(f, "/forward_model", "detector_spacing_mm", "0.8"); },
        "/forward_model/detector_spacing_mm"},
       {"data as float64", [=](const std::string& f) { put_tensor(f, "/data", ct_data.to(torch::kDouble)); },
        "/data", "found float64"},
       {"data as int16", [=](const std::string& f) { put_tensor(f, "/data", ct_data.to(torch::kShort)); },
        "/data", "found int16"},
       {"data as complex",
        [=](const std::string& f) { put_tensor(f, "/data", ct_data.to(torch::kComplexFloat)); }, "/data",
        "found compound {r: float32, i: float32}"},
       {"angles as float32",
        [](const std::string& f) {
          put_tensor(f, "/forward_model/angles", torch::zeros({6}, torch::kFloat));
        },
        "/forward_model/angles"},
       {"data as group",
        [](const std::string& f) {
          remove_link(f, "/data");
          Hdf5File file(f);
          Id(H5Gcreate2(file.get(), "/data", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
        },
        "/data", "found a group"},
       {"geometry as dataset",
        [](const std::string& f) {
          remove_link(f, "/geometry");
          put_tensor(f, "/geometry", torch::zeros({3}, torch::kDouble));
        },
        "/geometry", "found a dataset"}});
  const torch::Tensor mri_data = mri_measurement().data;
  expect_all_rejected(
      mri_measurement(),
      {{"mask as int8",
        [](const std::string& f) {
          put_tensor(f, "/forward_model/mask", torch::ones({5, 6}, torch::kChar));
        },
        "/forward_model/mask", "found int8"},
       {"mask as enum (h5py bool)",
        [](const std::string& f) {
          Id type(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose);
          int8_t no = 0, yes = 1;
          H5Tenum_insert(type.get(), "FALSE", &no);
          H5Tenum_insert(type.get(), "TRUE", &yes);
          std::vector<int8_t> values(30, 1);
          put_dataset(f, "/forward_model/mask", type.get(), type.get(), {5, 6}, values.data());
        },
        "/forward_model/mask", "found enum"},
       {"data as float32 pairs",
        [=](const std::string& f) { put_tensor(f, "/data", torch::view_as_real(mri_data).contiguous()); },
        "/data"},
       {"data as compound {re, im}",
        [=](const std::string& f) {
          Id type(H5Tcreate(H5T_COMPOUND, 8), H5Tclose);
          H5Tinsert(type.get(), "re", 0, H5T_NATIVE_FLOAT);
          H5Tinsert(type.get(), "im", 4, H5T_NATIVE_FLOAT);
          put_dataset(f, "/data", type.get(), type.get(), {3, 2, 5, 6}, mri_data.data_ptr());
        },
        "/data", "found compound {re: float32, im: float32}"},
       {"data as complex128",
        [=](const std::string& f) {
          Id type(H5Tcreate(H5T_COMPOUND, 16), H5Tclose);
          H5Tinsert(type.get(), "r", 0, H5T_NATIVE_DOUBLE);
          H5Tinsert(type.get(), "i", 8, H5T_NATIVE_DOUBLE);
          const torch::Tensor values = mri_data.to(torch::kComplexDouble);
          put_dataset(f, "/data", type.get(), type.get(), {3, 2, 5, 6}, values.data_ptr());
        },
        "/data", "found compound {r: float64, i: float64}"},
       {"coil maps as float32",
        [](const std::string& f) {
          put_tensor(f, "/forward_model/coil_maps", torch::ones({3, 2, 5, 6}, torch::kFloat));
        },
        "/forward_model/coil_maps"}});
}

TEST_F(MeasurementFile, RejectsWrongRanksAndShapes) {
  expect_all_rejected(
      ct_measurement(),
      {{"volume_size of 2",
        [](const std::string& f) {
          put_ints(f, "/geometry", "volume_size", {8, 7}, {2});
        },
        "/geometry/volume_size", "found shape [2]"},
       {"spacing scalar", [](const std::string& f) { put_doubles(f, "/geometry", "spacing", {1}, {}); },
        "/geometry/spacing", "found a scalar"},
       {"direction 3x3",
        [](const std::string& f) {
          put_doubles(f, "/geometry", "direction", {1, 0, 0, 0, 1, 0, 0, 0, 1}, {3, 3});
        },
        "/geometry/direction", "found shape [3, 3]"},
       {"sigma of 2",
        [](const std::string& f) {
          put_doubles(f, "/noise", "sigma", {0.01, 0.01}, {2});
        },
        "/noise/sigma"},
       {"two format strings",
        [](const std::string& f) {
          Id type = string_type(22);
          const char values[] = "diffrecon-measurement\0diffrecon-measurement";
          put_attribute(f, "/", "format", type.get(), type.get(), {2}, values);
        },
        "/format", "found shape [2]"},
       {"data rank 2",
        [](const std::string& f) {
          put_tensor(f, "/data", torch::zeros({4, 48}));
        },
        "/data", "found shape [4, 48]"},
       {"data with a zero-size dimension",
        [](const std::string& f) {
          put_tensor(f, "/data", torch::zeros({4, 0, 8}));
        },
        "/data"},
       {"data Z != volume z",
        [](const std::string& f) {
          put_tensor(f, "/data", torch::zeros({5, 6, 8}));
        },
        "/data", "volume_size"},
       {"angles rank 2",
        [](const std::string& f) {
          put_tensor(f, "/forward_model/angles", torch::zeros({2, 3}, torch::kDouble));
        },
        "/forward_model/angles"},
       {"5 angles for 6 views",
        [](const std::string& f) {
          put_tensor(f, "/forward_model/angles", torch::zeros({5}, torch::kDouble));
        },
        "/forward_model/angles", "one angle per view"},
       {"data as scalar",
        [](const std::string& f) {
          const float value = 1;
          put_dataset(f, "/data", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {}, &value);
        },
        "/data", "found a scalar"}});
  expect_all_rejected(
      mri_measurement(),
      {{"mask wider than the data",
        [](const std::string& f) {
          put_tensor(f, "/forward_model/mask", torch::ones({5, 7}, torch::kByte));
        },
        "/forward_model/mask"},
       {"mask rank 4",
        [](const std::string& f) {
          put_tensor(f, "/forward_model/mask", torch::ones({1, 2, 5, 6}, torch::kByte));
        },
        "/forward_model/mask"},
       {"coil maps for 2 coils",
        [](const std::string& f) {
          put_tensor(f, "/forward_model/coil_maps", torch::ones({2, 2, 5, 6}, torch::kComplexFloat));
        },
        "/forward_model/coil_maps"},
       {"data X != volume x",
        [](const std::string& f) {
          put_tensor(f, "/data", torch::ones({3, 2, 5, 7}, torch::kComplexFloat));
        },
        "/data"}});
}

TEST_F(MeasurementFile, RejectsNonFiniteAndOutOfRangeValues) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  torch::Tensor nan_data = ct_measurement().data.clone();
  nan_data[2][3][4] = nan;
  expect_all_rejected(
      ct_measurement(),
      {{"NaN in data", [=](const std::string& f) { put_tensor(f, "/data", nan_data); }, "/data", "finite"},
       {"Inf in angles",
        [=](const std::string& f) {
          torch::Tensor angles = ct_measurement().arrays.at("angles").clone();
          angles[5] = inf;
          put_tensor(f, "/forward_model/angles", angles);
        },
        "/forward_model/angles", "finite"},
       {"NaN spacing",
        [=](const std::string& f) {
          put_doubles(f, "/geometry", "spacing", {1, nan, 1}, {3});
        },
        "/geometry"},
       {"Inf origin",
        [=](const std::string& f) {
          put_doubles(f, "/geometry", "origin", {0, 0, -inf}, {3});
        },
        "/geometry"},
       {"NaN direction",
        [=](const std::string& f) {
          put_doubles(f, "/geometry", "direction", {1, 0, 0, 0, 1, 0, 0, 0, nan}, {9});
        },
        "/geometry"},
       {"negative spacing",
        [](const std::string& f) {
          put_doubles(f, "/geometry", "spacing", {1, -1, 1}, {3});
        },
        "/geometry"},
       {"sheared direction",
        [](const std::string& f) {
          put_doubles(f, "/geometry", "direction", {1, 0.1, 0, 0, 1, 0, 0, 0, 1}, {9});
        },
        "/geometry", "orthonormal"},
       {"zero volume size",
        [](const std::string& f) {
          put_ints(f, "/geometry", "volume_size", {8, 0, 4}, {3});
        },
        "/geometry/volume_size"},
       {"absurd volume size",
        [](const std::string& f) {
          put_ints(f, "/geometry", "volume_size", {1 << 20, 1 << 20, 4}, {3});
        },
        "/geometry/volume_size"},
       {"NaN sigma", [=](const std::string& f) { put_doubles(f, "/noise", "sigma", {nan}, {}); },
        "/noise/sigma"},
       {"negative photons", [](const std::string& f) { put_doubles(f, "/noise", "photons", {-1}, {}); },
        "/noise/photons"},
       {"unknown noise kind", [](const std::string& f) { put_string(f, "/noise", "kind", "uniform"); },
        "/noise/kind"},
       {"NaN parameter",
        [=](const std::string& f) { put_doubles(f, "/forward_model", "detector_offset_mm", {nan}, {}); },
        "/forward_model/detector_offset_mm", "finite"},
       {"zero detector spacing",
        [](const std::string& f) { put_doubles(f, "/forward_model", "detector_spacing_mm", {0}, {}); },
        "/forward_model/detector_spacing_mm"},
       {"unknown modality", [](const std::string& f) { put_string(f, "/", "modality", "pet"); }, "/modality",
        "\"pet\""},
       {"MRI file holding a sinogram", [](const std::string& f) { put_string(f, "/", "modality", "mri"); },
        "/data", "complex64"},
       {"z-SR file holding a sinogram", [](const std::string& f) { put_string(f, "/", "modality", "zsr"); },
        "/forward_model/angles", "unknown z-SR array"},
       {"unknown array",
        [](const std::string& f) {
          put_tensor(f, "/forward_model/weights", torch::ones({6}, torch::kDouble));
        },
        "/forward_model/weights", "unknown CT array"},
       {"bad parameter name", [](const std::string& f) { put_doubles(f, "/forward_model", "a b", {1}, {}); },
        "/forward_model"}});
  torch::Tensor nan_maps = mri_measurement().arrays.at("coil_maps").clone();
  nan_maps[1][1][2][3] = c10::complex<float>(0, std::nanf(""));
  expect_all_rejected(mri_measurement(),
                      {{"NaN in coil maps",
                        [=](const std::string& f) { put_tensor(f, "/forward_model/coil_maps", nan_maps); },
                        "/forward_model/coil_maps", "finite"},
                       {"mask value 2",
                        [](const std::string& f) {
                          put_tensor(f, "/forward_model/mask", torch::full({5, 6}, 2, torch::kByte));
                        },
                        "/forward_model/mask", "0 or 1"},
                       {"Poisson noise for MRI",
                        [](const std::string& f) {
                          put_string(f, "/noise", "kind", "poisson");
                          put_doubles(f, "/noise", "photons", {1e4}, {});
                        },
                        "/noise/kind"}});
}

TEST_F(MeasurementFile, RefusesLinksAndUndeclaredStorageBeforeAllocating) {
  const std::string other = path("other.h5");
  write_measurement(ct_measurement(), other);
  expect_all_rejected(
      ct_measurement(),
      {{"data as an external link",
        [&](const std::string& f) {
          remove_link(f, "/data");
          Hdf5File file(f);
          ASSERT_GE(H5Lcreate_external(other.c_str(), "/data", file.get(), "/data", H5P_DEFAULT, H5P_DEFAULT),
                    0);
        },
        "/data", "soft or external link"},
       {"noise as a soft link",
        [](const std::string& f) {
          remove_link(f, "/noise");
          Hdf5File file(f);
          ASSERT_GE(H5Lcreate_soft("/geometry", file.get(), "/noise", H5P_DEFAULT, H5P_DEFAULT), 0);
        },
        "/noise", "soft or external link"},
       {"2^33 elements declared",
        [](const std::string& f) {
          put_dataset(f, "/data", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {1u << 16, 1u << 16, 2}, nullptr);
        },
        "/data", "elements"},
       {"2^30 elements declared, nothing stored",
        [](const std::string& f) {
          Id creation(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
          const hsize_t chunk[3] = {1, 64, 64};
          H5Pset_chunk(creation.get(), 3, chunk);
          put_dataset(f, "/data", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {4, 1u << 14, 1u << 14}, nullptr,
                      creation.get());
        },
        "/data", "the file stores 0"},
       {"compressed data claiming far more than it stores",
        [](const std::string& f) {
          Id creation(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
          const hsize_t chunk[3] = {1, 1024, 1024};
          H5Pset_chunk(creation.get(), 3, chunk);
          H5Pset_deflate(creation.get(), 9);
          std::vector<float> slice(1024 * 1024, 0.0f);
          put_dataset(f, "/data", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {16, 1024, 1024}, nullptr,
                      creation.get());
          Hdf5File file(f);
          Id dataset(H5Dopen2(file.get(), "/data", H5P_DEFAULT), H5Dclose);
          Id memory(H5Screate_simple(3, chunk, nullptr), H5Sclose);
          Id space(H5Dget_space(dataset.get()), H5Sclose);
          const hsize_t start[3] = {0, 0, 0};
          H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, chunk, nullptr);
          H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, memory.get(), space.get(), H5P_DEFAULT, slice.data());
        },
        "/data", "declares"}});
}

TEST_F(MeasurementFile, TruncatedFilesThrowIoError) {
  for (const Measurement& m : {ct_measurement(), mri_measurement()}) {
    write_measurement(m, path("whole.h5"));
    const std::string bytes = read_bytes(path("whole.h5"));
    for (size_t length :
         {size_t{0}, size_t{1}, size_t{8}, size_t{47}, size_t{100}, size_t{512}, bytes.size() / 4,
          bytes.size() / 2, bytes.size() * 3 / 4, bytes.size() - 100, bytes.size() - 1}) {
      const std::string file = path("truncated.h5");
      write_bytes(file, bytes.substr(0, length));
      try {
        read_measurement(file);
        ADD_FAILURE() << length << " of " << bytes.size() << " bytes: read without error";
      } catch (const IoError& e) {
        EXPECT_EQ(std::string(e.what()).rfind(file + ": ", 0), 0u) << e.what();
      }
    }
  }
}

// Checksums cover every byte a reader interprets (metadata checksums, Fletcher-32 on every chunk), so
// a damaged file either reads as the original (the damage hit unused bytes) or throws IoError.
TEST_F(MeasurementFile, FlippedBytesEitherReadAsTheOriginalOrThrowIoError) {
  std::mt19937_64 random(20261129);
  int rejected = 0, intact = 0;
  for (const Measurement& m : {ct_measurement(), mri_measurement()}) {
    write_measurement(m, path("whole.h5"));
    const std::string bytes = read_bytes(path("whole.h5"));
    std::uniform_int_distribution<size_t> position(0, bytes.size() - 1);
    std::uniform_int_distribution<int> mask(1, 255), count(1, 4);
    for (int trial = 0; trial < 600; ++trial) {
      std::string damaged = bytes;
      const int flips = trial < 400 ? 1 : count(random);
      std::string where;
      for (int i = 0; i < flips; ++i) {
        const size_t at = position(random);
        damaged[at] = static_cast<char>(damaged[at] ^ mask(random));
        where += " " + std::to_string(at);
      }
      const std::string file = path("damaged.h5");
      write_bytes(file, damaged);
      try {
        const Measurement back = read_measurement(file);
        std::string difference;
        EXPECT_TRUE(identical(m, back, &difference)) << "bytes" << where << " changed " << difference;
        ++intact;
      } catch (const IoError&) {
        ++rejected;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "bytes" << where << ": threw a non-IoError: " << e.what();
      }
    }
  }
  EXPECT_GT(rejected, 600);  // most bytes of a small file are checked
  RecordProperty("rejected", rejected);
  RecordProperty("intact", intact);
}

TEST_F(MeasurementFile, MissingAndNonHdf5FilesThrowIoError) {
  auto expect_io_error = [](const std::string& file, const std::string& phrase) {
    try {
      read_measurement(file);
      ADD_FAILURE() << file << ": read without error";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find(file + ": " + phrase), std::string::npos) << e.what();
    }
  };
  expect_io_error(path("missing.h5"), "no such file");
  expect_io_error(dir_.string(), "not a regular file");
  write_bytes(path("text.h5"), "this is not an HDF5 file\n");
  expect_io_error(path("text.h5"), "not an HDF5 file");
  write_bytes(path("empty.h5"), "");
  expect_io_error(path("empty.h5"), "not an HDF5 file");
  // A valid HDF5 file that is not a measurement.
  { Id file(H5Fcreate(path("plain.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose); }
  expect_io_error(path("plain.h5"), "/format: expected a string, found none");
}

TEST_F(MeasurementFile, RefusesUnwritableOutputs) {
  const Measurement m = ct_measurement();
  EXPECT_THROW(write_measurement(m, path("no/such/dir/m.h5")), IoError);
  write_bytes(path("file"), "x");
  EXPECT_THROW(write_measurement(m, path("file/m.h5")), IoError);
  EXPECT_THROW(write_measurement(m, path("dir/")), IoError);
  // Read-only even for root.
  EXPECT_THROW(write_measurement(m, "/proc/diffrecon_measurement_test.h5"), IoError);
  EXPECT_FALSE(fs::exists("/proc/diffrecon_measurement_test.h5"));
  if (::geteuid() != 0) {
    fs::create_directory(dir_ / "locked");
    fs::permissions(dir_ / "locked", fs::perms::owner_read | fs::perms::owner_exec);
    EXPECT_THROW(write_measurement(m, (dir_ / "locked" / "m.h5").string()), IoError);
    EXPECT_TRUE(fs::is_empty(dir_ / "locked"));
  }
}

TEST_F(MeasurementFile, RefusesToWriteInvalidMeasurements) {
  Measurement m = ct_measurement();
  m.arrays["angles"] = m.arrays["angles"].slice(0, 0, 5);
  try {
    write_measurement(m, path("bad.h5"));
    ADD_FAILURE() << "wrote an inconsistent measurement";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find(path("bad.h5") + ": /forward_model/angles:"), std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(fs::is_empty(dir_));
}

// ---------------------------------------------------------------------------------------------------

void expect_invalid(const Measurement& m, const std::string& field, const std::string& context) {
  try {
    validate(m, "scan");
    ADD_FAILURE() << context << ": accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("scan: " + field + ":", 0), 0u) << context << ": " << e.what();
  }
}

TEST(MeasurementValidate, AcceptsConsistentMeasurements) {
  EXPECT_NO_THROW(validate(ct_measurement(), "scan"));
  EXPECT_NO_THROW(validate(mri_measurement(), "scan"));
  Measurement poisson = ct_measurement();
  poisson.noise = {"poisson", 0, 1e5};
  EXPECT_NO_THROW(validate(poisson, "scan"));
  Measurement broadcast = mri_measurement();
  broadcast.arrays["mask"] = torch::ones({1, 1, 6}, torch::kFloat);
  EXPECT_NO_THROW(validate(broadcast, "scan"));
  EXPECT_EQ(parse_modality("mri"), Modality::kMri);
  EXPECT_EQ(parse_modality("zsr"), Modality::kZsr);
  EXPECT_STREQ(to_string(Modality::kCt), "ct");
  EXPECT_THROW(parse_modality("MRI"), InvalidArgument);
}

TEST(MeasurementValidate, RejectsInconsistentCtMeasurements) {
  using Edit = std::function<void(Measurement&)>;
  const std::vector<std::tuple<std::string, std::string, Edit>> cases = {
      {"undefined data", "/data", [](Measurement& m) { m.data = torch::Tensor(); }},
      {"float64 data", "/data", [](Measurement& m) { m.data = m.data.to(torch::kDouble); }},
      {"complex data", "/data", [](Measurement& m) { m.data = m.data.to(torch::kComplexFloat); }},
      {"Z != volume z", "/data", [](Measurement& m) { m.volume_size[2] = 5; }},
      {"NaN data", "/data", [](Measurement& m) { m.data[0][0][0] = NAN; }},
      {"no angles", "/forward_model/angles", [](Measurement& m) { m.arrays.erase("angles"); }},
      {"float32 angles", "/forward_model/angles",
       [](Measurement& m) { m.arrays["angles"] = m.arrays["angles"].to(torch::kFloat); }},
      {"angles count", "/forward_model/angles",
       [](Measurement& m) { m.arrays["angles"] = torch::zeros({7}, torch::kDouble); }},
      {"Inf angle", "/forward_model/angles", [](Measurement& m) { m.arrays["angles"][1] = INFINITY; }},
      {"a mask on CT", "/forward_model/mask",
       [](Measurement& m) {
         m.arrays["mask"] = torch::ones({6, 8});
       }},
      {"no detector spacing", "/forward_model/detector_spacing_mm",
       [](Measurement& m) { m.parameters.erase("detector_spacing_mm"); }},
      {"negative detector spacing", "/forward_model/detector_spacing_mm",
       [](Measurement& m) { m.parameters["detector_spacing_mm"] = -1; }},
      {"NaN parameter", "/forward_model/third", [](Measurement& m) { m.parameters["third"] = NAN; }},
      {"parameter name with a space", "/forward_model", [](Measurement& m) { m.parameters["a b"] = 1; }},
      {"parameter named like an array", "/forward_model/angles",
       [](Measurement& m) { m.parameters["angles"] = 1; }},
      {"zero volume size", "/geometry/volume_size", [](Measurement& m) { m.volume_size[0] = 0; }},
      {"absurd volume size", "/geometry/volume_size",
       [](Measurement& m) {
         m.volume_size = {1 << 20, 1 << 20, 4};
       }},
      {"sheared direction", "/geometry", [](Measurement& m) { m.geometry.direction[1] = 0.5; }},
      {"zero spacing", "/geometry", [](Measurement& m) { m.geometry.spacing[2] = 0; }},
      {"gaussian without sigma", "/noise/sigma", [](Measurement& m) { m.noise.sigma = 0; }},
      {"gaussian with photons", "/noise/photons", [](Measurement& m) { m.noise.photons = 10; }},
      {"none with sigma", "/noise", [](Measurement& m) { m.noise.kind = "none"; }},
      {"poisson without photons", "/noise/photons",
       [](Measurement& m) {
         m.noise = {"poisson", 0, 0};
       }},
      {"unknown noise", "/noise/kind", [](Measurement& m) { m.noise.kind = "Gaussian"; }},
      {"NUL in command", "/provenance/command",
       [](Measurement& m) { m.provenance.command = std::string("a\0b", 3); }},
      {"huge command", "/provenance/command",
       [](Measurement& m) { m.provenance.command = std::string(kMaxMeasurementText + 1, 'x'); }},
  };
  for (const auto& [context, field, edit] : cases) {
    Measurement m = ct_measurement();
    edit(m);
    expect_invalid(m, field, context);
  }
}

TEST(MeasurementValidate, RejectsInconsistentMriMeasurements) {
  using Edit = std::function<void(Measurement&)>;
  const std::vector<std::tuple<std::string, std::string, Edit>> cases = {
      {"real data", "/data", [](Measurement& m) { m.data = torch::real(m.data).contiguous(); }},
      {"rank-3 data", "/data", [](Measurement& m) { m.data = m.data[0]; }},
      {"Y != volume y", "/data", [](Measurement& m) { m.volume_size[1] = 4; }},
      {"NaN data", "/data", [](Measurement& m) { m.data[0][0][0][0] = c10::complex<float>(NAN, 0); }},
      {"no mask", "/forward_model/mask", [](Measurement& m) { m.arrays.erase("mask"); }},
      {"mask int32", "/forward_model/mask",
       [](Measurement& m) { m.arrays["mask"] = m.arrays["mask"].to(torch::kInt); }},
      {"mask rank 1", "/forward_model/mask", [](Measurement& m) { m.arrays["mask"] = torch::ones({6}); }},
      {"mask of the wrong width", "/forward_model/mask",
       [](Measurement& m) {
         m.arrays["mask"] = torch::ones({5, 3});
       }},
      {"mask Z of 3", "/forward_model/mask",
       [](Measurement& m) {
         m.arrays["mask"] = torch::ones({3, 5, 6});
       }},
      {"fractional mask", "/forward_model/mask",
       [](Measurement& m) {
         m.arrays["mask"] = torch::full({5, 6}, 0.5);
       }},
      {"coil maps shape", "/forward_model/coil_maps",
       [](Measurement& m) { m.arrays["coil_maps"] = m.arrays["coil_maps"].slice(0, 0, 2); }},
      {"real coil maps", "/forward_model/coil_maps",
       [](Measurement& m) {
         m.arrays["coil_maps"] = torch::ones({3, 2, 5, 6});
       }},
      {"Inf coil map", "/forward_model/coil_maps",
       [](Measurement& m) { m.arrays["coil_maps"][2][1][4][5] = c10::complex<float>(0, INFINITY); }},
      {"angles on MRI", "/forward_model/angles",
       [](Measurement& m) { m.arrays["angles"] = torch::zeros({6}, torch::kDouble); }},
      {"acceleration below 1", "/forward_model/acceleration",
       [](Measurement& m) { m.parameters["acceleration"] = 0.5; }},
      {"poisson noise", "/noise/kind",
       [](Measurement& m) {
         m.noise = {"poisson", 0, 1e4};
       }},
  };
  for (const auto& [context, field, edit] : cases) {
    Measurement m = mri_measurement();
    edit(m);
    expect_invalid(m, field, context);
  }
}

}  // namespace
}  // namespace diffrecon
