#pragma once

// Reading and writing the HDF5 files diffrecon defines itself (measurement files, prior model files)
// through the HDF5 C API: little-endian float32/float64/uint8/complex64 datasets, chunked with a
// Fletcher-32 checksum, typed attributes, and strict, allocation-safe reading. Every failure is an
// IoError "<path>: <field>: <message>". Callers hold an h5::Session.

#include <hdf5.h>
#include <torch/types.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/measurement.h"  // kMaxMeasurementElements, kMaxMeasurementText
#include "data/io/internal/hdf5_session.h"

// A namespace of its own: hdf5_reading.h (foreign files) has classes of the same names in h5.
namespace diffrecon::h5::native {

inline constexpr int kMaxRank = 8;
// A filtered (compressed) dataset storing fewer than 1/kMaxCompressionRatio of its declared bytes is
// refused before allocation; deflate cannot exceed about 1032:1.
inline constexpr uint64_t kMaxCompressionRatio = 4096;
inline constexpr int64_t kChunkElements = int64_t{1} << 18;

enum class Element { kFloat32, kFloat64, kUint8, kComplex64 };

inline torch::ScalarType element_dtype(Element element) {
  switch (element) {
    case Element::kFloat32:
      return torch::kFloat;
    case Element::kFloat64:
      return torch::kDouble;
    case Element::kUint8:
      return torch::kByte;
    case Element::kComplex64:
      return torch::kComplexFloat;
  }
  return torch::kFloat;
}

inline bool is_float(hid_t type, size_t size) {
  return H5Tget_class(type) == H5T_FLOAT && H5Tget_size(type) == size;
}

inline bool is_complex64(hid_t type) {
  if (H5Tget_class(type) != H5T_COMPOUND || H5Tget_nmembers(type) != 2) return false;
  for (const char* name : {"r", "i"}) {
    const int index = H5Tget_member_index(type, name);
    if (index < 0) return false;
    h5::Handle member(H5Tget_member_type(type, static_cast<unsigned>(index)), H5Tclose);
    if (!member.valid() || !is_float(member.get(), 4)) return false;
  }
  return true;
}

inline bool has_element(hid_t type, Element element) {
  switch (element) {
    case Element::kFloat32:
      return is_float(type, 4);
    case Element::kFloat64:
      return is_float(type, 8);
    case Element::kUint8:
      return H5Tget_class(type) == H5T_INTEGER && H5Tget_size(type) == 1 && H5Tget_sign(type) == H5T_SGN_NONE;
    case Element::kComplex64:
      return is_complex64(type);
  }
  return false;
}

// {r, i} float32 pairs: the layout of std::complex<float> and of h5py's complex64.
inline h5::Handle complex64_type(hid_t component) {
  h5::Handle type(H5Tcreate(H5T_COMPOUND, 8), H5Tclose);
  if (!type.valid() || H5Tinsert(type.get(), "r", 0, component) < 0 ||
      H5Tinsert(type.get(), "i", 4, component) < 0)
    return h5::Handle();
  return type;
}

// The in-memory type of an element (a copy for the caller to own).
inline h5::Handle memory_type(Element element) {
  switch (element) {
    case Element::kFloat32:
      return h5::Handle(H5Tcopy(H5T_NATIVE_FLOAT), H5Tclose);
    case Element::kFloat64:
      return h5::Handle(H5Tcopy(H5T_NATIVE_DOUBLE), H5Tclose);
    case Element::kUint8:
      return h5::Handle(H5Tcopy(H5T_NATIVE_UINT8), H5Tclose);
    case Element::kComplex64:
      return complex64_type(H5T_NATIVE_FLOAT);
  }
  return h5::Handle();
}

// The little-endian type stored in files written here.
inline h5::Handle file_type(Element element) {
  switch (element) {
    case Element::kFloat32:
      return h5::Handle(H5Tcopy(H5T_IEEE_F32LE), H5Tclose);
    case Element::kFloat64:
      return h5::Handle(H5Tcopy(H5T_IEEE_F64LE), H5Tclose);
    case Element::kUint8:
      return h5::Handle(H5Tcopy(H5T_STD_U8LE), H5Tclose);
    case Element::kComplex64:
      return complex64_type(H5T_IEEE_F32LE);
  }
  return h5::Handle();
}



struct Dataset {
  h5::Handle dataset;
  Element element = Element::kFloat32;
  std::vector<int64_t> shape;
};

class Reader {
 public:
  // `max_entries` bounds the attributes or links of one group that are listed.
  Reader(std::string path, size_t max_entries) : path_(std::move(path)), max_entries_(max_entries) {}

  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw IoError(path_ + ": " + field + ": " + message);
  }
  [[noreturn]] void fail_hdf5(const std::string& field, const std::string& action) const {
    fail(field, action + ": " + h5::error_detail());
  }

  void open() {
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) throw IoError(path_ + ": no such file");
    if (!std::filesystem::is_regular_file(path_, ec))
      throw IoError(path_ + ": not a regular file (expected an HDF5 file)");
#if H5_VERSION_GE(1, 12, 0)
    const htri_t is_hdf5 = H5Fis_accessible(path_.c_str(), H5P_DEFAULT);
#else
    const htri_t is_hdf5 = H5Fis_hdf5(path_.c_str());
#endif
    if (is_hdf5 < 0) throw IoError(path_ + ": cannot read the file: " + h5::error_detail());
    if (is_hdf5 == 0) throw IoError(path_ + ": not an HDF5 file (expected a diffrecon measurement file)");
    file_ = h5::Handle(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file_.valid())
      throw IoError(path_ + ": cannot open the HDF5 file (corrupt or truncated?): " + h5::error_detail());
    root_ = h5::Handle(H5Gopen2(file_.get(), "/", H5P_DEFAULT), H5Gclose);
    if (!root_.valid()) fail_hdf5("/", "cannot open the root group");
  }

  hid_t root() const { return root_.get(); }

  // A hard-linked group or dataset `name` of `parent` (never through soft or external links).
  h5::Handle open_object(const std::string& field, const std::string& name, H5I_type_t kind,
                     hid_t parent = -1) const {
    const char* expected = kind == H5I_GROUP ? "expected a group" : "expected a dataset";
    if (parent < 0) parent = root_.get();
    const htri_t exists = H5Lexists(parent, name.c_str(), H5P_DEFAULT);
    if (exists < 0) fail_hdf5(field, "cannot look the object up");
    if (exists == 0) fail(field, std::string(expected) + ", found none");
    H5L_info_t link;
    if (H5Lget_info(parent, name.c_str(), &link, H5P_DEFAULT) < 0) fail_hdf5(field, "cannot read the link");
    if (link.type != H5L_TYPE_HARD) fail(field, std::string(expected) + ", found a soft or external link");
    h5::Handle object(H5Oopen(parent, name.c_str(), H5P_DEFAULT), H5Oclose);
    if (!object.valid()) fail_hdf5(field, "cannot open the object");
    const H5I_type_t found = H5Iget_type(object.get());
    if (found != kind)
      fail(field, std::string(expected) + ", found " +
                      (found == H5I_GROUP     ? "a group"
                       : found == H5I_DATASET ? "a dataset"
                                              : "another object"));
    return object;
  }

  // ----- attributes

  h5::Handle open_attribute(hid_t object, const std::string& field, const std::string& name,
                        const std::string& expected) const {
    const htri_t exists = H5Aexists(object, name.c_str());
    if (exists < 0) fail_hdf5(field, "cannot look the attribute up");
    if (exists == 0) fail(field, "expected " + expected + ", found none");
    h5::Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
    if (!attribute.valid()) fail_hdf5(field, "cannot open the attribute");
    return attribute;
  }

  h5::Handle attribute_type(hid_t attribute, const std::string& field) const {
    h5::Handle type(H5Aget_type(attribute), H5Tclose);
    if (!type.valid()) fail_hdf5(field, "cannot read the attribute's type");
    return type;
  }

  // Fails unless the attribute holds `count` values: a scalar or [1] for count 1, [count] otherwise.
  h5::Handle check_count(hid_t attribute, const std::string& field, size_t count,
                     const std::string& expected) const {
    h5::Handle space(H5Aget_space(attribute), H5Sclose);
    if (!space.valid()) fail_hdf5(field, "cannot read the attribute's shape");
    const H5S_class_t kind = H5Sget_simple_extent_type(space.get());
    if (kind == H5S_SCALAR && count == 1) return space;
    const int rank = H5Sget_simple_extent_ndims(space.get());
    hsize_t dims[H5S_MAX_RANK] = {};
    if (kind == H5S_SIMPLE && rank == 1 && H5Sget_simple_extent_dims(space.get(), dims, nullptr) == 1 &&
        dims[0] == count)
      return space;
    fail(field, "expected " + expected + ", found " + space_text(space.get()));
  }

  std::string space_text(hid_t space) const {
    switch (H5Sget_simple_extent_type(space)) {
      case H5S_SCALAR:
        return "a scalar";
      case H5S_NULL:
        return "an empty (null) dataspace";
      case H5S_SIMPLE: {
        const int rank = H5Sget_simple_extent_ndims(space);
        if (rank < 0 || rank > H5S_MAX_RANK) return "an unreadable shape";
        hsize_t dims[H5S_MAX_RANK] = {};
        H5Sget_simple_extent_dims(space, dims, nullptr);
        std::vector<int64_t> shape;
        for (int i = 0; i < rank; ++i)
          shape.push_back(
              static_cast<int64_t>(std::min<hsize_t>(dims[i], std::numeric_limits<int64_t>::max())));
        return "shape " + h5::shape_text(shape);
      }
      default:
        return "an unreadable shape";
    }
  }

  std::string read_string(hid_t object, const std::string& field, const std::string& name) const {
    const std::string expected = "a string";
    h5::Handle attribute = open_attribute(object, field, name, expected);
    h5::Handle type = attribute_type(attribute.get(), field);
    if (H5Tget_class(type.get()) != H5T_STRING)
      fail(field, "expected " + expected + ", found " + h5::type_text(type.get()));
    h5::Handle space = check_count(attribute.get(), field, 1, "a single string");
    const htri_t variable = H5Tis_variable_str(type.get());
    if (variable < 0) fail_hdf5(field, "cannot read the string type");
    std::string text;
    if (variable) {
      h5::Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
      if (!memory.valid() || H5Tset_size(memory.get(), H5T_VARIABLE) < 0 ||
          H5Tset_cset(memory.get(), H5Tget_cset(type.get())) < 0)
        fail_hdf5(field, "cannot create a string type");
      char* value = nullptr;
      if (H5Aread(attribute.get(), memory.get(), &value) < 0) fail_hdf5(field, "cannot read the string");
      if (value) {
        const size_t length = strnlen(value, kMaxMeasurementText + 1);
        text.assign(value, length);
#if H5_VERSION_GE(1, 12, 0)
        H5Treclaim(memory.get(), space.get(), H5P_DEFAULT, &value);
#else
        H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, &value);
#endif
      }
      if (text.size() > kMaxMeasurementText)
        fail(field, "expected at most " + std::to_string(kMaxMeasurementText) + " bytes of text, found more");
    } else {
      const size_t size = H5Tget_size(type.get());
      if (size == 0 || size > kMaxMeasurementText + 1)
        fail(field, "expected at most " + std::to_string(kMaxMeasurementText) +
                        " bytes of text, found a string of " + std::to_string(size));
      h5::Handle memory(H5Tcopy(type.get()), H5Tclose);
      std::vector<char> buffer(size + 1, '\0');
      if (!memory.valid() || H5Aread(attribute.get(), memory.get(), buffer.data()) < 0)
        fail_hdf5(field, "cannot read the string");
      text.assign(buffer.data(), strnlen(buffer.data(), size));
      if (H5Tget_strpad(type.get()) == H5T_STR_SPACEPAD)
        while (!text.empty() && text.back() == ' ') text.pop_back();
    }
    return text;
  }

  // Numbers stored as integers or as float32/float64.
  std::vector<double> read_numbers(hid_t object, const std::string& field, const std::string& name,
                                   size_t count) const {
    const std::string expected =
        count == 1 ? "a number (float64)"
                   : "float64 [" + std::to_string(count) + "] (" + std::to_string(count) + " numbers)";
    h5::Handle attribute = open_attribute(object, field, name, expected);
    h5::Handle type = attribute_type(attribute.get(), field);
    const H5T_class_t kind = H5Tget_class(type.get());
    const size_t size = H5Tget_size(type.get());
    if (!(kind == H5T_FLOAT && (size == 4 || size == 8)) && !(kind == H5T_INTEGER && size >= 1 && size <= 8))
      fail(field, "expected " + expected + ", found " + h5::type_text(type.get()));
    check_count(attribute.get(), field, count, expected);
    std::vector<double> values(count);
    if (H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, values.data()) < 0)
      fail_hdf5(field, "cannot read the values");
    return values;
  }

  // The number of values of an attribute: 1 for a scalar, n for a one-dimensional [n].
  size_t attribute_length(hid_t object, const std::string& field, const std::string& name) const {
    h5::Handle attribute = open_attribute(object, field, name, "a list of values");
    h5::Handle space(H5Aget_space(attribute.get()), H5Sclose);
    if (!space.valid()) fail_hdf5(field, "cannot read the attribute's shape");
    const H5S_class_t kind = H5Sget_simple_extent_type(space.get());
    if (kind == H5S_SCALAR) return 1;
    hsize_t dims[H5S_MAX_RANK] = {};
    if (kind == H5S_SIMPLE && H5Sget_simple_extent_ndims(space.get()) == 1 &&
        H5Sget_simple_extent_dims(space.get(), dims, nullptr) == 1 && dims[0] >= 1 && dims[0] <= max_entries_)
      return static_cast<size_t>(dims[0]);
    fail(field, "expected 1 to " + std::to_string(max_entries_) + " values, found " + space_text(space.get()));
  }

  std::vector<int64_t> read_integers(hid_t object, const std::string& field, const std::string& name,
                                     size_t count) const {
    const std::string expected =
        count == 1 ? "an integer (int64)"
                   : "int64 [" + std::to_string(count) + "] (" + std::to_string(count) + " integers)";
    h5::Handle attribute = open_attribute(object, field, name, expected);
    h5::Handle type = attribute_type(attribute.get(), field);
    const size_t size = H5Tget_size(type.get());
    if (H5Tget_class(type.get()) != H5T_INTEGER || size < 1 || size > 8)
      fail(field, "expected " + expected + ", found " + h5::type_text(type.get()));
    check_count(attribute.get(), field, count, expected);
    std::vector<int64_t> values(count);
    if (H5Tget_sign(type.get()) == H5T_SGN_NONE) {
      std::vector<uint64_t> unsigned_values(count);
      if (H5Aread(attribute.get(), H5T_NATIVE_UINT64, unsigned_values.data()) < 0)
        fail_hdf5(field, "cannot read the values");
      for (size_t i = 0; i < count; ++i) {
        if (unsigned_values[i] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
          fail(field, "expected " + expected + ", found a value beyond the int64 range");
        values[i] = static_cast<int64_t>(unsigned_values[i]);
      }
    } else if (H5Aread(attribute.get(), H5T_NATIVE_INT64, values.data()) < 0) {
      fail_hdf5(field, "cannot read the values");
    }
    return values;
  }

  uint64_t read_unsigned(hid_t object, const std::string& field, const std::string& name) const {
    const std::string expected = "a non-negative integer (uint64)";
    h5::Handle attribute = open_attribute(object, field, name, expected);
    h5::Handle type = attribute_type(attribute.get(), field);
    const size_t size = H5Tget_size(type.get());
    if (H5Tget_class(type.get()) != H5T_INTEGER || size < 1 || size > 8)
      fail(field, "expected " + expected + ", found " + h5::type_text(type.get()));
    check_count(attribute.get(), field, 1, expected);
    if (H5Tget_sign(type.get()) == H5T_SGN_NONE) {
      uint64_t value = 0;
      if (H5Aread(attribute.get(), H5T_NATIVE_UINT64, &value) < 0) fail_hdf5(field, "cannot read the value");
      return value;
    }
    int64_t value = 0;
    if (H5Aread(attribute.get(), H5T_NATIVE_INT64, &value) < 0) fail_hdf5(field, "cannot read the value");
    if (value < 0) fail(field, "expected " + expected + ", found " + std::to_string(value));
    return static_cast<uint64_t>(value);
  }

  std::vector<std::string> attribute_names(hid_t object, const std::string& field) const {
    struct Listing {
      std::vector<std::string> names;
      size_t limit;
    } listing{{}, max_entries_};
    hsize_t index = 0;
    const herr_t status = H5Aiterate2(
        object, H5_INDEX_NAME, H5_ITER_INC, &index,
        [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
          auto* list = static_cast<Listing*>(data);
          if (list->names.size() >= list->limit) return 1;
          list->names.emplace_back(name);
          return 0;
        },
        &listing);
    if (status < 0) fail_hdf5(field, "cannot list the attributes");
    if (status > 0)
      fail(field, "expected at most " + std::to_string(max_entries_) + " attributes, found more");
    return listing.names;
  }

  std::vector<std::string> link_names(hid_t group, const std::string& field) const {
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0) fail_hdf5(field, "cannot read the group");
    if (info.nlinks > max_entries_)
      fail(field, "expected at most " + std::to_string(max_entries_) + " entries, found " +
                      std::to_string(info.nlinks));
    std::vector<std::string> names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      const ssize_t length =
          H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      if (length < 0) fail_hdf5(field, "cannot read the name of entry " + std::to_string(i));
      if (length > 1024)
        fail(field, "expected array names of at most 1024 bytes, found " + std::to_string(length));
      std::vector<char> name(static_cast<size_t>(length) + 1, '\0');
      if (H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                             H5P_DEFAULT) < 0)
        fail_hdf5(field, "cannot read the name of entry " + std::to_string(i));
      names.emplace_back(name.data());
    }
    return names;
  }

  // ----- datasets

  // Opens a dataset and checks its element type, rank, extent and stored size; allocates nothing.
  Dataset inspect(hid_t parent, const std::string& field, const std::string& name,
                  const std::vector<Element>& elements, const std::vector<int>& ranks,
                  const std::string& expected) const {
    Dataset result;
    result.dataset = open_object(field, name, H5I_DATASET, parent);
    const hid_t dataset = result.dataset.get();
    h5::Handle type(H5Dget_type(dataset), H5Tclose);
    if (!type.valid()) fail_hdf5(field, "cannot read the element type");
    const auto element =
        std::find_if(elements.begin(), elements.end(), [&](Element e) { return has_element(type.get(), e); });
    if (element == elements.end())
      fail(field, "expected " + expected + ", found " + h5::type_text(type.get()) + " elements");
    result.element = *element;

    h5::Handle space(H5Dget_space(dataset), H5Sclose);
    if (!space.valid()) fail_hdf5(field, "cannot read the shape");
    const int rank =
        H5Sget_simple_extent_type(space.get()) == H5S_SIMPLE ? H5Sget_simple_extent_ndims(space.get()) : -1;
    if (std::find(ranks.begin(), ranks.end(), rank) == ranks.end())
      fail(field, "expected " + expected + ", found " + space_text(space.get()));
    hsize_t dims[kMaxRank] = {};
    if (H5Sget_simple_extent_dims(space.get(), dims, nullptr) != rank)
      fail_hdf5(field, "cannot read the shape");
    uint64_t elements_count = 1;
    for (int i = 0; i < rank; ++i) {
      if (dims[i] < 1 || dims[i] > static_cast<hsize_t>(kMaxMeasurementElements) ||
          (elements_count *= dims[i]) > static_cast<uint64_t>(kMaxMeasurementElements))
        fail(field, "expected " + expected + " with 1 to " + std::to_string(kMaxMeasurementElements) +
                        " elements, found " + space_text(space.get()));
      result.shape.push_back(static_cast<int64_t>(dims[i]));
    }

    const uint64_t declared = elements_count * H5Tget_size(type.get());
    h5::Handle plist(H5Dget_create_plist(dataset), H5Pclose);
    if (!plist.valid()) fail_hdf5(field, "cannot read the storage properties");
    const int filters = H5Pget_nfilters(plist.get());
    if (filters < 0) fail_hdf5(field, "cannot read the storage filters");
    const uint64_t stored = H5Dget_storage_size(dataset);
    if (filters == 0 ? stored < declared : stored == 0 || declared / kMaxCompressionRatio > stored)
      fail(field, "the shape " + h5::shape_text(result.shape) + " declares " + std::to_string(declared) +
                      " bytes, the file stores " + std::to_string(stored) + " (truncated or never written?)");
    return result;
  }

  torch::Tensor read(const Dataset& dataset, const std::string& field) const {
    torch::Tensor tensor =
        torch::empty(dataset.shape, torch::TensorOptions().dtype(element_dtype(dataset.element)));
    h5::Handle memory = memory_type(dataset.element);
    if (!memory.valid()) fail_hdf5(field, "cannot create the memory type");
    if (H5Dread(dataset.dataset.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, tensor.data_ptr()) < 0)
      fail_hdf5(field, "cannot read the values (corrupt file?)");
    return tensor;
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  size_t max_entries_;
  h5::Handle file_;
  h5::Handle root_;
};

class Writer {
 public:
  Writer(std::string path, const std::filesystem::path& staged) : path_(std::move(path)) {
    h5::Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    // The 1.10 file format: superblock, object headers and chunk indexes all checksummed; HDF5 ≥ 1.10 reads
    // it.
    if (!access.valid() || H5Pset_libver_bounds(access.get(), H5F_LIBVER_V110, H5F_LIBVER_V110) < 0)
      fail_hdf5("/", "cannot set up the file");
    h5::Handle creation(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
    if (!creation.valid() || H5Pset_obj_track_times(creation.get(), false) < 0)
      fail_hdf5("/", "cannot set up the file");
    file_ = h5::Handle(H5Fcreate(staged.c_str(), H5F_ACC_EXCL, creation.get(), access.get()), H5Fclose);
    if (!file_.valid()) fail_hdf5("/", "cannot create the file");
    groups_ = h5::Handle(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
    if (!groups_.valid() || H5Pset_obj_track_times(groups_.get(), false) < 0)
      fail_hdf5("/", "cannot set up the file");
  }

  [[noreturn]] void fail_hdf5(const std::string& field, const std::string& action) const {
    throw IoError(path_ + ": " + field + ": " + action + ": " + h5::error_detail());
  }

  hid_t file() const { return file_.get(); }

  h5::Handle group(const std::string& name) const {
    h5::Handle g(H5Gcreate2(file_.get(), name.c_str(), H5P_DEFAULT, groups_.get(), H5P_DEFAULT), H5Gclose);
    if (!g.valid()) fail_hdf5("/" + name, "cannot create the group");
    return g;
  }

  // Fixed-length, NUL-terminated UTF-8: stored inside the (checksummed) object header.
  void string(hid_t object, const std::string& field, const std::string& name,
              const std::string& value) const {
    h5::Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!type.valid() || H5Tset_size(type.get(), value.size() + 1) < 0 ||
        H5Tset_strpad(type.get(), H5T_STR_NULLTERM) < 0 || H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0)
      fail_hdf5(field, "cannot create the string type");
    attribute(object, field, name, type.get(), type.get(), {}, value.c_str());
  }

  void numbers(hid_t object, const std::string& field, const std::string& name, const double* values,
               size_t count) const {
    attribute(object, field, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims(count), values);
  }

  void integers(hid_t object, const std::string& field, const std::string& name, const int64_t* values,
                size_t count) const {
    attribute(object, field, name, H5T_STD_I64LE, H5T_NATIVE_INT64, dims(count), values);
  }

  void unsigned_integer(hid_t object, const std::string& field, const std::string& name,
                        uint64_t value) const {
    attribute(object, field, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, {}, &value);
  }

  // Chunked (about kChunkElements per chunk, whole trailing planes where they fit) with a Fletcher-32
  // checksum per chunk.
  void dataset(hid_t parent, const std::string& field, const std::string& name,
               const torch::Tensor& tensor) const {
    const torch::Tensor values = tensor.to(torch::kCPU).resolve_conj().resolve_neg().contiguous();
    Element element;
    switch (values.scalar_type()) {
      case torch::kFloat:
        element = Element::kFloat32;
        break;
      case torch::kDouble:
        element = Element::kFloat64;
        break;
      case torch::kByte:
        element = Element::kUint8;
        break;
      case torch::kComplexFloat:
        element = Element::kComplex64;
        break;
      default:
        throw IoError(path_ + ": " + field + ": cannot store " + c10::toString(values.scalar_type()));
    }
    std::vector<hsize_t> shape(values.sizes().begin(), values.sizes().end());
    std::vector<hsize_t> chunk = shape;
    int64_t product = values.numel();
    for (size_t i = 0; i < chunk.size() && product > kChunkElements; ++i) {
      product /= static_cast<int64_t>(chunk[i]);
      chunk[i] = static_cast<hsize_t>(std::max<int64_t>(1, kChunkElements / product));
      product *= static_cast<int64_t>(chunk[i]);
    }
    h5::Handle space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr), H5Sclose);
    h5::Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    if (!space.valid() || !plist.valid() ||
        H5Pset_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data()) < 0 ||
        H5Pset_fletcher32(plist.get()) < 0 || H5Pset_obj_track_times(plist.get(), false) < 0)
      fail_hdf5(field, "cannot set up the dataset");
    h5::Handle stored = file_type(element), memory = memory_type(element);
    if (!stored.valid() || !memory.valid()) fail_hdf5(field, "cannot create the element type");
    h5::Handle d(
        H5Dcreate2(parent, name.c_str(), stored.get(), space.get(), H5P_DEFAULT, plist.get(), H5P_DEFAULT),
        H5Dclose);
    if (!d.valid()) fail_hdf5(field, "cannot create the dataset");
    if (H5Dwrite(d.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data_ptr()) < 0)
      fail_hdf5(field, "cannot write the values");
  }

  void close() {
    if (!file_.close()) fail_hdf5("/", "cannot finish writing the file");
  }

 private:
  static std::vector<hsize_t> dims(size_t count) {
    return count == 1 ? std::vector<hsize_t>{} : std::vector<hsize_t>{count};
  }

  // A scalar attribute for empty `shape`, else a simple one.
  void attribute(hid_t object, const std::string& field, const std::string& name, hid_t stored, hid_t memory,
                 const std::vector<hsize_t>& shape, const void* values) const {
    h5::Handle space(shape.empty() ? H5Screate(H5S_SCALAR)
                               : H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                 H5Sclose);
    if (!space.valid()) fail_hdf5(field, "cannot create the attribute's shape");
    h5::Handle a(H5Acreate2(object, name.c_str(), stored, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    if (!a.valid()) fail_hdf5(field, "cannot create the attribute");
    if (H5Awrite(a.get(), memory, values) < 0) fail_hdf5(field, "cannot write the attribute");
  }

  std::string path_;
  h5::Handle file_;
  h5::Handle groups_;
};

}  // namespace diffrecon::h5::native
