// fastMRI HDF5 files (facebookresearch/fastMRI: fastmri/data/mri_data.py, fastmri/data/transforms.py).
//
// kspace [slices, coils, H, W] (or [slices, H, W]): H, the rows, is the readout (kx, oversampled ×2, e.g.
// 640) and W, the columns, the phase encode (ky). fastMRI reconstructs ifft2c over (H, W) and centre-crops
// the image to the header's reconSpace matrix. Here the readout is cropped the same way (in image space,
// along H only) and the axes are kept: data [coils, Z = slices, Y = rows, X = columns].

#include <hdf5.h>
#include <torch/types.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/io/internal/centred_fft.h"
#include "data/io/internal/hdf5_reading.h"
#include "data/io/internal/raw_mri_common.h"
#include "data/io/raw_mri.h"

namespace diffrecon {
namespace {

constexpr const char kWhat[] = "a fastMRI HDF5 file";

// The raw k-space may be twice the measurement's size before the readout is cropped.
constexpr int64_t kMaxRawElements = int64_t{1} << 32;

// The XML header: fastMRI stores it as the dataset "ismrmrd_header"; a root attribute of that name is
// accepted too.
std::string read_header_text(const h5::File& file) {
  const std::string field = "/ismrmrd_header";
  if (file.exists(field, "ismrmrd_header", file.root())) {
    const h5::Dataset header =
        file.open_dataset(field, "ismrmrd_header", file.root(), {0, 1}, "the ISMRMRD XML header (a string)");
    return file.read_text(field, header, raw_mri::kMaxHeaderBytes);
  }
  const htri_t attribute = H5Aexists(file.root(), "ismrmrd_header");
  if (attribute < 0) file.fail_hdf5(field, "cannot look the attribute up");
  if (attribute == 0) file.fail(field, "expected the ISMRMRD XML header (a string dataset), found none");
  h5::Handle a(H5Aopen(file.root(), "ismrmrd_header", H5P_DEFAULT), H5Aclose);
  h5::Handle type(a.valid() ? H5Aget_type(a.get()) : -1, H5Tclose);
  h5::Handle space(a.valid() ? H5Aget_space(a.get()) : -1, H5Sclose);
  if (!a.valid() || !type.valid() || !space.valid()) file.fail_hdf5(field, "cannot open the attribute");
  if (H5Tget_class(type.get()) != H5T_STRING)
    file.fail(field, "expected a string, found " + h5::type_text(type.get()));
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count != 1) file.fail(field, "expected a single string, found " + std::to_string(count));
  const htri_t variable = H5Tis_variable_str(type.get());
  if (variable < 0) file.fail_hdf5(field, "cannot read the string type");
  const std::string too_long =
      "expected at most " + std::to_string(raw_mri::kMaxHeaderBytes) + " bytes of text, found more";
  std::string text;
  if (variable) {
    h5::Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
    char* value = nullptr;
    if (!memory.valid() || H5Tset_size(memory.get(), H5T_VARIABLE) < 0 ||
        H5Aread(a.get(), memory.get(), &value) < 0)
      file.fail_hdf5(field, "cannot read the string");
    if (value) {
      text.assign(value, strnlen(value, raw_mri::kMaxHeaderBytes + 1));
      H5free_memory(value);
    }
  } else {
    const size_t size = H5Tget_size(type.get());
    if (size == 0 || size > raw_mri::kMaxHeaderBytes) file.fail(field, too_long);
    std::vector<char> buffer(size + 1, '\0');
    if (H5Aread(a.get(), type.get(), buffer.data()) < 0) file.fail_hdf5(field, "cannot read the string");
    text.assign(buffer.data(), strnlen(buffer.data(), size));
  }
  if (text.size() > raw_mri::kMaxHeaderBytes) file.fail(field, too_long);
  return text;
}

Measurement read(const std::string& path) {
  h5::File file(path, kWhat);
  const hid_t root = file.root();

  // ----- k-space: shape and type only, nothing allocated yet
  const std::string kfield = "/kspace";
  const std::string kexpected =
      "complex64 [slices, coils, rows, cols] (multi-coil) or [slices, rows, cols] (single-coil)";
  const h5::Dataset kspace = file.open_dataset(kfield, "kspace", root, {3, 4}, kexpected, kMaxRawElements);
  if (h5::complex_member_names(kspace.type.get()).first.empty())
    file.fail(kfield, "expected " + kexpected + ", found " + h5::type_text(kspace.type.get()) + " elements");
  file.check_stored(kfield, kspace);
  const bool multi_coil = kspace.shape.size() == 4;
  const int64_t slices = kspace.shape[0];
  const int64_t coils = multi_coil ? kspace.shape[1] : 1;
  const int64_t rows = kspace.shape[multi_coil ? 2 : 1];  // readout, oversampled
  const int64_t cols = kspace.shape[multi_coil ? 3 : 2];  // phase encode

  // ----- header: the reconstruction's readout size and the geometry
  const std::string hfield = "/ismrmrd_header";
  const ISMRMRD::IsmrmrdHeader header = raw_mri::parse_header(file, hfield, read_header_text(file));
  const ISMRMRD::Encoding& encoding = header.encoding[0];
  const int64_t recon_rows = raw_mri::matrix_size(file, hfield, "encoding/reconSpace/matrixSize/x",
                                                  encoding.reconSpace.matrixSize.x);
  if (recon_rows > rows)
    file.fail(hfield, "encoding/reconSpace/matrixSize/x: expected at most the " + std::to_string(rows) +
                          " readout samples (rows) of /kspace, found " + std::to_string(recon_rows));
  const int64_t recon_slices = raw_mri::matrix_size(file, hfield, "encoding/reconSpace/matrixSize/z",
                                                    encoding.reconSpace.matrixSize.z);
  // k-space samples are 1/FOV apart, so the image's pixel pitch is the encoded field of view over the
  // number of samples; cropping the readout keeps the pitch. The slice thickness is the reconstruction's
  // field of view z: encodedSpace z can be larger (7.5 mm against a reconSpace 5 mm in a fastMRI brain
  // header, whose protocol has 5 mm slices).
  const double readout_fov = raw_mri::field_of_view(file, hfield, "encoding/encodedSpace/fieldOfView_mm/x",
                                                    encoding.encodedSpace.fieldOfView_mm.x);
  const double phase_fov = raw_mri::field_of_view(file, hfield, "encoding/encodedSpace/fieldOfView_mm/y",
                                                  encoding.encodedSpace.fieldOfView_mm.y);
  const double thickness = raw_mri::field_of_view(file, hfield, "encoding/reconSpace/fieldOfView_mm/z",
                                                  encoding.reconSpace.fieldOfView_mm.z) /
                           static_cast<double>(recon_slices);

  // ----- mask: the file's, or the columns holding any non-zero value
  torch::Tensor file_mask;
  if (file.exists("/mask", "mask", root)) {
    const h5::Dataset mask =
        file.open_dataset("/mask", "mask", root, {1}, "[cols] (0 or 1 per k-space column)");
    if (mask.shape[0] != cols)
      file.fail("/mask", "expected one value per k-space column of /kspace (" + std::to_string(cols) +
                             "), found " + std::to_string(mask.shape[0]));
    file.check_stored("/mask", mask);
    const std::vector<double> values = file.read_numbers("/mask", mask);
    file_mask = torch::empty({1, cols}, torch::kFloat);
    float* out = file_mask.data_ptr<float>();
    for (int64_t i = 0; i < cols; ++i) {
      const double v = values[static_cast<size_t>(i)];
      if (v != 0 && v != 1)
        file.fail("/mask",
                  "expected values 0 or 1, found " + raw_mri::number_text(v) + " at " + std::to_string(i));
      out[i] = static_cast<float>(v);
    }
  }

  // ----- the k-space, slice by slice, with the readout cropped
  raw_mri::check_elements(file, kfield, {coils, slices, recon_rows, cols},
                          "k-space without readout oversampling");
  raw_mri::check_elements(file, kfield, {coils, rows, cols}, "k-space of one slice");
  Measurement m;
  m.data = torch::empty({coils, slices, recon_rows, cols}, torch::kComplexFloat);
  torch::Tensor sampled = torch::zeros({cols}, torch::kBool);
  for (int64_t s = 0; s < slices; ++s) {
    std::vector<int64_t> start(kspace.shape.size(), 0), count = kspace.shape;
    start[0] = s;
    count[0] = 1;
    const torch::Tensor slice = file.read_complex(kfield, kspace, start, count).view({coils, rows, cols});
    if (!file_mask.defined()) sampled |= (slice != 0).any(1).any(0);
    m.data.select(1, s).copy_(crop_readout(slice, 1, recon_rows));
  }
  m.arrays["mask"] = file_mask.defined() ? file_mask : sampled.to(torch::kFloat).view({1, cols});
  m.parameters["fft_dims"] = 2;

  // fastMRI files carry no patient position or orientation: identity direction, volume centred on the origin.
  m.geometry.spacing = {phase_fov / static_cast<double>(cols), readout_fov / static_cast<double>(rows),
                        thickness};
  const int64_t sizes[3] = {cols, recon_rows, slices};
  for (int i = 0; i < 3; ++i)
    m.geometry.origin[i] = -0.5 * static_cast<double>(sizes[i] - 1) * m.geometry.spacing[i];
  raw_mri::finish(file, m);
  return m;
}

}  // namespace

Measurement read_fastmri(const std::string& path) {
  const h5::Session session;
  return raw_mri::guarded(path, [&] { return read(path); });
}

torch::Tensor read_fastmri_reference(const std::string& path) {
  const h5::Session session;
  return raw_mri::guarded(path, [&] {
    h5::File file(path, kWhat);
    const std::string field = "/reconstruction_rss";
    if (!file.exists(field, "reconstruction_rss", file.root())) return torch::Tensor();
    const h5::Dataset d = file.open_dataset(field, "reconstruction_rss", file.root(), {3}, "float32 [slices, rows, cols]",
                                            kMaxRawElements);
    if (H5Tget_class(d.type.get()) != H5T_FLOAT)
      file.fail(field, "expected float32 [slices, rows, cols], found " + h5::type_text(d.type.get()) + " elements");
    file.check_stored(field, d);
    const std::vector<double> values = file.read_numbers(field, d);
    for (const double v : values)
      if (!std::isfinite(v)) file.fail(field, "expected finite values");
    return torch::tensor(values, torch::kDouble).view({d.shape[0], d.shape[1], d.shape[2]}).to(torch::kFloat);
  });
}

bool is_fastmri_file(const std::string& path) {
  try {
    const h5::Session session;
    return h5::File::has_object(path, {"kspace"}, H5I_DATASET);
  } catch (...) {
    return false;
  }
}

}  // namespace diffrecon
