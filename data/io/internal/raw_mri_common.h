#pragma once

// What the fastMRI and ISMRMRD readers (fastmri_file.cpp, ismrmrd_file.cpp) share: the ISMRMRD XML header,
// sizes checked before allocation, and the final assembly of the measurement.

#include <ismrmrd/xml.h>
#include <torch/types.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <new>
#include <sstream>
#include <string>

#include "core/error.h"
#include "core/measurement.h"
#include "data/io/internal/hdf5_reading.h"

namespace diffrecon::raw_mri {

// Longest ISMRMRD XML header accepted (real ones are tens of kilobytes).
constexpr size_t kMaxHeaderBytes = size_t{16} << 20;

inline std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// Parses the ISMRMRD XML header with libismrmrd; IoError "<path>: <field>: ..." for text it rejects or a
// header without an encoding.
inline ISMRMRD::IsmrmrdHeader parse_header(const h5::File& file, const std::string& field,
                                           const std::string& xml) {
  if (xml.empty()) file.fail(field, "expected the ISMRMRD XML header, found an empty string");
  ISMRMRD::IsmrmrdHeader header;
  try {
    ISMRMRD::deserialize(xml.c_str(), header);
  } catch (const std::exception& e) {
    file.fail(field, std::string("expected an ISMRMRD XML header, libismrmrd rejects it: ") + e.what());
  }
  if (header.encoding.empty()) file.fail(field, "expected at least one <encoding>, found none");
  return header;
}

// A matrix size of the header, checked to be ≥ 1.
inline int64_t matrix_size(const h5::File& file, const std::string& field, const std::string& name,
                           unsigned short value) {
  if (value < 1) file.fail(field, name + ": expected a matrix size ≥ 1, found " + std::to_string(value));
  return value;
}

// A field of view of the header in mm, checked to be finite and > 0.
inline double field_of_view(const h5::File& file, const std::string& field, const std::string& name,
                            float value) {
  if (!(std::isfinite(value) && value > 0))
    file.fail(field, name + ": expected a field of view > 0 mm, found " + number_text(value));
  return value;
}

// Fails unless a tensor of `shape` has at most kMaxMeasurementElements elements (checked before allocating).
inline void check_elements(const h5::File& file, const std::string& field, const std::vector<int64_t>& shape,
                           const std::string& what) {
  double elements = 1;
  for (int64_t n : shape) elements *= static_cast<double>(n);
  if (elements > static_cast<double>(kMaxMeasurementElements))
    file.fail(field, "the " + what + " " + h5::shape_text(shape) + " would have more than " +
                         std::to_string(kMaxMeasurementElements) + " elements");
}

// Completes an MRI measurement whose data, arrays (a float32 "mask" among them), parameters and geometry
// are set: modality, volume_size (X, Y, Z from the data), "acceleration" (mask elements / sampled ones,
// when any is sampled), noise "none". Throws IoError naming the file unless validate() accepts it.
inline void finish(const h5::File& file, Measurement& m) {
  m.modality = Modality::kMri;
  m.volume_size = {m.data.size(3), m.data.size(2), m.data.size(1)};
  const torch::Tensor& mask = m.arrays.at("mask");
  const double sampled = mask.sum().item<double>();
  if (sampled > 0) m.parameters["acceleration"] = static_cast<double>(mask.numel()) / sampled;
  m.noise = NoiseModel{};
  try {
    validate(m, file.path());
  } catch (const InvalidArgument& e) {
    throw IoError(e.what());
  }
}

// Runs a reader's body, turning failures that are not already IoError (LibTorch errors, exhausted memory,
// anything else thrown) into IoError naming the file.
template <typename Body>
auto guarded(const std::string& path, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const IoError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw IoError(path + ": not enough memory to read the file");
  } catch (const c10::Error& e) {
    throw IoError(path + ": " + e.what_without_backtrace());
  } catch (const Error& e) {
    throw IoError(e.what());
  } catch (const std::exception& e) {
    throw IoError(path + ": " + e.what());
  }
}

}  // namespace diffrecon::raw_mri
