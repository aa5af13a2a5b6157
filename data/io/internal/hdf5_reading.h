#pragma once

// Defensive reading of foreign HDF5 files (fastMRI, ISMRMRD) through the HDF5 C API, shared by
// fastmri_file.cpp and ismrmrd_file.cpp. Every failure is an IoError "<path>: <field>: <message>";
// every array's declared size is checked before anything is allocated for it.

#include <hdf5.h>
#include <torch/types.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/measurement.h"
#include "data/io/internal/hdf5_session.h"

namespace diffrecon::h5 {

// Member names of a complex compound: {r, i} (h5py, fastMRI) or {real, imag} (ISMRMRD), each a float32
// or float64; empty when `type` is neither.
inline std::pair<std::string, std::string> complex_member_names(hid_t type) {
  if (H5Tget_class(type) != H5T_COMPOUND || H5Tget_nmembers(type) != 2) return {};
  for (const auto& names : {std::pair<std::string, std::string>{"r", "i"}, {"real", "imag"}}) {
    bool ok = true;
    for (const std::string& name : {names.first, names.second}) {
      const int index = H5Tget_member_index(type, name.c_str());
      if (index < 0) {
        ok = false;
        break;
      }
      Handle member(H5Tget_member_type(type, static_cast<unsigned>(index)), H5Tclose);
      ok = ok && member.valid() && H5Tget_class(member.get()) == H5T_FLOAT &&
           (H5Tget_size(member.get()) == 4 || H5Tget_size(member.get()) == 8);
    }
    if (ok) return names;
  }
  return {};
}

// Native {real, imaginary} float32 pairs (the layout of c10::complex<float>) with the given member names,
// so HDF5 converts a file's complex compound of either spelling and precision into it.
inline Handle complex64_memory_type(const std::pair<std::string, std::string>& names) {
  Handle type(H5Tcreate(H5T_COMPOUND, 8), H5Tclose);
  if (!type.valid() || H5Tinsert(type.get(), names.first.c_str(), 0, H5T_NATIVE_FLOAT) < 0 ||
      H5Tinsert(type.get(), names.second.c_str(), 4, H5T_NATIVE_FLOAT) < 0)
    return Handle();
  return type;
}

// Whether a datatype is self-consistent: every compound member (recursively, through arrays and
// variable-length sequences) lies inside its compound, and an array's size is its element count times its
// element's. HDF5 1.10 trusts the member offsets a file declares, so a damaged file can otherwise make a
// type conversion read or write outside the element.
inline bool type_is_sound(hid_t type, int depth = 0) {
  const size_t size = H5Tget_size(type);
  if (depth > 8 || size == 0) return false;
  switch (H5Tget_class(type)) {
    case H5T_COMPOUND: {
      const int members = H5Tget_nmembers(type);
      if (members < 1 || members > 1024) return false;
      for (int i = 0; i < members; ++i) {
        const size_t offset = H5Tget_member_offset(type, static_cast<unsigned>(i));
        Handle member(H5Tget_member_type(type, static_cast<unsigned>(i)), H5Tclose);
        if (!member.valid()) return false;
        const size_t member_size = H5Tget_size(member.get());
        if (member_size == 0 || offset > size || member_size > size - offset ||
            !type_is_sound(member.get(), depth + 1))
          return false;
      }
      return true;
    }
    case H5T_ARRAY: {
      Handle base(H5Tget_super(type), H5Tclose);
      const int rank = H5Tget_array_ndims(type);
      if (!base.valid() || rank < 1 || rank > H5S_MAX_RANK) return false;
      hsize_t dims[H5S_MAX_RANK] = {};
      if (H5Tget_array_dims2(type, dims) != rank) return false;
      uint64_t count = 1;
      for (int i = 0; i < rank; ++i) {
        if (dims[i] == 0 || dims[i] > (uint64_t{1} << 31) || count > (uint64_t{1} << 31)) return false;
        count *= dims[i];
      }
      return count * H5Tget_size(base.get()) == size && type_is_sound(base.get(), depth + 1);
    }
    case H5T_VLEN:
    case H5T_ENUM: {
      Handle base(H5Tget_super(type), H5Tclose);
      return base.valid() && type_is_sound(base.get(), depth + 1);
    }
    default:
      return true;
  }
}

// A dataset opened for reading, with its file type and extent.
struct Dataset {
  Handle dataset;
  Handle type;
  std::vector<int64_t> shape;
  int64_t elements = 1;
};

// A read-only HDF5 file. Open one per call, inside a Session.
class File {
 public:
  // Throws IoError "<path>: no such file" / "not a regular file" / "not an HDF5 file (expected <what>)" /
  // "cannot open the HDF5 file (corrupt or truncated?)".
  File(std::string path, const std::string& what) : path_(std::move(path)) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path_, ec)) throw IoError(path_ + ": no such file");
    if (!fs::is_regular_file(path_, ec))
      throw IoError(path_ + ": not a regular file (expected " + what + ")");
    const uintmax_t size = fs::file_size(path_, ec);
    size_ = ec ? 0 : static_cast<uint64_t>(size);
#if H5_VERSION_GE(1, 12, 0)
    const htri_t is_hdf5 = H5Fis_accessible(path_.c_str(), H5P_DEFAULT);
#else
    const htri_t is_hdf5 = H5Fis_hdf5(path_.c_str());
#endif
    if (is_hdf5 < 0) throw IoError(path_ + ": cannot read the file: " + error_detail());
    if (is_hdf5 == 0) throw IoError(path_ + ": not an HDF5 file (expected " + what + ")");
    file_ = Handle(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file_.valid())
      throw IoError(path_ + ": cannot open the HDF5 file (corrupt or truncated?): " + error_detail());
    root_ = Handle(H5Gopen2(file_.get(), "/", H5P_DEFAULT), H5Gclose);
    if (!root_.valid()) fail_hdf5("/", "cannot open the root group");
  }

  // Whether `path` (a file name) is an HDF5 file with a hard-linked object of kind `kind` at each of
  // `names` below the root (e.g. {"dataset", "xml"}). Never throws; call inside a Session.
  static bool has_object(const std::string& path, const std::vector<std::string>& names, H5I_type_t kind) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return false;
#if H5_VERSION_GE(1, 12, 0)
    if (H5Fis_accessible(path.c_str(), H5P_DEFAULT) <= 0) return false;
#else
    if (H5Fis_hdf5(path.c_str()) <= 0) return false;
#endif
    Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file.valid()) return false;
    Handle object(H5Gopen2(file.get(), "/", H5P_DEFAULT), H5Gclose);
    for (size_t i = 0; i < names.size() && object.valid(); ++i) {
      H5L_info_t link;
      if (H5Lexists(object.get(), names[i].c_str(), H5P_DEFAULT) <= 0 ||
          H5Lget_info(object.get(), names[i].c_str(), &link, H5P_DEFAULT) < 0 || link.type != H5L_TYPE_HARD)
        return false;
      Handle next(H5Oopen(object.get(), names[i].c_str(), H5P_DEFAULT), H5Oclose);
      if (!next.valid()) return false;
      const H5I_type_t found = H5Iget_type(next.get());
      if (found != (i + 1 == names.size() ? kind : H5I_GROUP)) return false;
      object = std::move(next);
    }
    H5Eclear2(H5E_DEFAULT);
    return object.valid();
  }

  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw IoError(path_ + ": " + field + ": " + message);
  }
  [[noreturn]] void fail_hdf5(const std::string& field, const std::string& action) const {
    fail(field, action + ": " + error_detail());
  }

  const std::string& path() const { return path_; }
  hid_t id() const { return file_.get(); }
  hid_t root() const { return root_.get(); }
  // Size of the file on disk in bytes (0 when unknown).
  uint64_t size() const { return size_; }

  // Whether `parent` has a link `name` (any kind).
  bool exists(const std::string& field, const std::string& name, hid_t parent) const {
    const htri_t exists = H5Lexists(parent, name.c_str(), H5P_DEFAULT);
    if (exists < 0) fail_hdf5(field, "cannot look the object up");
    return exists > 0;
  }

  // The hard-linked group or dataset `name` of `parent` (never through soft or external links).
  Handle open_object(const std::string& field, const std::string& name, H5I_type_t kind, hid_t parent) const {
    const char* expected = kind == H5I_GROUP ? "expected a group" : "expected a dataset";
    if (!exists(field, name, parent)) fail(field, std::string(expected) + ", found none");
    H5L_info_t link;
    if (H5Lget_info(parent, name.c_str(), &link, H5P_DEFAULT) < 0) fail_hdf5(field, "cannot read the link");
    if (link.type != H5L_TYPE_HARD) fail(field, std::string(expected) + ", found a soft or external link");
    Handle object(H5Oopen(parent, name.c_str(), H5P_DEFAULT), H5Oclose);
    if (!object.valid()) fail_hdf5(field, "cannot open the object");
    const H5I_type_t found = H5Iget_type(object.get());
    if (found != kind)
      fail(field, std::string(expected) + ", found " +
                      (found == H5I_GROUP     ? "a group"
                       : found == H5I_DATASET ? "a dataset"
                                              : "another object"));
    return object;
  }

  // Opens dataset `name` of `parent` and reads its type and extent. `ranks` lists the accepted ranks
  // (0 = scalar); every dimension must be ≥ 1 and the element count at most `max_elements`.
  Dataset open_dataset(const std::string& field, const std::string& name, hid_t parent,
                       const std::vector<int>& ranks, const std::string& expected,
                       int64_t max_elements = kMaxMeasurementElements) const {
    Dataset result;
    result.dataset = open_object(field, name, H5I_DATASET, parent);
    result.type = Handle(H5Dget_type(result.dataset.get()), H5Tclose);
    if (!result.type.valid()) fail_hdf5(field, "cannot read the element type");
    if (!type_is_sound(result.type.get()))
      fail(field, "expected " + expected + ", found a damaged element type (a member outside its compound)");
    Handle space(H5Dget_space(result.dataset.get()), H5Sclose);
    if (!space.valid()) fail_hdf5(field, "cannot read the shape");
    const H5S_class_t kind = H5Sget_simple_extent_type(space.get());
    const int rank = kind == H5S_SCALAR   ? 0
                     : kind == H5S_SIMPLE ? H5Sget_simple_extent_ndims(space.get())
                                          : -1;
    if (rank < 0 || rank > H5S_MAX_RANK)
      fail(field, "expected " + expected + ", found an unreadable or empty shape");
    hsize_t dims[H5S_MAX_RANK] = {};
    if (rank > 0 && H5Sget_simple_extent_dims(space.get(), dims, nullptr) != rank)
      fail_hdf5(field, "cannot read the shape");
    uint64_t count = 1;
    bool too_large = false;
    for (int i = 0; i < rank; ++i) {
      result.shape.push_back(
          static_cast<int64_t>(std::min<hsize_t>(dims[i], std::numeric_limits<int64_t>::max())));
      if (dims[i] > static_cast<hsize_t>(max_elements))
        too_large = true;
      else if (dims[i] == 0)
        count = 0;
      else if (count > (uint64_t{1} << 62) / dims[i])
        count = uint64_t{1} << 62;  // saturates, stays > max
      else
        count *= dims[i];
    }
    if (std::find(ranks.begin(), ranks.end(), rank) == ranks.end())
      fail(field, "expected " + expected + ", found " +
                      (rank == 0 ? "a scalar" : "shape " + shape_text(result.shape)));
    if (count == 0)
      fail(field, "expected " + expected + ", found the empty shape " + shape_text(result.shape));
    if (too_large || count > static_cast<uint64_t>(max_elements))
      fail(field, "expected " + expected + " with at most " + std::to_string(max_elements) +
                      " elements, found shape " + shape_text(result.shape));
    result.elements = static_cast<int64_t>(count);
    return result;
  }

  // Fails unless the file stores the bytes `dataset`'s shape declares (unfiltered storage) or at least
  // 1/4096 of them (compressed): a truncated or never-written dataset is refused before allocation.
  void check_stored(const std::string& field, const Dataset& dataset) const {
    const uint64_t declared = static_cast<uint64_t>(dataset.elements) * H5Tget_size(dataset.type.get());
    Handle plist(H5Dget_create_plist(dataset.dataset.get()), H5Pclose);
    if (!plist.valid()) fail_hdf5(field, "cannot read the storage properties");
    const int filters = H5Pget_nfilters(plist.get());
    if (filters < 0) fail_hdf5(field, "cannot read the storage filters");
    const uint64_t stored = H5Dget_storage_size(dataset.dataset.get());
    if (filters == 0 ? stored < declared : stored == 0 || declared / 4096 > stored)
      fail(field, "the shape " + shape_text(dataset.shape) + " declares " + std::to_string(declared) +
                      " bytes, the file stores " + std::to_string(stored) + " (truncated or never written?)");
  }

  // Reads the hyperslab `start` + `count` (one entry per dimension) of a complex dataset (either spelling,
  // float32 or float64 members) into a new complex64 tensor of shape `count`.
  torch::Tensor read_complex(const std::string& field, const Dataset& dataset,
                             const std::vector<int64_t>& start, const std::vector<int64_t>& count) const {
    const auto names = complex_member_names(dataset.type.get());
    if (names.first.empty())
      fail(field, "expected complex values (a compound {r, i} or {real, imag} of floats), found " +
                      type_text(dataset.type.get()));
    Handle memory = complex64_memory_type(names);
    if (!memory.valid()) fail_hdf5(field, "cannot create the memory type");
    torch::Tensor values = torch::empty(count, torch::TensorOptions().dtype(torch::kComplexFloat));
    read_selection(field, dataset, memory.get(), start, count, values.data_ptr());
    return values;
  }

  // Reads a hyperslab with memory type `memory` into `buffer` (which must hold it).
  void read_selection(const std::string& field, const Dataset& dataset, hid_t memory,
                      const std::vector<int64_t>& start, const std::vector<int64_t>& count,
                      void* buffer) const {
    if (dataset.shape.empty()) {
      if (H5Dread(dataset.dataset.get(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer) < 0)
        fail_hdf5(field, "cannot read the values (corrupt file?)");
      return;
    }
    std::vector<hsize_t> offset(start.begin(), start.end()), extent(count.begin(), count.end());
    Handle file_space(H5Dget_space(dataset.dataset.get()), H5Sclose);
    Handle memory_space(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr), H5Sclose);
    if (!file_space.valid() || !memory_space.valid() ||
        H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, offset.data(), nullptr, extent.data(),
                            nullptr) < 0)
      fail_hdf5(field, "cannot select the values to read");
    if (H5Dread(dataset.dataset.get(), memory, memory_space.get(), file_space.get(), H5P_DEFAULT, buffer) < 0)
      fail_hdf5(field, "cannot read the values (corrupt file?)");
  }

  // Reads a numeric dataset of any shape (integers, floats, or enums such as h5py's bool) as float64.
  std::vector<double> read_numbers(const std::string& field, const Dataset& dataset) const {
    const hid_t type = dataset.type.get();
    const H5T_class_t kind = H5Tget_class(type);
    const size_t size = H5Tget_size(type);
    std::vector<double> values(static_cast<size_t>(dataset.elements));
    if (kind == H5T_FLOAT || (kind == H5T_INTEGER && size >= 1 && size <= 8)) {
      read_selection(field, dataset, H5T_NATIVE_DOUBLE, std::vector<int64_t>(dataset.shape.size(), 0),
                     dataset.shape, values.data());
    } else if (kind == H5T_ENUM && size >= 1 && size <= 8) {
      // HDF5 does not convert enums to numbers: read the stored integers through the native enum type.
      Handle base(H5Tget_super(type), H5Tclose);
      Handle native(H5Tget_native_type(type, H5T_DIR_ASCEND), H5Tclose);
      if (!base.valid() || !native.valid()) fail_hdf5(field, "cannot read the enum type");
      const size_t native_size = H5Tget_size(native.get());
      const bool is_signed = H5Tget_sign(base.get()) != H5T_SGN_NONE;
      std::vector<unsigned char> raw(values.size() * native_size);
      read_selection(field, dataset, native.get(), std::vector<int64_t>(dataset.shape.size(), 0),
                     dataset.shape, raw.data());
      for (size_t i = 0; i < values.size(); ++i) {
        const unsigned char* p = raw.data() + i * native_size;
        int64_t v = 0;
        switch (native_size) {
          case 1:
            v = is_signed ? int64_t{*reinterpret_cast<const int8_t*>(p)} : int64_t{*p};
            break;
          case 2: {
            int16_t s;
            uint16_t u;
            std::memcpy(&s, p, 2);
            std::memcpy(&u, p, 2);
            v = is_signed ? s : u;
            break;
          }
          case 4: {
            int32_t s;
            uint32_t u;
            std::memcpy(&s, p, 4);
            std::memcpy(&u, p, 4);
            v = is_signed ? s : int64_t{u};
            break;
          }
          default:
            std::memcpy(&v, p, 8);
            break;
        }
        values[i] = static_cast<double>(v);
      }
    } else {
      fail(field, "expected numbers (integers, floats or booleans), found " + type_text(type) + " elements");
    }
    return values;
  }

  // Reads a text dataset or attribute value: a fixed- or variable-length string, scalar or of shape [1];
  // also accepted: a 1-D array of 8-bit integers (raw bytes). At most `max_bytes` bytes; trailing NULs
  // and (for space-padded strings) spaces are dropped.
  std::string read_text(const std::string& field, const Dataset& dataset, size_t max_bytes) const {
    const hid_t type = dataset.type.get();
    const std::string too_long =
        "expected at most " + std::to_string(max_bytes) + " bytes of text, found more";
    if (H5Tget_class(type) == H5T_INTEGER && H5Tget_size(type) == 1 && dataset.shape.size() == 1) {
      if (static_cast<size_t>(dataset.elements) > max_bytes) fail(field, too_long);
      check_stored(field, dataset);
      std::string text(static_cast<size_t>(dataset.elements), '\0');
      read_selection(field, dataset, H5T_NATIVE_UCHAR, {0}, dataset.shape, text.data());
      text.resize(strnlen(text.data(), text.size()));
      return text;
    }
    if (H5Tget_class(type) != H5T_STRING) fail(field, "expected a string, found " + type_text(type));
    if (dataset.elements != 1)
      fail(field, "expected a single string, found shape " + shape_text(dataset.shape));
    const htri_t variable = H5Tis_variable_str(type);
    if (variable < 0) fail_hdf5(field, "cannot read the string type");
    std::string text;
    if (variable && read_variable_text(field, dataset, max_bytes, &text)) {
      // read below HDF5 (see RawReader)
    } else if (variable) {
      Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
      if (!memory.valid() || H5Tset_size(memory.get(), H5T_VARIABLE) < 0 ||
          H5Tset_cset(memory.get(), H5Tget_cset(type)) < 0)
        fail_hdf5(field, "cannot create a string type");
      char* value = nullptr;
      read_selection(field, dataset, memory.get(), std::vector<int64_t>(dataset.shape.size(), 0),
                     dataset.shape, &value);
      if (value) {
        text.assign(value, strnlen(value, max_bytes + 1));
        Handle space(H5Dget_space(dataset.dataset.get()), H5Sclose);
        Handle one(dataset.shape.empty() ? H5Screate(H5S_SCALAR) : H5Scopy(space.get()), H5Sclose);
#if H5_VERSION_GE(1, 12, 0)
        H5Treclaim(memory.get(), one.get(), H5P_DEFAULT, &value);
#else
        H5Dvlen_reclaim(memory.get(), one.get(), H5P_DEFAULT, &value);
#endif
      }
      if (text.size() > max_bytes) fail(field, too_long);
    } else {
      const size_t size = H5Tget_size(type);
      if (size == 0 || size > max_bytes + 1) fail(field, too_long);
      check_stored(field, dataset);
      Handle memory(H5Tcopy(type), H5Tclose);
      std::vector<char> buffer(size + 1, '\0');
      if (!memory.valid()) fail_hdf5(field, "cannot create a string type");
      read_selection(field, dataset, memory.get(), std::vector<int64_t>(dataset.shape.size(), 0),
                     dataset.shape, buffer.data());
      text.assign(buffer.data(), strnlen(buffer.data(), size));
      if (H5Tget_strpad(type) == H5T_STR_SPACEPAD)
        while (!text.empty() && text.back() == ' ') text.pop_back();
    }
    return text;
  }

 private:
  // A variable-length string read through RawReader; false when the file's layout needs HDF5 to read it.
  bool read_variable_text(const std::string& field, const Dataset& dataset, size_t max_bytes,
                          std::string* text) const;

  std::string path_;
  uint64_t size_ = 0;
  Handle file_;
  Handle root_;
};

// ---------------------------------------------------------------------------------------------------
// Variable-length data, read below HDF5

// HDF5 1.10 trusts a damaged global heap: an object index beyond its collection or an object larger than
// the sequence that refers to it makes H5Dread copy outside its buffers (a crash, not an error). So the
// readers fetch variable-length data themselves: the sequence's descriptor from the dataset's raw bytes,
// then the heap object, every size checked against the collection and the file. Needs the common file
// layout (8-byte addresses and lengths, no user block); usable() says whether the file has it.
class RawReader {
 public:
  explicit RawReader(const File& file) : file_(file), in_(file.path(), std::ios::binary) {
    Handle plist(H5Fget_create_plist(file.id()), H5Pclose);
    size_t sizeof_addr = 0, sizeof_size = 0;
    hsize_t userblock = 1;
    usable_ = in_.good() && plist.valid() && H5Pget_sizes(plist.get(), &sizeof_addr, &sizeof_size) >= 0 &&
              H5Pget_userblock(plist.get(), &userblock) >= 0 && sizeof_addr == 8 && sizeof_size == 8 &&
              userblock == 0 && file.size() > 0;
    H5Eclear2(H5E_DEFAULT);
  }
  RawReader(const RawReader&) = delete;
  RawReader& operator=(const RawReader&) = delete;

  bool usable() const { return usable_; }

  // Bytes [address, address + size) of the file.
  std::string bytes(const std::string& field, uint64_t address, uint64_t size) const {
    if (address > file_.size() || size > file_.size() - address)
      file_.fail(field, "expected data inside the file, found a reference to bytes " +
                            std::to_string(address) + " to " + std::to_string(address + size) + " of " +
                            std::to_string(file_.size()) + " (corrupt or truncated?)");
    std::string data(static_cast<size_t>(size), '\0');
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(address));
    in_.read(data.data(), static_cast<std::streamsize>(size));
    if (!in_)
      file_.fail(field, "cannot read " + std::to_string(size) + " bytes at " + std::to_string(address));
    return data;
  }

  // A variable-length sequence from its 16-byte descriptor (element count, heap collection address,
  // object index): `count` elements of `element_size` bytes, checked to be exactly the heap object.
  std::string sequence(const std::string& field, const char* descriptor, uint64_t element_size,
                       uint64_t* count) const {
    const uint32_t length = little_endian<uint32_t>(descriptor);
    const uint64_t address = little_endian<uint64_t>(descriptor + 4);
    const uint32_t index = little_endian<uint32_t>(descriptor + 12);
    *count = length;
    if (length == 0) return std::string();
    const std::string object = heap_object(field, address, index);
    if (object.size() != static_cast<uint64_t>(length) * element_size)
      file_.fail(field, "expected a variable-length sequence of " + std::to_string(length) + " elements (" +
                            std::to_string(static_cast<uint64_t>(length) * element_size) +
                            " bytes), its heap object has " + std::to_string(object.size()) +
                            " bytes (corrupt file?)");
    return object;
  }

  // The data of object `index` of the global heap collection at `address` (HDF5 file format, III.E).
  std::string heap_object(const std::string& field, uint64_t address, uint32_t index) const {
    if (index == 0) file_.fail(field, "expected a global heap object, found index 0 (corrupt file?)");
    if (address != cached_address_ || cached_.empty()) {
      const std::string header = bytes(field, address, 16);
      if (header.compare(0, 4, "GCOL") != 0 || header[4] != 1)
        file_.fail(field, "expected a global heap collection at " + std::to_string(address) +
                              ", found none (corrupt file?)");
      const uint64_t size = little_endian<uint64_t>(header.data() + 8);
      if (size < 16 || size > (uint64_t{1} << 40))
        file_.fail(field, "expected a global heap collection size, found " + std::to_string(size) +
                              " (corrupt file?)");
      cached_ = bytes(field, address, size);
      cached_address_ = address;
    }
    const std::string& c = cached_;
    for (uint64_t at = 16; at + 16 <= c.size();) {
      const uint16_t found = little_endian<uint16_t>(c.data() + at);
      const uint64_t size = little_endian<uint64_t>(c.data() + at + 8);
      if (found == 0) break;  // free space: the end of the objects
      if (size > c.size() - at - 16)
        file_.fail(
            field,
            "expected global heap objects inside their collection, found one past its end (corrupt file?)");
      if (found == index) return c.substr(static_cast<size_t>(at + 16), static_cast<size_t>(size));
      at += 16 + ((size + 7) / 8) * 8;
    }
    file_.fail(field, "expected global heap object " + std::to_string(index) + " in the collection at " +
                          std::to_string(address) + ", found none (corrupt file?)");
  }

  // The file address of element `index` of a dataset stored without filters, each element
  // `element_size` bytes in the file; false for a layout read only through HDF5 (compact, filtered).
  bool element_address(const std::string& field, const Dataset& dataset, int64_t index, uint64_t element_size,
                       uint64_t* address) const {
    Handle plist(H5Dget_create_plist(dataset.dataset.get()), H5Pclose);
    if (!plist.valid()) file_.fail_hdf5(field, "cannot read the storage properties");
    if (H5Pget_nfilters(plist.get()) != 0 || dataset.shape.size() > 1) return false;
    const H5D_layout_t layout = H5Pget_layout(plist.get());
    if (layout == H5D_CONTIGUOUS) {
      const haddr_t base = H5Dget_offset(dataset.dataset.get());
      H5Eclear2(H5E_DEFAULT);
      if (base == HADDR_UNDEF) return false;
      *address = base + static_cast<uint64_t>(index) * element_size;
    } else if (layout == H5D_CHUNKED) {
      hsize_t chunk = 0;
      if (dataset.shape.size() != 1 || H5Pget_chunk(plist.get(), 1, &chunk) != 1 || chunk == 0)
        file_.fail_hdf5(field, "cannot read the chunk shape");
      const hsize_t start = static_cast<hsize_t>(index) / chunk * chunk;
      unsigned filters = 0;
      haddr_t chunk_address = HADDR_UNDEF;
      hsize_t chunk_size = 0;
      if (H5Dget_chunk_info_by_coord(dataset.dataset.get(), &start, &filters, &chunk_address, &chunk_size) <
          0)
        file_.fail_hdf5(field, "cannot locate element " + std::to_string(index));
      const uint64_t within = (static_cast<uint64_t>(index) - start) * element_size;
      if (chunk_address == HADDR_UNDEF || chunk_size < within + element_size)
        file_.fail(field, "expected element " + std::to_string(index) +
                              " to be stored, found no data for it (never written?)");
      *address = chunk_address + within;
    } else {
      return false;
    }
    return true;
  }

 private:
  template <typename T>
  static T little_endian(const char* p) {
    T value = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
      value |= static_cast<T>(static_cast<unsigned char>(p[i])) << (8 * i);
    return value;
  }

  const File& file_;
  mutable std::ifstream in_;
  bool usable_ = false;
  mutable uint64_t cached_address_ = 0;
  mutable std::string cached_;
};

inline bool File::read_variable_text(const std::string& field, const Dataset& dataset, size_t max_bytes,
                                     std::string* text) const {
  const RawReader raw(*this);
  uint64_t address = 0;
  // With 8-byte addresses a sequence's descriptor takes 16 bytes in the file.
  if (!raw.usable() || !raw.element_address(field, dataset, 0, 16, &address)) return false;
  const std::string descriptor = raw.bytes(field, address, 16);
  uint64_t length = 0;
  *text = raw.sequence(field, descriptor.data(), 1, &length);
  if (text->size() > max_bytes)
    fail(field, "expected at most " + std::to_string(max_bytes) + " bytes of text, found more");
  text->resize(strnlen(text->data(), text->size()));
  return true;
}

}  // namespace diffrecon::h5
