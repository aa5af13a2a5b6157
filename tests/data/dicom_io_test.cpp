#include "data/io/dicom_io.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/error.h"
#include "testing/scratch_directory.h"
#include "data/io/volume_io.h"

namespace diffrecon {
namespace {

namespace fs = std::filesystem;

const char kColin27[] = "/usr/share/mricron/templates/ch2.nii.gz";

// Rotation by `angle` about the unit axis (1, 1, 1)/√3: every direction cosine is non-zero.
std::array<double, 9> oblique_rotation(double angle) {
  const double c = std::cos(angle), s = std::sin(angle), t = 1 - c, u = 1 / std::sqrt(3.0);
  return {t * u * u + c,     t * u * u - s * u, t * u * u + s * u, t * u * u + s * u, t * u * u + c,
          t * u * u - s * u, t * u * u - s * u, t * u * u + s * u, t * u * u + c};
}

Volume test_volume(bool integral, std::array<double, 9> direction) {
  Geometry g;
  g.spacing = {0.7, 1.3, 2.5};
  g.origin = {-12.5, 30.25, 7.0};
  g.direction = direction;
  const auto ramp = torch::arange(6 * 7 * 8, torch::kFloat).view({6, 7, 8});
  const auto values = integral ? ramp.remainder(997) - 300 : torch::sin(ramp) * 2 + 1;
  return Volume(values, g);
}

// Continuous voxel index of world point p: (i, j, k) = diag(1/spacing) Dᵀ (p − origin), D orthonormal.
std::array<double, 3> index_of(const Geometry& g, const std::array<double, 3>& p) {
  std::array<double, 3> index{};
  for (int col = 0; col < 3; ++col) {
    double dot = 0;
    for (int row = 0; row < 3; ++row) dot += g.direction[3 * row + col] * (p[row] - g.origin[row]);
    index[col] = dot / g.spacing[col];
  }
  return index;
}

// Every voxel of `a` has the same value at the same world position in `b` (sampled on a stride).
::testing::AssertionResult same_world_image(const Volume& a, const Volume& b, int64_t stride, double value_tol) {
  for (int64_t k = 0; k < a.nz(); k += stride)
    for (int64_t j = 0; j < a.ny(); j += stride)
      for (int64_t i = 0; i < a.nx(); i += stride) {
        const auto p = a.geometry().index_to_physical({double(i), double(j), double(k)});
        const auto q = index_of(b.geometry(), p);
        int64_t r[3];
        for (int d = 0; d < 3; ++d) {
          r[d] = std::llround(q[d]);
          if (std::abs(q[d] - r[d]) > 1e-3)
            return ::testing::AssertionFailure() << "voxel (" << i << "," << j << "," << k << ") lands between voxels";
        }
        if (r[0] < 0 || r[1] < 0 || r[2] < 0 || r[0] >= b.nx() || r[1] >= b.ny() || r[2] >= b.nz())
          return ::testing::AssertionFailure() << "voxel (" << i << "," << j << "," << k << ") lands outside";
        const double va = a.data()[k][j][i].item<double>(), vb = b.data()[r[2]][r[1]][r[0]].item<double>();
        if (!(std::abs(va - vb) <= value_tol))
          return ::testing::AssertionFailure() << "value " << va << " became " << vb;
      }
  return ::testing::AssertionSuccess();
}

void expect_same_geometry(const Geometry& a, const Geometry& b, const std::string& what) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(a.spacing[i], b.spacing[i], 1e-4) << what;
    EXPECT_NEAR(a.origin[i], b.origin[i], 1e-4) << what;
  }
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(a.direction[i], b.direction[i], 1e-6) << what;
}

bool have_tool(const std::string& name) { return std::system(("command -v " + name + " > /dev/null").c_str()) == 0; }

std::string run_tool(const std::string& command) {
  const std::string log = (fs::temp_directory_path() / ("diffrecon_tool_" + std::to_string(::getpid()))).string();
  std::system((command + " > " + log + " 2>&1").c_str());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  fs::remove(log);
  return text.str();
}

class DicomIo : public testing::ScratchDirectoryTest {};

TEST_F(DicomIo, NiftiDicomNiftiMhaNrrdRoundTripKeepsVoxelsAndObliqueGeometry) {
  const Volume original = test_volume(true, oblique_rotation(0.3));
  write_volume(original, path("a.nii.gz"));
  write_volume(read_volume(path("a.nii.gz")), path("series/"));
  const Volume from_dicom = read_volume(path("series"));
  write_volume(from_dicom, path("b.nii"));
  write_volume(read_volume(path("b.nii")), path("c.mha"));
  write_volume(read_volume(path("c.mha")), path("d.nrrd"));
  const Volume back = read_volume(path("d.nrrd"));
  EXPECT_TRUE(torch::equal(from_dicom.data(), original.data()));
  EXPECT_TRUE(torch::equal(back.data(), original.data()));
  expect_same_geometry(from_dicom.geometry(), original.geometry(), "after DICOM");
  expect_same_geometry(back.geometry(), original.geometry(), "after NIfTI, MHA, NRRD");
}

TEST_F(DicomIo, RealValuesAreQuantisedWithinHalfARescaleStepInClassicImageObjects) {
  const Volume original = test_volume(false, oblique_rotation(0.0));
  for (const std::string modality : {"MR", "CT"}) {
    VolumeWriteOptions options;
    options.format = VolumeFormat::kDicom;
    options.dicom.modality = modality;
    write_volume(original, path(modality), options);
    const Volume back = read_volume(path(modality));
    const double step = 4.0 / 65534;  // values span [−1, 3]
    EXPECT_LE((back.data() - original.data()).abs().max().item<double>(), 0.5 * step + 1e-6) << modality;
    std::ifstream in(dir_ / modality / "IM00001.dcm", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string classic = modality == "MR" ? "1.2.840.10008.5.1.4.1.1.4" : "1.2.840.10008.5.1.4.1.1.2";
    EXPECT_NE(bytes.find(classic + '\0'), std::string::npos) << modality << ": not a classic image object";
  }
}

TEST_F(DicomIo, LeftHandedVolumeKeepsEveryVoxelInPlace) {
  // DICOM slices are ordered along row × column; a left-handed volume comes back flipped in k, with
  // the same voxel at the same world position.
  const Volume original = test_volume(true, {1, 0, 0, 0, 1, 0, 0, 0, -1});
  write_volume(original, path("s/"));
  const Volume back = read_volume(path("s"));
  EXPECT_TRUE(same_world_image(original, back, 1, 0.0));
}

TEST_F(DicomIo, SeveralSeriesInOneDirectoryNeedAChoice) {
  const Volume a = test_volume(true, oblique_rotation(0.0));
  const Volume b(a.data() + 5, a.geometry());
  write_volume(a, path("mixed/"));
  write_volume(b, path("other/"));
  for (const auto& entry : fs::directory_iterator(dir_ / "other"))
    fs::rename(entry.path(), dir_ / "mixed" / ("B" + entry.path().filename().string()));
  const auto series = list_dicom_series(path("mixed"));
  ASSERT_EQ(series.size(), 2u);
  try {
    read_volume(path("mixed"));
    FAIL() << "a directory with two series was read without a choice";
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("--series"), std::string::npos) << message;
    EXPECT_NE(message.find(series[0].series_uid), std::string::npos) << message;
    EXPECT_NE(message.find(series[1].series_uid), std::string::npos) << message;
  }
  const std::string uid_b = list_dicom_series(path("mixed/BIM00001.dcm")).size() == 2
                                ? read_volume(path("mixed/BIM00001.dcm")).data().equal(b.data()) ? "ok" : "wrong"
                                : "?";
  EXPECT_EQ(uid_b, "ok") << "naming one file selects its series";
  for (const auto& s : series) {
    const Volume chosen = read_volume(path("mixed"), {s.series_uid});
    EXPECT_TRUE(chosen.data().equal(a.data()) || chosen.data().equal(b.data()));
  }
  EXPECT_THROW(read_volume(path("mixed"), {"1.2.3.4"}), IoError);
}

TEST_F(DicomIo, MissingSliceIsReportedNotInterpolated) {
  write_volume(test_volume(true, oblique_rotation(0.2)), path("s/"));
  fs::remove(dir_ / "s" / "IM00003.dcm");
  try {
    read_volume(path("s"));
    FAIL() << "a series with a gap was read";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
}

TEST_F(DicomIo, UnevenSliceSpacingIsReported) {
  write_volume(test_volume(true, oblique_rotation(0.0)), path("s/"));  // identity: z = 7 + 2.5 k
  const fs::path victim = dir_ / "s" / "IM00004.dcm";
  std::ifstream in(victim, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const std::string position = "-12.5\\30.25\\14.5";
  const auto at = bytes.find(position);
  ASSERT_NE(at, std::string::npos) << "ImagePositionPatient of slice 4 not found";
  bytes.replace(at, position.size(), "-12.5\\30.25\\15.1");
  std::ofstream(victim, std::ios::binary) << bytes;
  try {
    read_volume(path("s"));
    FAIL() << "unevenly spaced slices were read";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("uneven slice spacing"), std::string::npos) << e.what();
  }
}

TEST_F(DicomIo, ReferenceSeriesProvidesStudyAndFrameOfReference) {
  const Volume v = test_volume(true, oblique_rotation(0.0));
  write_volume(v, path("ref/"));
  VolumeWriteOptions options;
  options.dicom.reference_series = path("ref");
  options.dicom.series_description = "diffrecon DDS";
  write_volume(v, path("derived/"), options);
  const auto ref = list_dicom_series(path("ref")), derived = list_dicom_series(path("derived"));
  ASSERT_EQ(ref.size(), 1u);
  ASSERT_EQ(derived.size(), 1u);
  EXPECT_EQ(derived[0].study_uid, ref[0].study_uid);
  EXPECT_NE(derived[0].series_uid, ref[0].series_uid);
  EXPECT_EQ(derived[0].patient_id, ref[0].patient_id);
  EXPECT_EQ(derived[0].series_description, "diffrecon DDS");
  EXPECT_EQ(derived[0].frame_of_reference_uid, ref[0].frame_of_reference_uid);
  EXPECT_FALSE(derived[0].frame_of_reference_uid.empty());
  EXPECT_EQ(derived[0].referenced_series_uid, ref[0].series_uid);
  EXPECT_EQ(ref[0].referenced_series_uid, "");
  EXPECT_TRUE(same_world_image(v, read_volume(path("derived")), 1, 1e-3));  // the edit kept every voxel
  if (have_tool("dciodvfy")) {
    const std::string report = run_tool("dciodvfy " + path("derived/IM00001.dcm"));
    EXPECT_EQ(report.find("Error"), std::string::npos) << report;
  }
}

TEST_F(DicomIo, RefusesNonEmptyDirectoryAndBadModality) {
  fs::create_directories(dir_ / "busy");
  std::ofstream(dir_ / "busy" / "x.txt") << "x";
  EXPECT_THROW(write_volume(test_volume(true, oblique_rotation(0)), path("busy/")), IoError);
  VolumeWriteOptions options;
  options.dicom.modality = "XA";
  EXPECT_THROW(write_volume(test_volume(true, oblique_rotation(0)), path("new/"), options), InvalidArgument);
  EXPECT_THROW(read_volume(path("busy")), IoError);  // no DICOM series there
}

TEST_F(DicomIo, Colin27SeriesIsValidForDciodvfyAndDcm2niixReadsTheSameGeometry) {
  if (!fs::exists(kColin27) || !have_tool("dciodvfy") || !have_tool("dcm2niix"))
    GTEST_SKIP() << "needs mricron-data, dicom3tools and dcm2niix (scripts/install_dependencies.sh)";
  const Volume colin = read_volume(kColin27);
  write_volume(colin, path("colin/"));
  for (const char* file : {"IM00001.dcm", "IM00091.dcm", "IM00181.dcm"}) {
    const std::string report = run_tool("dciodvfy " + path("colin/") + file);
    EXPECT_NE(report.find("MRImage"), std::string::npos) << report;
    EXPECT_EQ(report.find("Error"), std::string::npos) << file << ":\n" << report;
  }
  fs::create_directories(dir_ / "d2n");
  const std::string log = run_tool("dcm2niix -z n -o " + path("d2n") + " -f colin " + path("colin"));
  ASSERT_TRUE(fs::exists(dir_ / "d2n" / "colin.nii")) << log;
  const Volume converted = read_volume(path("d2n/colin.nii"));
  EXPECT_EQ(converted.data().numel(), colin.data().numel());
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(converted.geometry().spacing[i], colin.geometry().spacing[i], 1e-4);
  EXPECT_TRUE(same_world_image(colin, converted, 7, 0.0));
}


TEST_F(DicomIo, CorruptedSlicesEitherReadOrFailCleanly) {
  write_volume(test_volume(true, oblique_rotation(0.1)), path("good/"));
  std::mt19937_64 random(11);
  int failures = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const fs::path copy = dir_ / ("trial" + std::to_string(trial));
    fs::copy(dir_ / "good", copy);
    const fs::path victim = copy / ("IM0000" + std::to_string(1 + random() % 6) + ".dcm");
    std::ifstream in(victim, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    for (int flips = 1 + static_cast<int>(random() % 6); flips > 0; --flips)
      bytes[132 + random() % std::min<size_t>(600, bytes.size() - 132)] = static_cast<char>(random() & 0xff);
    if (trial % 4 == 3) bytes.resize(random() % bytes.size());
    std::ofstream(victim, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    try {
      read_volume(copy.string());
    } catch (const IoError&) {
      ++failures;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "trial " << trial << ": " << e.what();
    }
  }
  EXPECT_GT(failures, 0);
}

}  // namespace
}  // namespace diffrecon
