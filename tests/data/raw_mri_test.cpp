#include "data/io/raw_mri.h"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <ismrmrd/dataset.h>
#include <ismrmrd/ismrmrd.h>
#include <ismrmrd/xml.h>
#include <sys/stat.h>
#include <torch/fft.h>
#include <torch/types.h>
#include <unistd.h>

#include <cmath>
#include <complex>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "testing/scratch_directory.h"

namespace diffrecon {
namespace {

namespace fs = std::filesystem;
using torch::indexing::Slice;

// ---------------------------------------------------------------------------------------------------
// Helpers: centred orthonormal FFTs, image comparisons, files

torch::Tensor cfft(const torch::Tensor& x, std::vector<int64_t> dims) {
  return torch::fft::fftshift(torch::fft::fftn(torch::fft::ifftshift(x, dims), c10::nullopt, dims, "ortho"),
                              dims);
}
torch::Tensor cifft(const torch::Tensor& k, std::vector<int64_t> dims) {
  return torch::fft::fftshift(torch::fft::ifftn(torch::fft::ifftshift(k, dims), c10::nullopt, dims, "ortho"),
                              dims);
}

// Σ conj(S_c) x_c / Σ |S_c|² over dim 0.
torch::Tensor sense_combine(const torch::Tensor& coil_images, const torch::Tensor& maps) {
  return (maps.conj() * coil_images).sum(0) / (maps.abs().square().sum(0));
}

// ‖α x − reference‖² / ‖reference‖² with the best complex scale α.
double nmse_up_to_scale(const torch::Tensor& x, const torch::Tensor& reference) {
  const torch::Tensor a = x.to(torch::kComplexDouble).flatten(),
                      b = reference.to(torch::kComplexDouble).flatten();
  const torch::Tensor alpha = (a.conj() * b).sum() / (a.conj() * a).sum();
  return ((alpha * a - b).abs().square().sum() / b.abs().square().sum()).item<double>();
}

// |<x, reference>| / (‖x‖ ‖reference‖).
double correlation(const torch::Tensor& x, const torch::Tensor& reference) {
  const torch::Tensor a = x.to(torch::kComplexDouble).flatten(),
                      b = reference.to(torch::kComplexDouble).flatten();
  return ((a.conj() * b).sum().abs() / (a.norm() * b.norm())).item<double>();
}

double max_relative_difference(const torch::Tensor& actual, const torch::Tensor& expected) {
  return ((actual.to(torch::kComplexDouble) - expected.to(torch::kComplexDouble)).abs().max() /
          expected.abs().max().to(torch::kDouble))
      .item<double>();
}

// Smooth complex coil sensitivities [coils, ...shape] on a grid spanning [−1, 1] along each axis.
torch::Tensor coil_maps(int64_t coils, int64_t ny, int64_t nx, int64_t nz = 0) {
  const auto options = torch::TensorOptions().dtype(torch::kDouble);
  torch::Tensor y = torch::linspace(-1, 1, ny, options).view({ny, 1}),
                x = torch::linspace(-1, 1, nx, options).view({1, nx});
  if (nz > 0) {
    y = y.view({1, ny, 1});
    x = x.view({1, 1, nx});
  }
  std::vector<torch::Tensor> maps;
  for (int64_t c = 0; c < coils; ++c) {
    const double angle = 2 * M_PI * static_cast<double>(c) / static_cast<double>(coils) + 0.3;
    torch::Tensor weight =
        torch::exp(-(x - std::cos(angle)).square() / 2 - (y - std::sin(angle)).square() / 2);
    torch::Tensor phase = 0.7 * x - 0.4 * y + 0.5 * static_cast<double>(c);
    if (nz > 0) {
      const torch::Tensor z = torch::linspace(-1, 1, nz, options).view({nz, 1, 1});
      weight = weight * (1.2 + 0.3 * z * static_cast<double>(c % 2 ? 1 : -1));
      phase = phase + 0.2 * z;
    }
    maps.push_back(torch::polar(
        weight.expand(nz > 0 ? std::vector<int64_t>{nz, ny, nx} : std::vector<int64_t>{ny, nx}).contiguous(),
        phase.expand(nz > 0 ? std::vector<int64_t>{nz, ny, nx} : std::vector<int64_t>{ny, nx}).contiguous()));
  }
  return torch::stack(maps);
}

std::string read_bytes(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void write_bytes(const std::string& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

template <typename F>
void expect_io_error(F&& read, const std::string& file, const std::string& phrase) {
  try {
    read();
    ADD_FAILURE() << file << ": read without error (expected \"" << phrase << "\")";
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(file + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(phrase), std::string::npos) << message;
  }
}

// An HDF5 identifier closed at the end of its scope.
class Id {
 public:
  Id(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}
  ~Id() {
    if (id_ >= 0) closer_(id_);
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*closer_)(hid_t);
};

// Writes a complex64 tensor as h5py (and fastMRI) do: compound {r, i} of float32.
void write_complex(hid_t file, const char* name, const torch::Tensor& values) {
  const torch::Tensor v = values.to(torch::kComplexFloat).contiguous();
  Id type(H5Tcreate(H5T_COMPOUND, 8), H5Tclose);
  H5Tinsert(type.get(), "r", 0, H5T_NATIVE_FLOAT);
  H5Tinsert(type.get(), "i", 4, H5T_NATIVE_FLOAT);
  const std::vector<hsize_t> dims(v.sizes().begin(), v.sizes().end());
  Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Id dataset(H5Dcreate2(file, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
  ASSERT_GE(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data_ptr()), 0);
}

void write_floats(hid_t file, const char* name, const torch::Tensor& values) {
  const torch::Tensor v = values.to(torch::kFloat).contiguous();
  const std::vector<hsize_t> dims(v.sizes().begin(), v.sizes().end());
  Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Id dataset(H5Dcreate2(file, name, H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
  ASSERT_GE(H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data_ptr()), 0);
}

// A scalar string dataset: variable-length (h5py's str) or fixed-length NUL-padded (h5py's bytes).
void write_text(hid_t file, const char* name, const std::string& text, bool variable) {
  Id type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), variable ? H5T_VARIABLE : text.size());
  H5Tset_strpad(type.get(), variable ? H5T_STR_NULLTERM : H5T_STR_NULLPAD);
  Id space(H5Screate(H5S_SCALAR), H5Sclose);
  Id dataset(H5Dcreate2(file, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
  const char* value = text.c_str();
  ASSERT_GE(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                     variable ? static_cast<const void*>(&value) : static_cast<const void*>(value)),
            0);
}

// A boolean array as h5py stores NumPy bool: an enum {FALSE = 0, TRUE = 1} over int8.
void write_bools(hid_t file, const char* name, const std::vector<int8_t>& values) {
  Id type(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose);
  const int8_t no = 0, yes = 1;
  H5Tenum_insert(type.get(), "FALSE", &no);
  H5Tenum_insert(type.get(), "TRUE", &yes);
  const hsize_t size = values.size();
  Id space(H5Screate_simple(1, &size, nullptr), H5Sclose);
  Id dataset(H5Dcreate2(file, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
  ASSERT_GE(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
}

// A complex dataset of an ISMRMRD file ({real, imag}), e.g. /dataset/phantom.
torch::Tensor read_ismrmrd_complex(const std::string& path, const char* name) {
  Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  Id dataset(H5Dopen2(file.get(), name, H5P_DEFAULT), H5Dclose);
  Id space(H5Dget_space(dataset.get()), H5Sclose);
  std::vector<hsize_t> dims(static_cast<size_t>(H5Sget_simple_extent_ndims(space.get())));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  torch::Tensor values = torch::empty(std::vector<int64_t>(dims.begin(), dims.end()), torch::kComplexFloat);
  Id type(H5Tcreate(H5T_COMPOUND, 8), H5Tclose);
  H5Tinsert(type.get(), "real", 0, H5T_NATIVE_FLOAT);
  H5Tinsert(type.get(), "imag", 4, H5T_NATIVE_FLOAT);
  EXPECT_GE(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data_ptr()), 0);
  return values;
}

// ---------------------------------------------------------------------------------------------------
// fastMRI

// A small fastMRI-like acquisition: the readout (rows) oversampled ×2, the object in the central rows.
struct FastMriCase {
  int64_t slices = 2, coils = 3, rows = 48, recon_rows = 24, cols = 20;
  torch::Tensor images;  // float [slices, recon_rows, cols]
  torch::Tensor maps;    // complex [coils, recon_rows, cols]
  torch::Tensor kspace;  // complex64 [slices, coils, rows, cols] as stored
  // The reader's expected data [coils, slices, recon_rows, cols]: the k-space of the cropped coil images.
  torch::Tensor expected() const {
    return cfft(images.unsqueeze(0).to(torch::kComplexDouble) * maps.unsqueeze(1), {2, 3})
        .to(torch::kComplexFloat);
  }
};

FastMriCase fastmri_case(bool single_coil = false) {
  FastMriCase c;
  if (single_coil) c.coils = 1;
  c.images = shepp_logan_3d(c.slices, c.recon_rows, c.cols);
  c.maps = single_coil ? torch::ones({1, c.recon_rows, c.cols}, torch::kComplexDouble)
                       : coil_maps(c.coils, c.recon_rows, c.cols);
  const torch::Tensor coil_images = c.images.unsqueeze(1).to(torch::kComplexDouble) * c.maps.unsqueeze(0);
  torch::Tensor padded = torch::zeros({c.slices, c.coils, c.rows, c.cols}, torch::kComplexDouble);
  const int64_t top = (c.rows - c.recon_rows) / 2;
  padded.index_put_({Slice(), Slice(), Slice(top, top + c.recon_rows), Slice()}, coil_images);
  c.kspace = cfft(padded, {2, 3}).to(torch::kComplexFloat);
  return c;
}

// The parts of a fastMRI ismrmrd_header the reader uses, as fastMRI files spell them.
std::string fastmri_header(int64_t rows, int64_t cols, int64_t recon_rows, double readout_fov = 192,
                           double phase_fov = 100, double thickness = 3, const char* trailer = "") {
  std::ostringstream xml;
  xml << R"(<?xml version="1.0" encoding="utf-8"?>
<ismrmrdHeader xmlns="http://www.ismrm.org/ISMRMRD" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.ismrm.org/ISMRMRD ismrmrd.xsd">
   <studyInformation><studyTime>16:35:20</studyTime></studyInformation>
   <measurementInformation><patientPosition>HFS</patientPosition><protocolName>AX FLAIR_FBB</protocolName></measurementInformation>
   <acquisitionSystemInformation><systemVendor>SIEMENS</systemVendor><receiverChannels>16</receiverChannels></acquisitionSystemInformation>
   <experimentalConditions><H1resonanceFrequency_Hz>63690796</H1resonanceFrequency_Hz></experimentalConditions>
   <encoding>
      <encodedSpace>
         <matrixSize><x>)"
      << rows << "</x><y>" << cols << R"(</y><z>1</z></matrixSize>
         <fieldOfView_mm><x>)"
      << readout_fov << "</x><y>" << phase_fov << "</y><z>" << 1.5 * thickness << R"(</z></fieldOfView_mm>
      </encodedSpace>
      <reconSpace>
         <matrixSize><x>)"
      << recon_rows << "</x><y>" << recon_rows << R"(</y><z>1</z></matrixSize>
         <fieldOfView_mm><x>)"
      << readout_fov / 2 << "</x><y>" << readout_fov / 2 << "</y><z>" << thickness << R"(</z></fieldOfView_mm>
      </reconSpace>
      <trajectory>cartesian</trajectory>
      <encodingLimits>
         <kspace_encoding_step_1><minimum>0</minimum><maximum>)"
      << cols - 1 << "</maximum><center>" << cols / 2 << R"(</center></kspace_encoding_step_1>
         <slice><minimum>0</minimum><maximum>1</maximum><center>0</center></slice>
      </encodingLimits>
   </encoding>
   <sequenceParameters><TR>9000</TR><TE>86</TE><TI>2500</TI><flipAngle_deg>150</flipAngle_deg></sequenceParameters>
)" << trailer
      << "</ismrmrdHeader>";
  return xml.str();
}

struct FastMriFileOptions {
  bool header_variable = true;
  std::vector<int8_t> mask;  // written as the bool dataset "mask" when not empty
  bool with_reference = true;
  torch::Tensor reference;   // "reconstruction_rss"; zeros [slices, 4, 4] when undefined
};

void write_fastmri(const std::string& path, const torch::Tensor& kspace, const std::string& header,
                   const FastMriFileOptions& options = {}) {
  Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  ASSERT_GE(file.get(), 0);
  write_complex(file.get(), "kspace", kspace);
  if (!header.empty()) write_text(file.get(), "ismrmrd_header", header, options.header_variable);
  if (!options.mask.empty()) write_bools(file.get(), "mask", options.mask);
  // What fastMRI training files carry besides: the reference reconstruction and attributes.
  if (options.with_reference)
    write_floats(file.get(), "reconstruction_rss",
                 options.reference.defined() ? options.reference : torch::zeros({kspace.size(0), 4, 4}));
}

class FastMriFile : public testing::ScratchDirectoryTest {};

TEST_F(FastMriFile, MultiCoilKspaceLosesItsReadoutOversamplingAndGivesBackTheImage) {
  const FastMriCase c = fastmri_case();
  const std::string file = path("multicoil.h5");
  write_fastmri(file, c.kspace, fastmri_header(c.rows, c.cols, c.recon_rows));
  EXPECT_TRUE(is_fastmri_file(file));
  const Measurement m = read_fastmri(file);

  EXPECT_EQ(m.modality, Modality::kMri);
  ASSERT_EQ(m.data.sizes(), torch::IntArrayRef({c.coils, c.slices, c.recon_rows, c.cols}));
  EXPECT_EQ(m.data.scalar_type(), torch::kComplexFloat);
  EXPECT_LT(max_relative_difference(m.data, c.expected()), 1e-5);
  // The centred inverse FFT of each coil and slice, SENSE-combined with the coil maps, is the image.
  const torch::Tensor image =
      sense_combine(cifft(m.data.to(torch::kComplexDouble), {2, 3}), c.maps.unsqueeze(1));
  EXPECT_LT(nmse_up_to_scale(image, c.images), 1e-10);
  EXPECT_LT((image - c.images).abs().max().item<double>(), 1e-5);  // and the scale is 1: unitary FFTs

  EXPECT_EQ(m.volume_size, (std::array<int64_t, 3>{c.cols, c.recon_rows, c.slices}));
  EXPECT_TRUE(torch::equal(m.arrays.at("mask"), torch::ones({1, c.cols})));
  EXPECT_EQ(m.arrays.count("coil_maps"), 0u);
  EXPECT_EQ(m.parameters.at("fft_dims"), 2);
  EXPECT_EQ(m.parameters.at("acceleration"), 1);
  // Pixel pitch: encoded field of view over the samples (192 mm / 48 readout rows, 100 mm / 20 columns);
  // slices: the reconstruction's thickness (3 mm). Identity direction, the volume centred on the origin.
  EXPECT_DOUBLE_EQ(m.geometry.spacing[0], 5.0);
  EXPECT_DOUBLE_EQ(m.geometry.spacing[1], 4.0);
  EXPECT_DOUBLE_EQ(m.geometry.spacing[2], 3.0);
  EXPECT_DOUBLE_EQ(m.geometry.origin[0], -47.5);
  EXPECT_DOUBLE_EQ(m.geometry.origin[1], -46.0);
  EXPECT_DOUBLE_EQ(m.geometry.origin[2], -1.5);
  EXPECT_EQ(m.geometry.direction, (std::array<double, 9>{1, 0, 0, 0, 1, 0, 0, 0, 1}));
  EXPECT_EQ(m.noise.kind, "none");
}

TEST_F(FastMriFile, ReferenceReconstructionIsReadWhenPresent) {
  const FastMriCase c = fastmri_case();
  FastMriFileOptions options;
  options.reference = c.images.narrow(1, 2, 20).narrow(2, 2, 16).contiguous();
  write_fastmri(path("with.h5"), c.kspace, fastmri_header(c.rows, c.cols, c.recon_rows), options);
  const torch::Tensor reference = read_fastmri_reference(path("with.h5"));
  ASSERT_TRUE(reference.defined());
  EXPECT_TRUE(torch::allclose(reference, options.reference));
  options.with_reference = false;
  write_fastmri(path("without.h5"), c.kspace, fastmri_header(c.rows, c.cols, c.recon_rows), options);
  EXPECT_FALSE(read_fastmri_reference(path("without.h5")).defined());
  EXPECT_THROW(read_fastmri_reference(path("absent.h5")), IoError);
}

TEST_F(FastMriFile, SingleCoilKspaceHasOneCoil) {
  const FastMriCase c = fastmri_case(/*single_coil=*/true);
  const std::string file = path("singlecoil.h5");
  write_fastmri(file, c.kspace.squeeze(1), fastmri_header(c.rows, c.cols, c.recon_rows), {false, {}});
  const Measurement m = read_fastmri(file);
  ASSERT_EQ(m.data.sizes(), torch::IntArrayRef({1, c.slices, c.recon_rows, c.cols}));
  EXPECT_LT(max_relative_difference(m.data, c.expected()), 1e-5);
  EXPECT_LT((cifft(m.data[0].to(torch::kComplexDouble), {1, 2}) - c.images).abs().max().item<double>(), 1e-5);
}

TEST_F(FastMriFile, MaskComesFromTheZeroColumnsOrFromTheFile) {
  const FastMriCase c = fastmri_case();
  // Every third column plus the four central ones, as fastMRI's equispaced masks.
  std::vector<int8_t> pattern(static_cast<size_t>(c.cols), 0);
  for (int64_t i = 0; i < c.cols; ++i)
    pattern[static_cast<size_t>(i)] = i % 3 == 0 || std::abs(i - c.cols / 2) <= 2;
  const torch::Tensor columns =
      torch::tensor(std::vector<float>(pattern.begin(), pattern.end())).view({1, c.cols});
  const torch::Tensor undersampled = c.kspace * columns.view({1, 1, 1, c.cols});
  const std::string header = fastmri_header(c.rows, c.cols, c.recon_rows);

  write_fastmri(path("derived.h5"), undersampled, header);
  Measurement m = read_fastmri(path("derived.h5"));
  EXPECT_TRUE(torch::equal(m.arrays.at("mask"), columns));
  EXPECT_LT(max_relative_difference(m.data, c.expected() * columns.view({1, 1, 1, c.cols})), 1e-5);
  EXPECT_DOUBLE_EQ(m.parameters.at("acceleration"),
                   static_cast<double>(c.cols) / columns.sum().item<double>());

  // A file's mask (h5py bool, as in fastMRI test files) wins over the data: one sampled column marked 0.
  std::vector<int8_t> declared = pattern;
  declared[0] = 0;
  write_fastmri(path("declared.h5"), undersampled, header, {true, declared});
  m = read_fastmri(path("declared.h5"));
  const torch::Tensor expected =
      torch::tensor(std::vector<float>(declared.begin(), declared.end())).view({1, c.cols});
  EXPECT_TRUE(torch::equal(m.arrays.at("mask"), expected));
}

TEST_F(FastMriFile, ReadsHeadersStoredAsFixedOrVariableLengthStrings) {
  const FastMriCase c = fastmri_case();
  for (const bool variable : {true, false}) {
    const std::string file = path(variable ? "variable.h5" : "fixed.h5");
    write_fastmri(file, c.kspace, fastmri_header(c.rows, c.cols, c.recon_rows, 240, 80, 5), {variable, {}});
    const Measurement m = read_fastmri(file);
    EXPECT_DOUBLE_EQ(m.geometry.spacing[0], 4.0) << variable;
    EXPECT_DOUBLE_EQ(m.geometry.spacing[1], 5.0) << variable;
    EXPECT_DOUBLE_EQ(m.geometry.spacing[2], 5.0) << variable;
  }
}

TEST_F(FastMriFile, RejectsFilesItCannotRead) {
  const FastMriCase c = fastmri_case();
  const std::string good_header = fastmri_header(c.rows, c.cols, c.recon_rows);
  struct Case {
    std::string name;
    std::function<void(const std::string&)> write;
    std::string phrase;
  };
  const std::vector<Case> cases = {
      {"real_kspace",
       [&](const std::string& f) {
         Id file(H5Fcreate(f.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
         write_floats(file.get(), "kspace", torch::zeros({2, 3, 48, 20}));
         write_text(file.get(), "ismrmrd_header", good_header, true);
       },
       "/kspace: expected complex64"},
      {"rank_2", [&](const std::string& f) { write_fastmri(f, c.kspace[0][0], good_header); },
       "/kspace: expected complex64 [slices, coils, rows, cols]"},
      {"no_kspace",
       [&](const std::string& f) {
         Id file(H5Fcreate(f.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
         write_text(file.get(), "ismrmrd_header", good_header, true);
       },
       "/kspace: expected a dataset, found none"},
      {"no_header", [&](const std::string& f) { write_fastmri(f, c.kspace, ""); },
       "/ismrmrd_header: expected the ISMRMRD XML header"},
      {"not_xml", [&](const std::string& f) { write_fastmri(f, c.kspace, "<ismrmrdHeader><encoding>"); },
       "/ismrmrd_header: expected an ISMRMRD XML header"},
      {"recon_larger_than_readout",
       [&](const std::string& f) { write_fastmri(f, c.kspace, fastmri_header(c.rows, c.cols, c.rows + 2)); },
       "/ismrmrd_header: encoding/reconSpace/matrixSize/x: expected at most the 48 readout samples"},
      {"zero_field_of_view",
       [&](const std::string& f) {
         write_fastmri(f, c.kspace, fastmri_header(c.rows, c.cols, c.recon_rows, 0));
       },
       "/ismrmrd_header: encoding/encodedSpace/fieldOfView_mm/x: expected a field of view > 0 mm, found 0"},
      {"short_mask",
       [&](const std::string& f) {
         write_fastmri(f, c.kspace, good_header, {true, std::vector<int8_t>(5, 1)});
       },
       "/mask: expected one value per k-space column of /kspace (20), found 5"},
      {"mask_not_binary",
       [&](const std::string& f) {
         Id file(H5Fcreate(f.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
         write_complex(file.get(), "kspace", c.kspace);
         write_text(file.get(), "ismrmrd_header", good_header, true);
         write_floats(file.get(), "mask", torch::full({c.cols}, 0.5));
       },
       "/mask: expected values 0 or 1, found 0.5"},
      {"not_finite",
       [&](const std::string& f) {
         torch::Tensor k = c.kspace.clone();
         k.index_put_({0, 0, 0, 0}, c10::complex<float>(NAN, 0));
         write_fastmri(f, k, good_header);
       },
       "finite"},
  };
  for (const Case& test : cases) {
    const std::string file = path(test.name + ".h5");
    test.write(file);
    expect_io_error([&] { read_fastmri(file); }, file, test.phrase);
  }
  expect_io_error([&] { read_fastmri(path("missing.h5")); }, path("missing.h5"), "no such file");
  write_bytes(path("text.h5"), "kspace, but not an HDF5 file\n");
  expect_io_error([&] { read_fastmri(path("text.h5")); }, path("text.h5"), "not an HDF5 file");
}

TEST_F(FastMriFile, TruncatedAndDamagedFilesThrowIoErrorOrReadCleanly) {
  const FastMriCase c = fastmri_case();
  write_fastmri(path("whole.h5"), c.kspace, fastmri_header(c.rows, c.cols, c.recon_rows));
  const std::string bytes = read_bytes(path("whole.h5"));
  for (size_t length : {size_t{0}, size_t{8}, size_t{100}, size_t{512}, bytes.size() / 4, bytes.size() / 2,
                        bytes.size() * 3 / 4, bytes.size() - 100, bytes.size() - 1}) {
    const std::string file = path("truncated.h5");
    write_bytes(file, bytes.substr(0, length));
    expect_io_error([&] { read_fastmri(file); }, file, "");
  }
  // fastMRI files have no checksums: damage may change values, but must never crash the reader or throw
  // anything but IoError.
  std::mt19937_64 random(5);
  std::uniform_int_distribution<size_t> position(0, bytes.size() - 1);
  std::uniform_int_distribution<int> mask(1, 255);
  int rejected = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string damaged = bytes;
    const size_t at = position(random);
    damaged[at] = static_cast<char>(damaged[at] ^ mask(random));
    write_bytes(path("damaged.h5"), damaged);
    try {
      read_fastmri(path("damaged.h5"));
    } catch (const IoError&) {
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "byte " << at << ": threw a non-IoError: " << e.what();
    }
  }
  RecordProperty("rejected", rejected);
}

// ---------------------------------------------------------------------------------------------------
// ISMRMRD

std::string ismrmrd_header(int64_t nx_encoded, int64_t ny, int64_t nz, int64_t nx,
                           const std::array<double, 3>& fov, double thickness, int64_t center_y,
                           int64_t center_z,
                           ISMRMRD::TrajectoryType trajectory = ISMRMRD::TrajectoryType::CARTESIAN,
                           int64_t max_y = -1) {
  ISMRMRD::IsmrmrdHeader h;
  h.experimentalConditions.H1resonanceFrequency_Hz = 63500000;
  ISMRMRD::Encoding e;
  e.encodedSpace.matrixSize = ISMRMRD::MatrixSize(nx_encoded, ny, nz);
  e.encodedSpace.fieldOfView_mm = {static_cast<float>(fov[0]), static_cast<float>(fov[1]),
                                   static_cast<float>(fov[2])};
  e.reconSpace.matrixSize = ISMRMRD::MatrixSize(nx, ny, nz);
  e.reconSpace.fieldOfView_mm = {static_cast<float>(fov[0] * nx / nx_encoded), static_cast<float>(fov[1]),
                                 static_cast<float>(nz > 1 ? fov[2] : thickness)};
  e.trajectory = trajectory;
  e.encodingLimits.kspace_encoding_step_1 = ISMRMRD::Limit(
      0, static_cast<unsigned short>(max_y >= 0 ? max_y : ny - 1), static_cast<unsigned short>(center_y));
  if (nz > 1)
    e.encodingLimits.kspace_encoding_step_2 =
        ISMRMRD::Limit(0, static_cast<unsigned short>(nz - 1), static_cast<unsigned short>(center_z));
  h.encoding.push_back(e);
  std::ostringstream xml;
  ISMRMRD::serialize(h, xml);
  return xml.str();
}

struct Orientation {
  std::array<float, 3> position{0, 0, 0}, read{0, 0, 0}, phase{0, 0, 0}, slice{0, 0, 0};
};

// One acquisition: `line` [coils, samples] of k-space.
ISMRMRD::Acquisition acquisition(const torch::Tensor& line, const Orientation& o) {
  const torch::Tensor v = line.to(torch::kComplexFloat).contiguous();
  ISMRMRD::Acquisition acq(static_cast<uint16_t>(v.size(1)), static_cast<uint16_t>(v.size(0)));
  acq.available_channels() = static_cast<uint16_t>(v.size(0));
  acq.center_sample() = static_cast<uint16_t>(v.size(1) / 2);
  const auto* p = v.data_ptr<c10::complex<float>>();
  for (int64_t c = 0; c < v.size(0); ++c)
    for (int64_t s = 0; s < v.size(1); ++s) {
      const auto value = p[c * v.size(1) + s];
      acq.data(static_cast<uint16_t>(s), static_cast<uint16_t>(c)) =
          std::complex<float>(value.real(), value.imag());
    }
  for (int i = 0; i < 3; ++i) {
    acq.position()[i] = o.position[i];
    acq.read_dir()[i] = o.read[i];
    acq.phase_dir()[i] = o.phase[i];
    acq.slice_dir()[i] = o.slice[i];
  }
  return acq;
}

// Coil sensitivities as ismrmrd_generate_cartesian_shepp_logan stores them: an NDArray (x, y[, z], coils).
void append_csm(ISMRMRD::Dataset& d, const torch::Tensor& maps) {  // maps [coils, nz, ny, nx]
  const int64_t coils = maps.size(0), nz = maps.size(1), ny = maps.size(2), nx = maps.size(3);
  std::vector<size_t> dims = {static_cast<size_t>(nx), static_cast<size_t>(ny)};
  if (nz > 1) dims.push_back(static_cast<size_t>(nz));
  dims.push_back(static_cast<size_t>(coils));
  ISMRMRD::NDArray<std::complex<float>> array(dims);
  const torch::Tensor v = maps.to(torch::kComplexFloat).contiguous();
  std::memcpy(array.getDataPtr(), v.data_ptr(),
              static_cast<size_t>(v.numel()) * 8);  // x fastest, as [c, z, y, x]
  d.appendNDArray("csm", array);
}

class IsmrmrdFile : public testing::ScratchDirectoryTest {
 protected:
  // The synthetic-data tool of ismrmrd-tools, or "" when it is not installed.
  static std::string generator() {
    const char* path_variable = std::getenv("PATH");
    std::stringstream directories(path_variable ? path_variable : "/usr/bin");
    for (std::string directory; std::getline(directories, directory, ':');) {
      const fs::path tool = fs::path(directory) / "ismrmrd_generate_cartesian_shepp_logan";
      if (!directory.empty() && ::access(tool.c_str(), X_OK) == 0) return tool.string();
    }
    return "";
  }
  // Runs the tool in the scratch directory; returns the file it wrote.
  std::string generate(const std::string& name, const std::string& options) {
    const std::string tool = generator();
    const std::string command = "cd '" + dir_.string() + "' && '" + tool + "' " + options + " -o '" + name +
                                "' > '" + name + ".log' 2>&1";
    const int status = std::system(command.c_str());
    EXPECT_EQ(status, 0) << command << "\n" << read_bytes(path(name + ".log"));
    return path(name);
  }
};

#define SKIP_WITHOUT_GENERATOR()                                                                      \
  if (generator().empty())                                                                            \
  GTEST_SKIP() << "ismrmrd_generate_cartesian_shepp_logan is not installed (Debian: apt-get install " \
                  "ismrmrd-tools)"

TEST_F(IsmrmrdFile, GeneratedSheppLoganMatchesThePhantomAfterSenseCombination) {
  SKIP_WITHOUT_GENERATOR();
  const std::string file = generate("shepp_logan.h5", "-m 64 -c 4 -n 0");
  EXPECT_TRUE(is_ismrmrd_file(file));
  EXPECT_FALSE(is_fastmri_file(file));
  const Measurement m = read_ismrmrd(file);

  // 64 lines of 128 samples (readout oversampled ×2) from 4 coils: the oversampling is cropped.
  ASSERT_EQ(m.data.sizes(), torch::IntArrayRef({4, 1, 64, 64}));
  EXPECT_TRUE(torch::equal(m.arrays.at("mask"), torch::ones({1, 64, 1})));
  EXPECT_EQ(m.parameters.at("fft_dims"), 2);
  EXPECT_EQ(m.parameters.at("acceleration"), 1);
  ASSERT_EQ(m.arrays.count("coil_maps"), 1u);
  const torch::Tensor maps = m.arrays.at("coil_maps");
  ASSERT_EQ(maps.sizes(), m.data.sizes());

  // The tool stores the phantom (x fastest, as the readout) and the coil maps it multiplied it with.
  const torch::Tensor phantom = read_ismrmrd_complex(file, "/dataset/phantom");
  ASSERT_EQ(phantom.sizes(), torch::IntArrayRef({1, 64, 64}));
  const torch::Tensor image =
      sense_combine(cifft(m.data.to(torch::kComplexDouble), {2, 3}), maps.to(torch::kComplexDouble));
  const double nmse = nmse_up_to_scale(image, phantom);
  EXPECT_LT(nmse, 1e-3);
  EXPECT_LT((image - phantom.to(torch::kComplexDouble)).abs().max().item<double>(), 1e-4);  // scale 1 too
  // The wrong orientation does not match: flipped along either axis, or transposed.
  const double flipped_x = nmse_up_to_scale(image, phantom.flip({2}));
  const double flipped_y = nmse_up_to_scale(image, phantom.flip({1}));
  const double transposed = nmse_up_to_scale(image, phantom.transpose(1, 2));
  EXPECT_GT(flipped_x, 100 * nmse + 0.01);
  EXPECT_GT(flipped_y, 100 * nmse + 0.01);
  EXPECT_GT(transposed, 100 * nmse + 0.01);
  RecordProperty("nmse", std::to_string(nmse));
  RecordProperty("nmse_flipped_x", std::to_string(flipped_x));
  RecordProperty("nmse_flipped_y", std::to_string(flipped_y));
  RecordProperty("nmse_transposed", std::to_string(transposed));

  // The tool writes no position or directions: identity direction, the volume centred on the origin.
  // Spacing: encoded field of view over the encoded matrix (600 mm / 128, 300 mm / 64), the slice's 6 mm.
  EXPECT_EQ(m.volume_size, (std::array<int64_t, 3>{64, 64, 1}));
  EXPECT_DOUBLE_EQ(m.geometry.spacing[0], 600.0 / 128);
  EXPECT_DOUBLE_EQ(m.geometry.spacing[1], 300.0 / 64);
  EXPECT_DOUBLE_EQ(m.geometry.spacing[2], 6.0);
  EXPECT_DOUBLE_EQ(m.geometry.origin[0], -31.5 * 600.0 / 128);
  EXPECT_DOUBLE_EQ(m.geometry.origin[1], -31.5 * 300.0 / 64);
  EXPECT_DOUBLE_EQ(m.geometry.origin[2], 0.0);
  EXPECT_EQ(m.geometry.direction, (std::array<double, 9>{1, 0, 0, 0, 1, 0, 0, 0, 1}));
}

TEST_F(IsmrmrdFile, NoisyGeneratedDataWithNoiseCalibrationLandInTheRightPlace) {
  SKIP_WITHOUT_GENERATOR();
  const std::string file = generate("noisy.h5", "-m 48 -c 6 -C");  // default noise level 0.05
  const Measurement m = read_ismrmrd(file);
  ASSERT_EQ(m.data.sizes(), torch::IntArrayRef({6, 1, 48, 48}));  // the noise acquisition is not a line
  EXPECT_TRUE(torch::equal(m.arrays.at("mask"), torch::ones({1, 48, 1})));
  const torch::Tensor phantom = read_ismrmrd_complex(file, "/dataset/phantom");
  const torch::Tensor image = sense_combine(cifft(m.data.to(torch::kComplexDouble), {2, 3}),
                                            m.arrays.at("coil_maps").to(torch::kComplexDouble));
  const double right = correlation(image, phantom);
  EXPECT_GT(right, 0.9);
  EXPECT_GT(right, correlation(image, phantom.flip({1})) + 0.05);
  EXPECT_GT(right, correlation(image, phantom.transpose(1, 2)) + 0.05);
  RecordProperty("correlation", std::to_string(right));
}

TEST_F(IsmrmrdFile, UndersampledGeneratedDataGiveTheMaskOfTheFirstRepetition) {
  SKIP_WITHOUT_GENERATOR();
  // Acceleration 2 with 16 calibration lines: repetition 0 holds the even lines and lines 24 to 39 (the
  // odd ones flagged as parallel calibration); repetition 1 the odd lines, skipped.
  const std::string file = generate("accelerated.h5", "-m 64 -c 4 -n 0 -a 2 -w 16");
  const Measurement m = read_ismrmrd(file);
  torch::Tensor expected = torch::zeros({1, 64, 1});
  for (int64_t y = 0; y < 64; ++y) expected[0][y][0] = y % 2 == 0 || (y >= 24 && y <= 39) ? 1.0 : 0.0;
  EXPECT_TRUE(torch::equal(m.arrays.at("mask"), expected));
  EXPECT_DOUBLE_EQ(m.parameters.at("acceleration"), 64.0 / 40.0);
  EXPECT_EQ(m.data.index({Slice(), Slice(), expected.view({64}) == 0}).abs().max().item<float>(), 0.0f);
}

// A 3D acquisition written with libismrmrd: oblique orientation, every third ky line missing outside the
// centre, a noise measurement and a second repetition that must both be skipped, and coil maps.
TEST_F(IsmrmrdFile, ThreeDimensionalAcquisitionWithOrientation) {
  const int64_t coils = 2, nx = 12, nx_encoded = 24, ny = 10, nz = 8;
  const std::array<double, 3> pitch = {1.5, 2.0, 2.5};
  const torch::Tensor volume = shepp_logan_3d(nz, ny, nx).to(torch::kComplexDouble);
  const torch::Tensor maps = coil_maps(coils, ny, nx, nz);  // [coils, nz, ny, nx]
  torch::Tensor padded = torch::zeros({coils, nz, ny, nx_encoded}, torch::kComplexDouble);
  padded.index_put_({Slice(), Slice(), Slice(), Slice(6, 6 + nx)}, volume.unsqueeze(0) * maps);
  const torch::Tensor k = cfft(padded, {1, 2, 3});
  const double a = 0.3;
  Orientation o;
  o.position = {10, -20, 30};
  o.read = {static_cast<float>(std::cos(a)), static_cast<float>(std::sin(a)), 0};
  o.phase = {static_cast<float>(-std::sin(a)), static_cast<float>(std::cos(a)), 0};
  o.slice = {0, 0, 1};
  auto sampled = [&](int64_t y) { return !(y % 3 == 1 && std::abs(y - ny / 2) > 1); };

  const std::string file = path("volume.mrd");
  {
    ISMRMRD::Dataset d(file.c_str(), "dataset", true);
    d.writeHeader(ismrmrd_header(nx_encoded, ny, nz, nx,
                                 {nx_encoded * pitch[0], ny * pitch[1], nz * pitch[2]}, 0, ny / 2, nz / 2));
    ISMRMRD::Acquisition noise = acquisition(torch::full({coils, nx_encoded}, 1e6, torch::kComplexDouble), o);
    noise.setFlag(ISMRMRD::ISMRMRD_ACQ_IS_NOISE_MEASUREMENT);
    d.appendAcquisition(noise);
    for (int64_t z = 0; z < nz; ++z)
      for (int64_t y = 0; y < ny; ++y) {
        if (!sampled(y)) continue;
        ISMRMRD::Acquisition acq = acquisition(k.index({Slice(), z, y}), o);
        acq.idx().kspace_encode_step_1 = static_cast<uint16_t>(y);
        acq.idx().kspace_encode_step_2 = static_cast<uint16_t>(z);
        d.appendAcquisition(acq);
      }
    ISMRMRD::Acquisition repeat =
        acquisition(torch::full({coils, nx_encoded}, 7.0, torch::kComplexDouble), o);
    repeat.idx().repetition = 1;
    d.appendAcquisition(repeat);
    append_csm(d, maps);
  }
  EXPECT_TRUE(is_ismrmrd_file(file));
  const Measurement m = read_ismrmrd(file);

  ASSERT_EQ(m.data.sizes(), torch::IntArrayRef({coils, nz, ny, nx}));
  torch::Tensor mask = torch::zeros({nz, ny, 1});
  for (int64_t y = 0; y < ny; ++y) mask.index_put_({Slice(), y}, sampled(y) ? 1.0 : 0.0);
  EXPECT_TRUE(torch::equal(m.arrays.at("mask"), mask));
  EXPECT_EQ(m.parameters.at("fft_dims"), 3);
  const torch::Tensor expected = cfft(volume.unsqueeze(0) * maps, {1, 2, 3}) * mask.unsqueeze(0);
  EXPECT_LT(max_relative_difference(m.data, expected), 1e-5);
  EXPECT_LT(max_relative_difference(m.arrays.at("coil_maps"), maps), 1e-6);

  // Axes along read, phase and slice directions; the field of view centred on the position.
  EXPECT_EQ(m.volume_size, (std::array<int64_t, 3>{nx, ny, nz}));
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(m.geometry.spacing[i], pitch[i], 1e-5) << i;
  const std::array<std::array<float, 3>, 3> axes = {o.read, o.phase, o.slice};
  for (int row = 0; row < 3; ++row)
    for (int column = 0; column < 3; ++column)
      EXPECT_NEAR(m.geometry.direction[3 * row + column], axes[column][row], 1e-6) << row << ", " << column;
  const auto centre = m.geometry.index_to_physical({(nx - 1) / 2.0, (ny - 1) / 2.0, (nz - 1) / 2.0});
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(centre[i], o.position[i], 1e-4) << i;
}

// Multi-slice 2D: slices ordered by position along the slice direction (not by index), a line stored
// reversed, a line acquired as two averages.
TEST_F(IsmrmrdFile, MultiSliceAcquisitionOrderedByPosition) {
  const int64_t nx = 8, nx_encoded = 16, ny = 8, slices = 3;
  const std::array<double, 3> pitch = {1.25, 1.5, 4.0};
  const torch::Tensor images = shepp_logan_3d(slices, ny, nx).to(torch::kComplexDouble);  // in Z order
  torch::Tensor padded = torch::zeros({slices, ny, nx_encoded}, torch::kComplexDouble);
  padded.index_put_({Slice(), Slice(), Slice(4, 4 + nx)}, images);
  const torch::Tensor k = cfft(padded, {1, 2});  // [Z, ny, nx_encoded]
  // Slice index s sits at offset[s] mm along the slice direction; Z order is indices 1, 2, 0.
  const double offset[slices] = {5.5, -5.5, 0.0};
  const int64_t z_of_slice[slices] = {2, 0, 1};
  Orientation o;
  o.read = {1, 0, 0};
  o.phase = {0, 0, 1};
  o.slice = {0, -1, 0};
  const std::array<float, 3> centre = {3, 40, -7};

  const std::string file = path("slices.h5");
  {
    ISMRMRD::Dataset d(file.c_str(), "dataset", true);
    d.writeHeader(
        ismrmrd_header(nx_encoded, ny, 1, nx, {nx_encoded * pitch[0], ny * pitch[1], 3.0}, 3.0, ny / 2, 0));
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t s = 0; s < slices; ++s) {
        for (int i = 0; i < 3; ++i) o.position[i] = centre[i] + static_cast<float>(offset[s]) * o.slice[i];
        torch::Tensor line = k.index({z_of_slice[s], y}).unsqueeze(0);
        const bool reverse = s == 2 && y == 3, averaged = s == 0 && y == 5;
        ISMRMRD::Acquisition acq = acquisition(reverse ? line.flip({1}) : averaged ? line + 0.25 : line, o);
        acq.idx().kspace_encode_step_1 = static_cast<uint16_t>(y);
        acq.idx().slice = static_cast<uint16_t>(s);
        if (reverse) acq.setFlag(ISMRMRD::ISMRMRD_ACQ_IS_REVERSE);
        d.appendAcquisition(acq);
        if (averaged) {
          ISMRMRD::Acquisition second = acquisition(line - 0.25, o);
          second.idx().kspace_encode_step_1 = static_cast<uint16_t>(y);
          second.idx().slice = static_cast<uint16_t>(s);
          second.idx().average = 1;
          d.appendAcquisition(second);
        }
      }
  }
  const Measurement m = read_ismrmrd(file);
  ASSERT_EQ(m.data.sizes(), torch::IntArrayRef({1, slices, ny, nx}));
  EXPECT_EQ(m.parameters.at("fft_dims"), 2);
  EXPECT_TRUE(torch::equal(m.arrays.at("mask"), torch::ones({slices, ny, 1})));
  EXPECT_LT(max_relative_difference(m.data[0], cfft(images, {1, 2})), 1e-5);
  EXPECT_LT((cifft(m.data[0].to(torch::kComplexDouble), {1, 2}) - images).abs().max().item<double>(), 1e-5);

  // Z runs along the slice direction from the slice at −5.5 mm, 5.5 mm apart.
  EXPECT_NEAR(m.geometry.spacing[0], pitch[0], 1e-6);
  EXPECT_NEAR(m.geometry.spacing[1], pitch[1], 1e-6);
  EXPECT_NEAR(m.geometry.spacing[2], 5.5, 1e-5);
  const std::array<double, 9> direction = {1, 0, 0, 0, 0, -1, 0, 1, 0};
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(m.geometry.direction[i], direction[i], 1e-6) << i;
  for (int64_t z = 0; z < slices; ++z) {
    const auto p = m.geometry.index_to_physical({(nx - 1) / 2.0, (ny - 1) / 2.0, static_cast<double>(z)});
    const double along = (z - 1) * 5.5;  // Z 0, 1, 2 at −5.5, 0, 5.5 mm
    EXPECT_NEAR(p[0], centre[0], 1e-4);
    EXPECT_NEAR(p[1], centre[1] - along, 1e-4);
    EXPECT_NEAR(p[2], centre[2], 1e-4);
  }
}

// Partial Fourier (the first line is not the first of the matrix: the encoding limits' centre goes to the
// matrix centre) and an asymmetric echo with discarded samples (center_sample goes to the readout centre).
TEST_F(IsmrmrdFile, PartialFourierAndPartialEchoArePlacedAroundTheCentre) {
  const int64_t nx = 8, nx_encoded = 16, ny = 12, coils = 2;
  const torch::Tensor image = shepp_logan_3d(1, ny, nx).to(torch::kComplexDouble)[0];
  torch::Tensor padded = torch::zeros({coils, ny, nx_encoded}, torch::kComplexDouble);
  padded.index_put_({Slice(), Slice(), Slice(4, 4 + nx)}, image.unsqueeze(0) * coil_maps(coils, ny, nx));
  const torch::Tensor k = cfft(padded, {1, 2});
  // Lines e1 = 0 … 8 with centre 4 land on y = 2 … 10; samples x = 4 … 15 are acquired as 14 samples, the
  // first and last discarded, center_sample 5.
  const std::string file = path("partial.h5");
  {
    ISMRMRD::Dataset d(file.c_str(), "dataset", true);
    d.writeHeader(
        ismrmrd_header(nx_encoded, ny, 1, nx, {32, 24, 5}, 5, 4, 0, ISMRMRD::TrajectoryType::CARTESIAN, 8));
    for (int64_t e1 = 0; e1 <= 8; ++e1) {
      torch::Tensor line = torch::full({coils, 14}, 1e6, torch::kComplexDouble);
      line.index_put_({Slice(), Slice(1, 13)}, k.index({Slice(), e1 + 2, Slice(4, 16)}));
      ISMRMRD::Acquisition acq = acquisition(line, Orientation{});
      acq.discard_pre() = 1;
      acq.discard_post() = 1;
      acq.center_sample() = 5;
      acq.idx().kspace_encode_step_1 = static_cast<uint16_t>(e1);
      d.appendAcquisition(acq);
    }
  }
  const Measurement m = read_ismrmrd(file);
  torch::Tensor acquired = torch::zeros({coils, ny, nx_encoded}, torch::kComplexDouble);
  acquired.index_put_({Slice(), Slice(2, 11), Slice(4, 16)}, k.index({Slice(), Slice(2, 11), Slice(4, 16)}));
  const torch::Tensor expected = cfft(cifft(acquired, {2}).index({Slice(), Slice(), Slice(4, 12)}), {2});
  ASSERT_EQ(m.data.sizes(), torch::IntArrayRef({coils, 1, ny, nx}));
  EXPECT_LT(max_relative_difference(m.data.squeeze(1), expected), 1e-5);
  torch::Tensor mask = torch::zeros({1, ny, 1});
  mask.index_put_({0, Slice(2, 11)}, 1.0);
  EXPECT_TRUE(torch::equal(m.arrays.at("mask"), mask));
}

TEST_F(IsmrmrdFile, RejectsFilesItCannotRead) {
  const int64_t nx = 4, ny = 4;
  const std::string header = ismrmrd_header(2 * nx, ny, 1, nx, {16, 8, 5}, 5, ny / 2, 0);
  auto write = [&](const std::string& file, const std::string& xml,
                   const std::function<void(ISMRMRD::Dataset&)>& add) {
    ISMRMRD::Dataset d(file.c_str(), "dataset", true);
    if (!xml.empty()) d.writeHeader(xml);
    add(d);
  };
  auto line = [&](int64_t y, int64_t coils = 1) {
    ISMRMRD::Acquisition acq =
        acquisition(torch::ones({coils, 2 * nx}, torch::kComplexDouble), Orientation{});
    acq.idx().kspace_encode_step_1 = static_cast<uint16_t>(y);
    return acq;
  };
  struct Case {
    std::string name, xml;
    std::function<void(ISMRMRD::Dataset&)> add;
    std::string phrase;
  };
  const std::vector<Case> cases = {
      {"radial", ismrmrd_header(2 * nx, ny, 1, nx, {16, 8, 5}, 5, ny / 2, 0, ISMRMRD::TrajectoryType::RADIAL),
       [&](ISMRMRD::Dataset& d) { d.appendAcquisition(line(0)); },
       "/dataset/xml: encoding/trajectory: expected cartesian (the only trajectory this reader supports), "
       "found radial"},
      {"not_xml", "<ismrmrdHeader>", [&](ISMRMRD::Dataset& d) { d.appendAcquisition(line(0)); },
       "/dataset/xml: expected an ISMRMRD XML header"},
      {"no_header", "", [&](ISMRMRD::Dataset& d) { d.appendAcquisition(line(0)); },
       "/dataset/xml: expected a dataset, found none"},
      {"line_outside", header, [&](ISMRMRD::Dataset& d) { d.appendAcquisition(line(ny + 3)); },
       "/dataset/data[0]: head.idx.kspace_encode_step_1: expected a line of encodedSpace/matrixSize/y (4"},
      {"coils_change", header,
       [&](ISMRMRD::Dataset& d) {
         d.appendAcquisition(line(0, 2));
         d.appendAcquisition(line(1, 3));
       },
       "/dataset/data[1]: head.active_channels: expected 2 like the first imaging acquisition, found 3"},
      {"too_many_samples", header,
       [&](ISMRMRD::Dataset& d) {
         ISMRMRD::Acquisition acq =
             acquisition(torch::ones({1, 4 * nx}, torch::kComplexDouble), Orientation{});
         d.appendAcquisition(acq);
       },
       "/dataset/data[0]: head.number_of_samples: expected the 16 samples kept"},
      {"only_noise", header,
       [&](ISMRMRD::Dataset& d) {
         ISMRMRD::Acquisition acq = line(0);
         acq.setFlag(ISMRMRD::ISMRMRD_ACQ_IS_NOISE_MEASUREMENT);
         d.appendAcquisition(acq);
       },
       "/dataset/data: expected at least one imaging acquisition"},
      {"no_acquisitions", header, [](ISMRMRD::Dataset&) {}, "/dataset/data: expected a dataset, found none"},
      {"csm_shape", header,
       [&](ISMRMRD::Dataset& d) {
         d.appendAcquisition(line(0));
         append_csm(d, torch::ones({2, 1, ny, nx}, torch::kComplexFloat));
       },
       "/dataset/csm: expected coil sensitivities of the reconstruction's shape [1, 1, 4, 4]"},
  };
  for (const Case& test : cases) {
    const std::string file = path(test.name + ".h5");
    write(file, test.xml, test.add);
    expect_io_error([&] { read_ismrmrd(file); }, file, test.phrase);
  }
  // An HDF5 file without the ISMRMRD group; a fastMRI file.
  { Id file(H5Fcreate(path("plain.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose); }
  expect_io_error([&] { read_ismrmrd(path("plain.h5")); }, path("plain.h5"),
                  "/dataset: expected a group, found none");
  EXPECT_FALSE(is_ismrmrd_file(path("plain.h5")));
  expect_io_error([&] { read_ismrmrd(path("missing.h5")); }, path("missing.h5"), "no such file");
}

TEST_F(IsmrmrdFile, TruncatedAndDamagedFilesThrowIoErrorOrReadCleanly) {
  const int64_t nx = 8, ny = 8;
  const std::string file = path("whole.h5");
  {
    ISMRMRD::Dataset d(file.c_str(), "dataset", true);
    d.writeHeader(ismrmrd_header(2 * nx, ny, 1, nx, {16, 8, 5}, 5, ny / 2, 0));
    for (int64_t y = 0; y < ny; ++y) {
      ISMRMRD::Acquisition acq = acquisition(torch::randn({2, 2 * nx}, torch::kComplexDouble), Orientation{});
      acq.idx().kspace_encode_step_1 = static_cast<uint16_t>(y);
      d.appendAcquisition(acq);
    }
  }
  ASSERT_NO_THROW(read_ismrmrd(file));
  const std::string bytes = read_bytes(file);
  for (size_t length : {size_t{0}, size_t{8}, size_t{100}, size_t{512}, bytes.size() / 4, bytes.size() / 2,
                        bytes.size() * 3 / 4, bytes.size() - 100, bytes.size() - 1}) {
    const std::string truncated = path("truncated.h5");
    write_bytes(truncated, bytes.substr(0, length));
    expect_io_error([&] { read_ismrmrd(truncated); }, truncated, "");
  }
  std::mt19937_64 random(7);
  std::uniform_int_distribution<size_t> position(0, bytes.size() - 1);
  std::uniform_int_distribution<int> mask(1, 255);
  int rejected = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string damaged = bytes;
    const size_t at = position(random);
    damaged[at] = static_cast<char>(damaged[at] ^ mask(random));
    write_bytes(path("damaged.h5"), damaged);
    try {
      read_ismrmrd(path("damaged.h5"));
    } catch (const IoError&) {
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "byte " << at << ": threw a non-IoError: " << e.what();
    }
  }
  RecordProperty("rejected", rejected);
}

// Reading never writes: the file is opened read-only (libismrmrd's own reader opens it read-write).
TEST_F(IsmrmrdFile, ReadsReadOnlyFilesWithoutChangingThem) {
  const std::string file = path("readonly.h5");
  {
    ISMRMRD::Dataset d(file.c_str(), "dataset", true);
    d.writeHeader(ismrmrd_header(8, 4, 1, 4, {16, 8, 5}, 5, 2, 0));
    for (int64_t y = 0; y < 4; ++y) {
      ISMRMRD::Acquisition acq = acquisition(torch::ones({1, 8}, torch::kComplexDouble), Orientation{});
      acq.idx().kspace_encode_step_1 = static_cast<uint16_t>(y);
      d.appendAcquisition(acq);
    }
  }
  const std::string before = read_bytes(file);
  fs::permissions(file, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  EXPECT_NO_THROW(read_ismrmrd(file));
  EXPECT_EQ(read_bytes(file), before);
  fs::permissions(file, fs::perms::owner_all);
}

// ---------------------------------------------------------------------------------------------------
// Sniffers

class RawMriSniffers : public testing::ScratchDirectoryTest {};

TEST_F(RawMriSniffers, TellTheFormatsApartAndNeverThrow) {
  const FastMriCase c = fastmri_case();
  write_fastmri(path("fastmri.h5"), c.kspace, fastmri_header(c.rows, c.cols, c.recon_rows));
  {
    ISMRMRD::Dataset d(path("ismrmrd.h5").c_str(), "dataset", true);
    d.writeHeader(ismrmrd_header(8, 4, 1, 4, {16, 8, 5}, 5, 2, 0));
  }
  { Id file(H5Fcreate(path("plain.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose); }
  write_bytes(path("text.h5"), "not HDF5");
  EXPECT_TRUE(is_fastmri_file(path("fastmri.h5")));
  EXPECT_FALSE(is_ismrmrd_file(path("fastmri.h5")));
  EXPECT_TRUE(is_ismrmrd_file(path("ismrmrd.h5")));
  EXPECT_FALSE(is_fastmri_file(path("ismrmrd.h5")));
  for (const std::string name : {"plain.h5", "text.h5", "missing.h5", ""}) {
    EXPECT_FALSE(is_fastmri_file(path(name))) << name;
    EXPECT_FALSE(is_ismrmrd_file(path(name))) << name;
  }
  const std::string bytes = read_bytes(path("fastmri.h5"));
  write_bytes(path("truncated.h5"), bytes.substr(0, bytes.size() / 2));
  EXPECT_NO_THROW(is_fastmri_file(path("truncated.h5")));
  EXPECT_NO_THROW(is_ismrmrd_file(path("truncated.h5")));
}

}  // namespace
}  // namespace diffrecon
