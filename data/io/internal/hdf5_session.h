#pragma once

// The HDF5 plumbing every diffrecon HDF5 reader and writer shares: one lock for all of them (the
// library may be built without thread safety), quiet error printing, error messages and scoped handles.

#include <hdf5.h>

#include <mutex>
#include <string>
#include <utility>

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

}  // namespace diffrecon::h5
