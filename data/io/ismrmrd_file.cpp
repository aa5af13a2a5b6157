// ISMRMRD / MRD raw data (ismrmrd/ismrmrd: doc/mrd_raw_data.md, libsrc/dataset.c, schema/ismrmrd.xsd).
//
// The XML header is parsed by libismrmrd (ISMRMRD::deserialize) and its flag constants are used, but the
// HDF5 file is read here through the C API rather than with ISMRMRD::Dataset: libismrmrd 1.8 opens the file
// for writing and creates "/dataset" in a file that lacks it (reading modifies the file), does not check
// H5Dread's result and copies as many bytes as an acquisition header claims out of the variable-length data
// HDF5 returned; a damaged file crashes its readAcquisition. Here the acquisition headers are read through
// HDF5 after checking their type (h5::type_is_sound), the samples straight from the file's global heap
// (h5::RawReader: HDF5 1.10 itself can crash on a damaged heap), each acquisition's sample count is checked
// against its header, sizes are checked before allocation and every failure is an IoError.
//
// Layout produced: data [coils, Z, Y, X], X = readout samples (kx, the fastest index of an acquisition's
// data), Y = kspace_encode_step_1 (ky), Z = kspace_encode_step_2 (kz, 3D) or the slices (multi-slice 2D).

#include <hdf5.h>
#include <ismrmrd/ismrmrd.h>
#include <ismrmrd/xml.h>
#include <torch/types.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "data/io/internal/centred_fft.h"
#include "data/io/internal/hdf5_reading.h"
#include "data/io/internal/raw_mri_common.h"
#include "data/io/raw_mri.h"

namespace diffrecon {
namespace {

constexpr const char kWhat[] = "an ISMRMRD (MRD) HDF5 file";
constexpr const char kXml[] = "/dataset/xml";
constexpr const char kData[] = "/dataset/data";
constexpr const char kCsm[] = "/dataset/csm";

// The members of an acquisition's header this reader uses, in native layout (HDF5 converts the file's
// compound to it by member name).
struct Counters {
  uint16_t kspace_encode_step_1, kspace_encode_step_2, average, slice, contrast, phase, repetition, set;
};
struct Head {
  uint64_t flags;
  uint16_t number_of_samples, active_channels, discard_pre, discard_post, center_sample, encoding_space_ref;
  float position[3], read_dir[3], phase_dir[3], slice_dir[3];
  Counters idx;
};

// Acquisitions that are not k-space of the image: skipped.
constexpr ISMRMRD::ISMRMRD_AcquisitionFlags kNotImaging[] = {
    ISMRMRD::ISMRMRD_ACQ_IS_NOISE_MEASUREMENT,
    ISMRMRD::ISMRMRD_ACQ_IS_NAVIGATION_DATA,
    ISMRMRD::ISMRMRD_ACQ_IS_PHASECORR_DATA,
    ISMRMRD::ISMRMRD_ACQ_IS_HPFEEDBACK_DATA,
    ISMRMRD::ISMRMRD_ACQ_IS_DUMMYSCAN_DATA,
    ISMRMRD::ISMRMRD_ACQ_IS_RTFEEDBACK_DATA,
    ISMRMRD::ISMRMRD_ACQ_IS_SURFACECOILCORRECTIONSCAN_DATA,
    ISMRMRD::ISMRMRD_ACQ_IS_PHASE_STABILIZATION_REFERENCE,
    ISMRMRD::ISMRMRD_ACQ_IS_PHASE_STABILIZATION,
};

bool flag(const Head& head, ISMRMRD::ISMRMRD_AcquisitionFlags which) {
  return ISMRMRD::ismrmrd_is_flag_set(head.flags, which);
}

std::string trajectory_name(ISMRMRD::TrajectoryType trajectory) {
  switch (trajectory) {
    case ISMRMRD::TrajectoryType::CARTESIAN:
      return "cartesian";
    case ISMRMRD::TrajectoryType::EPI:
      return "epi";
    case ISMRMRD::TrajectoryType::RADIAL:
      return "radial";
    case ISMRMRD::TrajectoryType::GOLDENANGLE:
      return "goldenangle";
    case ISMRMRD::TrajectoryType::SPIRAL:
      return "spiral";
    default:
      return "other";
  }
}

// ---------------------------------------------------------------------------------------------------
// HDF5 types of the acquisitions

struct Member {
  const char* name;
  size_t offset;
  hid_t type;
};

// The file type's compound member `name` (which must be a compound), for checking nested members.
h5::Handle compound_member(const h5::File& file, hid_t type, const std::string& where, const char* name) {
  const int index = H5Tget_member_index(type, name);
  if (index < 0) file.fail(kData, "expected the ISMRMRD acquisition member " + where + name + ", found none");
  h5::Handle member(H5Tget_member_type(type, static_cast<unsigned>(index)), H5Tclose);
  if (!member.valid()) file.fail_hdf5(kData, "cannot read the type of " + where + name);
  if (H5Tget_class(member.get()) != H5T_COMPOUND)
    file.fail(kData, "expected " + where + name + " to be a compound, found " + h5::type_text(member.get()));
  return member;
}

// A memory compound of `size` bytes with `members`, each of which the file's compound `file_type` must have.
h5::Handle memory_compound(const h5::File& file, hid_t file_type, const std::string& where, size_t size,
                           const std::vector<Member>& members) {
  h5::Handle type(H5Tcreate(H5T_COMPOUND, size), H5Tclose);
  if (!type.valid()) file.fail_hdf5(kData, "cannot create the memory type");
  for (const Member& m : members) {
    if (H5Tget_member_index(file_type, m.name) < 0)
      file.fail(kData, "expected the ISMRMRD acquisition member " + where + m.name + ", found none");
    if (H5Tinsert(type.get(), m.name, m.offset, m.type) < 0)
      file.fail_hdf5(kData, "cannot create the memory type");
  }
  return type;
}

// Memory type {head: Head} for reading every acquisition's header at once (not its samples).
h5::Handle head_record_type(const h5::File& file, hid_t file_type) {
  if (H5Tget_class(file_type) != H5T_COMPOUND)
    file.fail(kData, "expected ISMRMRD acquisitions (a compound {head, traj, data}), found " +
                         h5::type_text(file_type));
  const h5::Handle head = compound_member(file, file_type, "", "head");
  const h5::Handle idx = compound_member(file, head.get(), "head.", "idx");
  const h5::Handle counters =
      memory_compound(file, idx.get(), "head.idx.", sizeof(Counters),
                      {{"kspace_encode_step_1", offsetof(Counters, kspace_encode_step_1), H5T_NATIVE_UINT16},
                       {"kspace_encode_step_2", offsetof(Counters, kspace_encode_step_2), H5T_NATIVE_UINT16},
                       {"average", offsetof(Counters, average), H5T_NATIVE_UINT16},
                       {"slice", offsetof(Counters, slice), H5T_NATIVE_UINT16},
                       {"contrast", offsetof(Counters, contrast), H5T_NATIVE_UINT16},
                       {"phase", offsetof(Counters, phase), H5T_NATIVE_UINT16},
                       {"repetition", offsetof(Counters, repetition), H5T_NATIVE_UINT16},
                       {"set", offsetof(Counters, set), H5T_NATIVE_UINT16}});
  const hsize_t three = 3;
  const h5::Handle vector3(H5Tarray_create2(H5T_NATIVE_FLOAT, 1, &three), H5Tclose);
  if (!vector3.valid()) file.fail_hdf5(kData, "cannot create the memory type");
  const h5::Handle head_type =
      memory_compound(file, head.get(), "head.", sizeof(Head),
                      {{"flags", offsetof(Head, flags), H5T_NATIVE_UINT64},
                       {"number_of_samples", offsetof(Head, number_of_samples), H5T_NATIVE_UINT16},
                       {"active_channels", offsetof(Head, active_channels), H5T_NATIVE_UINT16},
                       {"discard_pre", offsetof(Head, discard_pre), H5T_NATIVE_UINT16},
                       {"discard_post", offsetof(Head, discard_post), H5T_NATIVE_UINT16},
                       {"center_sample", offsetof(Head, center_sample), H5T_NATIVE_UINT16},
                       {"encoding_space_ref", offsetof(Head, encoding_space_ref), H5T_NATIVE_UINT16},
                       {"position", offsetof(Head, position), vector3.get()},
                       {"read_dir", offsetof(Head, read_dir), vector3.get()},
                       {"phase_dir", offsetof(Head, phase_dir), vector3.get()},
                       {"slice_dir", offsetof(Head, slice_dir), vector3.get()},
                       {"idx", offsetof(Head, idx), counters.get()}});
  return memory_compound(file, file_type, "", sizeof(Head), {{"head", 0, head_type.get()}});
}

// How an acquisition's samples are stored: libismrmrd 1.8 writes a variable-length sequence of float32
// (real, imaginary interleaved), later versions one of complex {real, imag}.
struct SampleType {
  h5::Handle record;          // memory type {data: vlen}
  int64_t values_per_sample;  // 2 for floats, 1 for complex
  // Read below HDF5 (h5::RawReader) when the file has the common layout and little-endian float32 samples.
  bool raw = false;
  uint64_t record_bytes = 0;   // one acquisition in the file
  uint64_t data_offset = 0;    // of the member data in it
  uint64_t element_bytes = 0;  // of one element of the sequence
};

// Whether the samples are stored as little-endian float32 (values) or {real, imag} pairs of them, so the
// heap's bytes are the complex64 values as they are in memory on this (little-endian) machine.
bool little_endian_float32(hid_t type) {
  if (H5Tget_class(type) == H5T_FLOAT) return H5Tget_size(type) == 4 && H5Tget_order(type) == H5T_ORDER_LE;
  const auto names = h5::complex_member_names(type);
  if (names.first.empty() || H5Tget_size(type) != 8) return false;
  for (const auto& [name, offset] : {std::pair<std::string, size_t>{names.first, 0}, {names.second, 4}}) {
    const int index = H5Tget_member_index(type, name.c_str());
    h5::Handle member(H5Tget_member_type(type, static_cast<unsigned>(index)), H5Tclose);
    if (H5Tget_member_offset(type, static_cast<unsigned>(index)) != offset || !member.valid() ||
        H5Tget_size(member.get()) != 4 || H5Tget_order(member.get()) != H5T_ORDER_LE)
      return false;
  }
  return true;
}

SampleType sample_record_type(const h5::File& file, hid_t file_type) {
  const int index = H5Tget_member_index(file_type, "data");
  if (index < 0) file.fail(kData, "expected the ISMRMRD acquisition member data, found none");
  const h5::Handle data(H5Tget_member_type(file_type, static_cast<unsigned>(index)), H5Tclose);
  if (!data.valid()) file.fail_hdf5(kData, "cannot read the type of data");
  if (H5Tget_class(data.get()) != H5T_VLEN)
    file.fail(kData, "expected data to be a variable-length sequence of samples, found " +
                         h5::type_text(data.get()));
  const h5::Handle base(H5Tget_super(data.get()), H5Tclose);
  if (!base.valid()) file.fail_hdf5(kData, "cannot read the type of data");
  SampleType result;
  h5::Handle element;
  if (H5Tget_class(base.get()) == H5T_FLOAT) {
    element = h5::Handle(H5Tcopy(H5T_NATIVE_FLOAT), H5Tclose);
    result.values_per_sample = 2;
  } else if (!h5::complex_member_names(base.get()).first.empty()) {
    element = h5::complex64_memory_type(h5::complex_member_names(base.get()));
    result.values_per_sample = 1;
  } else {
    file.fail(kData, "expected data to hold float32 or complex samples, found " + h5::type_text(base.get()));
  }
  const h5::Handle sequence(element.valid() ? H5Tvlen_create(element.get()) : -1, H5Tclose);
  if (!sequence.valid()) file.fail_hdf5(kData, "cannot create the memory type");
  result.record = memory_compound(file, file_type, "", sizeof(hvl_t), {{"data", 0, sequence.get()}});
  // With 8-byte file addresses a sequence takes 16 bytes in the file as in memory, so the compound's
  // offsets and size are those of the file.
  result.raw = little_endian_float32(base.get()) && H5Tget_order(H5T_NATIVE_FLOAT) == H5T_ORDER_LE;
  result.record_bytes = H5Tget_size(file_type);
  result.data_offset = H5Tget_member_offset(file_type, static_cast<unsigned>(index));
  result.element_bytes = H5Tget_size(base.get());
  return result;
}

// Reads acquisition `index`'s samples (`expected` values of the sample type) into `out` as complex64
// pairs, [channels][samples] as ISMRMRD stores them: from the file's bytes when `raw` can, else through
// HDF5.
void read_samples(const h5::File& file, const h5::RawReader& raw, const h5::Dataset& acquisitions,
                  const SampleType& type, int64_t index, int64_t expected, float* out) {
  const std::string field = std::string(kData) + "[" + std::to_string(index) + "]";
  uint64_t address = 0;
  if (type.raw && raw.usable() &&
      raw.element_address(field, acquisitions, index, type.record_bytes, &address)) {
    const std::string descriptor = raw.bytes(field, address + type.data_offset, 16);
    uint64_t found = 0;
    const std::string values = raw.sequence(field, descriptor.data(), type.element_bytes, &found);
    if (found != static_cast<uint64_t>(expected))
      file.fail(field, std::string("data: expected number_of_samples · active_channels") +
                           (type.values_per_sample == 2 ? " · 2" : "") + " = " + std::to_string(expected) +
                           " values, found " + std::to_string(found));
    std::memcpy(out, values.data(), values.size());
    return;
  }
  hvl_t record{0, nullptr};
  file.read_selection(kData, acquisitions, type.record.get(), {index}, {1}, &record);
  const size_t length = record.len;
  if (length == static_cast<size_t>(expected) && record.p)
    std::memcpy(out, record.p, static_cast<size_t>(expected) * (type.values_per_sample == 2 ? 4 : 8));
  const hsize_t one = 1;
  const h5::Handle space(H5Screate_simple(1, &one, nullptr), H5Sclose);
#if H5_VERSION_GE(1, 12, 0)
  if (space.valid()) H5Treclaim(type.record.get(), space.get(), H5P_DEFAULT, &record);
#else
  if (space.valid()) H5Dvlen_reclaim(type.record.get(), space.get(), H5P_DEFAULT, &record);
#endif
  if (length != static_cast<size_t>(expected))
    file.fail(std::string(kData) + "[" + std::to_string(index) + "]",
              std::string("data: expected number_of_samples · active_channels") +
                  (type.values_per_sample == 2 ? " · 2" : "") + " = " + std::to_string(expected) +
                  " values, found " + std::to_string(length));
}

// ---------------------------------------------------------------------------------------------------
// Geometry

using Vector = std::array<double, 3>;

Vector to_vector(const float v[3]) { return {v[0], v[1], v[2]}; }
double dot(const Vector& a, const Vector& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vector scaled(const Vector& a, double s) { return {a[0] * s, a[1] * s, a[2] * s}; }
Vector plus(const Vector& a, const Vector& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
Vector cross(const Vector& a, const Vector& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

// The acquisition's read, phase and slice directions made exactly orthonormal (they are float32 in the
// file); false when they are missing (zero) or far from orthonormal. A missing slice direction is
// read × phase.
bool orthonormal_frame(const Head& head, std::array<Vector, 3>& frame) {
  Vector read = to_vector(head.read_dir), phase = to_vector(head.phase_dir),
         slice = to_vector(head.slice_dir);
  const double tolerance = 1e-3;
  if (std::abs(std::sqrt(dot(read, read)) - 1) > tolerance ||
      std::abs(std::sqrt(dot(phase, phase)) - 1) > tolerance || std::abs(dot(read, phase)) > tolerance)
    return false;
  read = scaled(read, 1 / std::sqrt(dot(read, read)));
  phase = plus(phase, scaled(read, -dot(phase, read)));
  phase = scaled(phase, 1 / std::sqrt(dot(phase, phase)));
  if (std::abs(std::sqrt(dot(slice, slice)) - 1) <= tolerance && std::abs(dot(slice, read)) <= tolerance &&
      std::abs(dot(slice, phase)) <= tolerance) {
    slice = plus(slice, plus(scaled(read, -dot(slice, read)), scaled(phase, -dot(slice, phase))));
    slice = scaled(slice, 1 / std::sqrt(dot(slice, slice)));
  } else if (dot(slice, slice) == 0) {
    slice = cross(read, phase);
  } else {
    return false;
  }
  frame = {read, phase, slice};
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Reading

// Where acquisition lines go: the encode step shifted so that the header's encoding-limit centre lands on
// the matrix centre (partial Fourier acquisitions start above 0), as Gadgetron and fastMRI place them.
int64_t line_offset(const ISMRMRD::Optional<ISMRMRD::Limit>& limit, int64_t size) {
  return limit ? size / 2 - static_cast<int64_t>(limit->center) : 0;
}

struct Line {
  int64_t index;   // in /dataset/data
  int64_t z, y;    // z: kz (3D) or slice index (2D, renumbered later)
  int64_t offset;  // of the first kept sample along the encoded readout
};

Measurement read(const std::string& path) {
  h5::File file(path, kWhat);
  const h5::Handle group = file.open_object("/dataset", "dataset", H5I_GROUP, file.root());

  // ----- header
  const h5::Dataset xml =
      file.open_dataset(kXml, "xml", group.get(), {0, 1}, "the ISMRMRD XML header (a string)");
  const ISMRMRD::IsmrmrdHeader header =
      raw_mri::parse_header(file, kXml, file.read_text(kXml, xml, raw_mri::kMaxHeaderBytes));
  const ISMRMRD::Encoding& encoding = header.encoding[0];
  if (encoding.trajectory != ISMRMRD::TrajectoryType::CARTESIAN)
    file.fail(kXml,
              "encoding/trajectory: expected cartesian (the only trajectory this reader supports), found " +
                  trajectory_name(encoding.trajectory));
  const ISMRMRD::EncodingSpace& encoded = encoding.encodedSpace;
  const int64_t nx =
      raw_mri::matrix_size(file, kXml, "encoding/encodedSpace/matrixSize/x", encoded.matrixSize.x);
  const int64_t ny =
      raw_mri::matrix_size(file, kXml, "encoding/encodedSpace/matrixSize/y", encoded.matrixSize.y);
  const int64_t nz =
      raw_mri::matrix_size(file, kXml, "encoding/encodedSpace/matrixSize/z", encoded.matrixSize.z);
  const int64_t recon_nx =
      raw_mri::matrix_size(file, kXml, "encoding/reconSpace/matrixSize/x", encoding.reconSpace.matrixSize.x);
  if (recon_nx > nx)
    file.fail(kXml, "encoding/reconSpace/matrixSize/x: expected at most encodedSpace/matrixSize/x (" +
                        std::to_string(nx) + "), found " + std::to_string(recon_nx));
  const int64_t recon_nz =
      raw_mri::matrix_size(file, kXml, "encoding/reconSpace/matrixSize/z", encoding.reconSpace.matrixSize.z);
  // k-space samples are 1/FOV apart: the image's pixel pitch is the encoded field of view over the encoded
  // matrix, kept when the readout oversampling is cropped.
  const double dx =
      raw_mri::field_of_view(file, kXml, "encoding/encodedSpace/fieldOfView_mm/x", encoded.fieldOfView_mm.x) /
      static_cast<double>(nx);
  const double dy =
      raw_mri::field_of_view(file, kXml, "encoding/encodedSpace/fieldOfView_mm/y", encoded.fieldOfView_mm.y) /
      static_cast<double>(ny);
  const bool three_d = nz > 1;
  const double dz = three_d ? raw_mri::field_of_view(file, kXml, "encoding/encodedSpace/fieldOfView_mm/z",
                                                     encoded.fieldOfView_mm.z) /
                                  static_cast<double>(nz)
                            : raw_mri::field_of_view(file, kXml, "encoding/reconSpace/fieldOfView_mm/z",
                                                     encoding.reconSpace.fieldOfView_mm.z) /
                                  static_cast<double>(recon_nz);
  const int64_t y_offset = line_offset(encoding.encodingLimits.kspace_encoding_step_1, ny);
  const int64_t z_offset = three_d ? line_offset(encoding.encodingLimits.kspace_encoding_step_2, nz) : 0;
  bool separate_calibration = false;
  if (encoding.parallelImaging && encoding.parallelImaging->calibrationMode) {
    const std::string& mode = *encoding.parallelImaging->calibrationMode;
    separate_calibration = mode == "separate" || mode == "external";
  }

  // ----- acquisition headers (not their samples)
  const h5::Dataset acquisitions =
      file.open_dataset(kData, "data", group.get(), {1}, "the acquisitions (a 1-D compound dataset)");
  const h5::Handle head_type = head_record_type(file, acquisitions.type.get());
  const SampleType sample_type = sample_record_type(file, acquisitions.type.get());
  file.check_stored(kData, acquisitions);
  const int64_t count = acquisitions.shape[0];
  std::vector<Head> heads(static_cast<size_t>(count));
  file.read_selection(kData, acquisitions, head_type.get(), {0}, {count}, heads.data());

  // ----- which acquisitions, and where their lines go
  std::vector<Line> lines;
  int64_t coils = 0;
  double sample_bytes = 0;
  std::map<int64_t, const Head*> slices;  // slice index → its first acquisition (2D)
  for (int64_t i = 0; i < count; ++i) {
    const Head& h = heads[static_cast<size_t>(i)];
    const std::string field = std::string(kData) + "[" + std::to_string(i) + "]";
    if (std::any_of(std::begin(kNotImaging), std::end(kNotImaging), [&](auto f) { return flag(h, f); }))
      continue;
    if (separate_calibration && flag(h, ISMRMRD::ISMRMRD_ACQ_IS_PARALLEL_CALIBRATION) &&
        !flag(h, ISMRMRD::ISMRMRD_ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING))
      continue;
    if (h.encoding_space_ref != 0 || h.idx.contrast != 0 || h.idx.phase != 0 || h.idx.set != 0 ||
        h.idx.repetition != 0)
      continue;
    if (h.active_channels < 1) file.fail(field, "head.active_channels: expected ≥ 1, found 0");
    if (coils == 0) coils = h.active_channels;
    if (h.active_channels != coils)
      file.fail(field, "head.active_channels: expected " + std::to_string(coils) +
                           " like the first imaging acquisition, found " + std::to_string(h.active_channels));
    if (three_d && h.idx.slice != 0)
      file.fail(field,
                "head.idx.slice: expected 0 in a 3D acquisition (multi-slab data are not supported), found " +
                    std::to_string(h.idx.slice));
    const int64_t samples = h.number_of_samples, kept = samples - h.discard_pre - h.discard_post;
    if (kept < 1)
      file.fail(field, "head.number_of_samples: expected more than discard_pre + discard_post (" +
                           std::to_string(h.discard_pre + h.discard_post) + "), found " +
                           std::to_string(samples));
    // The k-space centre (center_sample, counted before discarding) goes to the matrix centre nx / 2;
    // without a centre sample the kept samples are centred.
    const int64_t offset = h.center_sample > 0 ? nx / 2 - (h.center_sample - h.discard_pre) : (nx - kept) / 2;
    if (offset < 0 || offset + kept > nx)
      file.fail(field, "head.number_of_samples: expected the " + std::to_string(kept) +
                           " samples kept, centred on center_sample " + std::to_string(h.center_sample) +
                           ", to fit encodedSpace/matrixSize/x (" + std::to_string(nx) + ")");
    const int64_t y = h.idx.kspace_encode_step_1 + y_offset;
    if (y < 0 || y >= ny)
      file.fail(field, "head.idx.kspace_encode_step_1: expected a line of encodedSpace/matrixSize/y (" +
                           std::to_string(ny) + ", encoding-limit centre at " +
                           std::to_string(ny / 2 - y_offset) + "), found " +
                           std::to_string(h.idx.kspace_encode_step_1));
    int64_t z = h.idx.slice;
    if (three_d) {
      z = h.idx.kspace_encode_step_2 + z_offset;
      if (z < 0 || z >= nz)
        file.fail(field,
                  "head.idx.kspace_encode_step_2: expected a partition of encodedSpace/matrixSize/z (" +
                      std::to_string(nz) + ", encoding-limit centre at " + std::to_string(nz / 2 - z_offset) +
                      "), found " + std::to_string(h.idx.kspace_encode_step_2));
    } else {
      slices.emplace(z, &h);
    }
    sample_bytes += 8.0 * samples * h.active_channels;
    lines.push_back({i, z, y, offset});
  }
  if (lines.empty())
    file.fail(kData,
              "expected at least one imaging acquisition (encoding 0, first contrast, phase, set and "
              "repetition), found none among " +
                  std::to_string(count));
  // Every sample is stored in the file (variable-length data are never compressed): a file shorter than
  // the samples its headers declare is truncated, and nothing is allocated for them.
  if (file.size() > 0 && sample_bytes > static_cast<double>(file.size()))
    file.fail(kData, "the acquisition headers declare " + raw_mri::number_text(sample_bytes) +
                         " bytes of samples, the file has " + std::to_string(file.size()) + " (truncated?)");

  // ----- slices (2D): ordered along the slice direction when the positions say where they are
  const Head& first = heads[static_cast<size_t>(lines.front().index)];
  std::array<Vector, 3> frame;
  const bool oriented = orthonormal_frame(first, frame);
  std::map<int64_t, int64_t> slice_z;  // slice index → Z
  double slice_spacing = dz;
  Vector first_slice_position = to_vector(first.position);
  if (!three_d) {
    std::vector<std::pair<double, int64_t>> along;  // position along the slice direction, slice index
    for (const auto& [index, head] : slices)
      along.emplace_back(
          oriented ? dot(plus(to_vector(head->position), scaled(to_vector(first.position), -1)), frame[2])
                   : 0.0,
          index);
    std::sort(along.begin(), along.end());
    bool distinct = oriented;
    for (size_t i = 1; i < along.size(); ++i)
      distinct = distinct && along[i].first - along[i - 1].first > 1e-3;
    if (!distinct)
      std::sort(along.begin(), along.end(), [](auto& a, auto& b) { return a.second < b.second; });
    for (size_t i = 0; i < along.size(); ++i) slice_z[along[i].second] = static_cast<int64_t>(i);
    if (distinct && along.size() > 1)
      slice_spacing = (along.back().first - along.front().first) / static_cast<double>(along.size() - 1);
    first_slice_position = to_vector(slices.at(along.front().second)->position);
  }
  const int64_t depth = three_d ? nz : static_cast<int64_t>(slice_z.size());

  // ----- samples: each line zero-filled to the encoded readout, oversampling cropped, accumulated
  raw_mri::check_elements(file, kData, {coils, depth, ny, recon_nx}, "k-space without readout oversampling");
  Measurement m;
  m.data = torch::zeros({coils, depth, ny, recon_nx}, torch::kComplexFloat);
  torch::Tensor hits = torch::zeros({depth, ny}, torch::kInt);
  int32_t* hit = hits.data_ptr<int32_t>();
  torch::Tensor line = torch::empty({coils, nx}, torch::kComplexFloat);
  std::vector<float> samples;
  const h5::RawReader raw(file);
  for (const Line& l : lines) {
    const Head& h = heads[static_cast<size_t>(l.index)];
    const int64_t n = h.number_of_samples, kept = n - h.discard_pre - h.discard_post;
    samples.resize(static_cast<size_t>(2 * n * coils));
    read_samples(file, raw, acquisitions, sample_type, l.index,
                 n * coils * (sample_type.values_per_sample == 2 ? 2 : 1), samples.data());
    line.zero_();
    auto* out = reinterpret_cast<float*>(line.data_ptr<c10::complex<float>>());
    const bool reverse = flag(h, ISMRMRD::ISMRMRD_ACQ_IS_REVERSE);
    for (int64_t c = 0; c < coils; ++c)
      for (int64_t s = 0; s < kept; ++s) {
        const int64_t from = c * n + h.discard_pre + (reverse ? kept - 1 - s : s);
        const int64_t to = c * nx + l.offset + s;
        out[2 * to] = samples[static_cast<size_t>(2 * from)];
        out[2 * to + 1] = samples[static_cast<size_t>(2 * from + 1)];
      }
    const int64_t z = three_d ? l.z : slice_z.at(l.z);
    m.data.select(1, z).select(1, l.y).add_(crop_readout(line, 1, recon_nx));
    ++hit[z * ny + l.y];
  }
  // Averages (and any line acquired twice) are averaged.
  const torch::Tensor repeats = hits.clamp_min(1).to(torch::kFloat).view({1, depth, ny, 1});
  if (hits.max().item<int32_t>() > 1) m.data.div_(repeats);
  m.arrays["mask"] = (hits > 0).to(torch::kFloat).view({depth, ny, 1});
  m.parameters["fft_dims"] = three_d ? 3 : 2;

  // ----- coil sensitivities stored by ismrmrd_generate_cartesian_shepp_logan (an NDArray (x, y[, z], coils))
  if (file.exists(kCsm, "csm", group.get())) {
    const h5::Dataset csm = file.open_dataset(kCsm, "csm", group.get(), {4, 5},
                                              "coil sensitivities [1, coils, Y, X] or [1, coils, Z, Y, X]");
    std::vector<int64_t> expected = {1, coils, depth, ny, recon_nx};
    if (csm.shape.size() == 4) expected.erase(expected.begin() + 2);
    if (csm.shape != expected || (csm.shape.size() == 4 && depth != 1))
      file.fail(kCsm, "expected coil sensitivities of the reconstruction's shape " +
                          h5::shape_text(expected) + " (an NDArray (x, y" + (depth > 1 ? ", z" : "") +
                          ", coils)), found " + h5::shape_text(csm.shape));
    file.check_stored(kCsm, csm);
    torch::Tensor maps = file.read_complex(kCsm, csm, std::vector<int64_t>(csm.shape.size(), 0), csm.shape)
                             .view({coils, depth, ny, recon_nx});
    if (!three_d) {  // the NDArray's z follows the slice index; Z follows the positions
      std::vector<int64_t> order(static_cast<size_t>(depth));
      int64_t k = 0;
      for (const auto& [index, z] : slice_z) order[static_cast<size_t>(z)] = k++;
      maps = maps.index_select(1, torch::tensor(order, torch::kLong));
    }
    m.arrays["coil_maps"] = maps.contiguous();
  }

  // ----- geometry. ISMRMRD positions and directions are in the scanner's patient coordinate system,
  // DICOM's LPS, as diffrecon's. position is the centre of the field of view (of the slice, for 2D), which
  // with the image centred at index (n − 1) / 2 puts voxel 0 at position − Σ (n − 1) / 2 · spacing · axis.
  m.geometry.spacing = {dx, dy, three_d ? dz : slice_spacing};
  const double extent[3] = {static_cast<double>(recon_nx - 1) / 2, static_cast<double>(ny - 1) / 2,
                            three_d ? static_cast<double>(nz - 1) / 2 : 0.0};
  if (oriented) {
    for (int row = 0; row < 3; ++row)
      for (int column = 0; column < 3; ++column) m.geometry.direction[3 * row + column] = frame[column][row];
    Vector origin = three_d ? to_vector(first.position) : first_slice_position;
    for (int axis = 0; axis < 3; ++axis)
      origin = plus(origin, scaled(frame[axis], -extent[axis] * m.geometry.spacing[axis]));
    m.geometry.origin = origin;
  } else {  // no directions in the file: identity direction, the volume centred on (0, 0, 0)
    const int64_t sizes[3] = {recon_nx, ny, depth};
    for (int axis = 0; axis < 3; ++axis)
      m.geometry.origin[axis] = -0.5 * static_cast<double>(sizes[axis] - 1) * m.geometry.spacing[axis];
  }
  raw_mri::finish(file, m);
  return m;
}

}  // namespace

Measurement read_ismrmrd(const std::string& path) {
  const h5::Session session;
  return raw_mri::guarded(path, [&] { return read(path); });
}

bool is_ismrmrd_file(const std::string& path) {
  try {
    const h5::Session session;
    return h5::File::has_object(path, {"dataset", "data"}, H5I_DATASET) ||
           h5::File::has_object(path, {"dataset", "xml"}, H5I_DATASET);
  } catch (...) {
    return false;
  }
}

}  // namespace diffrecon
