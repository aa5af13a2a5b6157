#pragma once

// The HDF5 plumbing every diffrecon HDF5 reader and writer shares: one lock for all of them (the
// library may be built without thread safety), quiet error printing, scoped handles and the texts of
// error messages.

#include <hdf5.h>

#include <cstdint>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace diffrecon::h5 {

// Serialises diffrecon's HDF5 calls (the library may be built without thread safety) and silences
// HDF5's automatic error printing for their duration; errors are reported through exceptions.
class Session {
 public:
  Session() : lock_(mutex()) {
    // HDF5 1.10 leaks free-list blocks when a metadata checksum fails; its exit-time cleanup then
    // prints "infinite loop closing library" after the damaged file was already reported. Files are
    // always closed here, so that cleanup has nothing to flush. (Effective only before HDF5 starts.)
    static const bool no_exit_cleanup = (H5dont_atexit(), true);
    (void)no_exit_cleanup;
    H5Eget_auto2(H5E_DEFAULT, &saved_function_, &saved_data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~Session() {
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, saved_function_, saved_data_);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  std::lock_guard<std::mutex> lock_;
  H5E_auto2_t saved_function_ = nullptr;
  void* saved_data_ = nullptr;
};

// The most specific message on HDF5's error stack (cleared), e.g. "truncated file: eof = 96, ...".
inline std::string error_detail() {
  std::string detail;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* error, void* data) -> herr_t {
        if (n == 0 && error && error->desc) *static_cast<std::string*>(data) = error->desc;
        return 0;
      },
      &detail);
  H5Eclear2(H5E_DEFAULT);
  return detail.empty() ? "unknown HDF5 error" : detail;
}

// An HDF5 identifier that is closed when it goes out of scope.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), closer_(other.closer_) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, -1);
      closer_ = other.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Closes now and reports whether closing succeeded (flushing a file can fail).
  bool close() { return closer_ && id_ >= 0 ? closer_(std::exchange(id_, -1)) >= 0 : true; }

 private:
  void reset() {
    if (id_ >= 0 && closer_) closer_(id_);
    id_ = -1;
  }
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

// "[4, 5, 6]".
inline std::string shape_text(const std::vector<int64_t>& shape) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << "]";
  return out.str();
}

// A short description of an HDF5 type for error messages: "float32", "compound {r: float32, i: float32}".
inline std::string type_text(hid_t type, int depth = 0) {
  const size_t bits = 8 * H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(bits);
    case H5T_FLOAT:
      return "float" + std::to_string(bits);
    case H5T_STRING:
      return "string";
    case H5T_BITFIELD:
      return "bitfield";
    case H5T_OPAQUE:
      return "opaque";
    case H5T_REFERENCE:
      return "reference";
    case H5T_ENUM:
      return "enum (as h5py stores bool)";
    case H5T_VLEN:
      return "variable-length sequence";
    case H5T_ARRAY:
      return "array type";
    case H5T_TIME:
      return "time";
    case H5T_COMPOUND: {
      const int members = H5Tget_nmembers(type);
      if (depth > 1 || members < 0 || members > 8) return "compound";
      std::string text = "compound {";
      for (int i = 0; i < members; ++i) {
        char* name = H5Tget_member_name(type, static_cast<unsigned>(i));
        h5::Handle member(H5Tget_member_type(type, static_cast<unsigned>(i)), H5Tclose);
        text += (i ? ", " : "") + std::string(name ? name : "?") + ": " +
                (member.valid() ? type_text(member.get(), depth + 1) : "?");
        if (name) H5free_memory(name);
      }
      return text + "}";
    }
    default:
      return "unknown type";
  }
}

}  // namespace diffrecon::h5
