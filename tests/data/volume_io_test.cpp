#include "data/io/volume_io.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <typeinfo>

#include "core/error.h"
#include "testing/scratch_directory.h"

namespace diffrecon {
namespace {

namespace fs = std::filesystem;

class VolumeIo : public testing::ScratchDirectoryTest {
 protected:
  static Volume oblique_volume() {
    Geometry g;
    g.spacing = {0.7, 1.3, 2.5};
    g.origin = {-12.5, 30.25, 7.0};
    const double c = std::cos(0.4), s = std::sin(0.4);
    g.direction = {c, -s, 0, s, c, 0, 0, 0, 1};
    return Volume(torch::arange(4 * 5 * 6, torch::kFloat).view({4, 5, 6}) / 7.0, g);
  }

};

TEST_F(VolumeIo, RoundTripsVoxelsAndGeometryThroughEveryFormat) {
  const Volume original = oblique_volume();
  for (const char* name : {"v.nii.gz", "v.nii", "v.mha", "v.mhd", "v.nrrd"}) {
    write_volume(original, path(name));
    const Volume back = read_volume(path(name));
    EXPECT_TRUE(torch::equal(back.data(), original.data())) << name;
    for (int i = 0; i < 3; ++i) {
      EXPECT_NEAR(back.geometry().spacing[i], original.geometry().spacing[i], 1e-6) << name;
      EXPECT_NEAR(back.geometry().origin[i], original.geometry().origin[i], 1e-4) << name;
    }
    for (int i = 0; i < 9; ++i) EXPECT_NEAR(back.geometry().direction[i], original.geometry().direction[i], 1e-6) << name;
  }
}

TEST_F(VolumeIo, LeavesNoTemporaryFilesBehind) {
  write_volume(oblique_volume(), path("a.mhd"));
  write_volume(oblique_volume(), path("b.nii.gz"));
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0], "a.mhd");
  EXPECT_EQ(names[2], "b.nii.gz");
}

TEST_F(VolumeIo, RefusesToOverwriteTheInput) {
  write_volume(oblique_volume(), path("in.nii.gz"));
  EXPECT_THROW(write_volume(oblique_volume(), path("in.nii.gz"), {VolumeFormat::kAuto, path("in.nii.gz"), {}}), IoError);
}

TEST_F(VolumeIo, BadPathsAndFilesGiveIoError) {
  EXPECT_THROW(read_volume(path("missing.nii.gz")), IoError);
  EXPECT_THROW(read_volume(path("volume.xyz")), IoError);
  EXPECT_THROW(write_volume(oblique_volume(), path("no/such/dir/v.nii.gz")), IoError);
  std::ofstream(path("garbage.nii.gz")) << "this is not a NIfTI file";
  EXPECT_THROW(read_volume(path("garbage.nii.gz")), IoError);
  for (const char* name : {"t.mha", "t.nrrd"}) {
    write_volume(oblique_volume(), path(name));
    fs::resize_file(path(name), fs::file_size(path(name)) / 2);
    EXPECT_THROW(read_volume(path(name)), IoError) << name;
  }
}


TEST_F(VolumeIo, ZeroOrNegativeSpacingIsRefused) {
  for (const char* spacing : {"0 1 1", "1 -2 1", "1 1 nan"}) {
    const std::string file = path("spacing.mha");
    {
      std::ofstream out(file, std::ios::binary);
      out << "ObjectType = Image\nNDims = 3\nDimSize = 2 2 2\nElementSpacing = " << spacing
          << "\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n";
      const std::vector<float> voxels(8, 1.0f);
      out.write(reinterpret_cast<const char*>(voxels.data()), sizeof(float) * voxels.size());
    }
    EXPECT_THROW(read_volume(file), IoError) << spacing;
  }
}

// Overwrites `bytes` at `offset` of a file.
void patch(const std::string& file, std::streamoff offset, const std::vector<char>& bytes) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(offset);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<char> int16_bytes(std::initializer_list<int16_t> values) {
  std::vector<char> out;
  for (const int16_t v : values) {
    out.push_back(static_cast<char>(v & 0xff));
    out.push_back(static_cast<char>((v >> 8) & 0xff));
  }
  return out;
}

TEST_F(VolumeIo, TruncatedNiftiIsRefusedPlainAndCompressed) {
  for (const char* name : {"t.nii", "t.nii.gz"}) {
    write_volume(oblique_volume(), path(name));
    fs::resize_file(path(name), fs::file_size(path(name)) - 40);
    try {
      read_volume(path(name));
      FAIL() << name << " was read although truncated";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
    }
  }
}

TEST_F(VolumeIo, HeadersAreCheckedBeforeAllocating) {
  write_volume(oblique_volume(), path("absurd.nii"));
  patch(path("absurd.nii"), 40, int16_bytes({3, 30000, 30000, 30000}));  // dim[0..3]
  try {
    read_volume(path("absurd.nii"));
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("absurdly large"), std::string::npos) << e.what();
  }
  write_volume(oblique_volume(), path("four.nii"));
  patch(path("four.nii"), 40, int16_bytes({4, 6, 5, 4, 2}));  // a time series of two volumes
  try {
    read_volume(path("four.nii"));
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("2 volumes"), std::string::npos) << e.what();
  }
}

TEST_F(VolumeIo, NanVoxelsAreRefused) {
  auto data = oblique_volume().data().clone();
  data[1][2][3] = std::nanf("");
  write_volume(Volume(data, oblique_volume().geometry()), path("nan.nrrd"));
  EXPECT_THROW(read_volume(path("nan.nrrd")), IoError);
}

TEST_F(VolumeIo, FormatOverrideMustAgreeWithTheName) {
  EXPECT_THROW(write_volume(oblique_volume(), path("v.nii"), {VolumeFormat::kNrrd, "", {}}), IoError);
  EXPECT_EQ(parse_volume_format("nifti-gz"), VolumeFormat::kNiftiGz);
  EXPECT_THROW(parse_volume_format("analyze"), InvalidArgument);
  EXPECT_EQ(format_of_path("x/"), VolumeFormat::kDicom);
  EXPECT_EQ(format_of_path("a.dcm"), VolumeFormat::kDicom);
}

// Corrupts `count` random bytes of a copy of `file` (seeded) and reads it: it must read or throw IoError.
void expect_clean_failures(const std::string& file, const std::string& scratch, int trials, uint64_t seed) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::mt19937_64 random(seed);
  int failures = 0;
  for (int trial = 0; trial < trials; ++trial) {
    std::vector<char> bytes = original;
    const bool header_only = trial % 2 == 0;  // half the trials aim at the first 512 bytes
    const size_t span = header_only ? std::min<size_t>(512, bytes.size()) : bytes.size();
    for (int flips = 1 + static_cast<int>(random() % 8); flips > 0; --flips)
      bytes[random() % span] = static_cast<char>(random() & 0xff);
    if (trial % 5 == 4) bytes.resize(random() % bytes.size());
    std::ofstream(scratch, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    try {
      read_volume(scratch);
    } catch (const IoError&) {
      ++failures;
    } catch (const std::exception& e) {
      ADD_FAILURE() << file << " trial " << trial << ": " << typeid(e).name() << ": " << e.what();
    }
  }
  EXPECT_GT(failures, 0) << file << ": no corruption was noticed at all";
}

TEST_F(VolumeIo, CorruptedFilesEitherReadOrFailCleanly) {
  for (const char* name : {"c.nii", "c.nii.gz", "c.mha", "c.nrrd"}) {
    write_volume(oblique_volume(), path(name));
    const std::string scratch = path(std::string("scratch_") + name);
    expect_clean_failures(path(name), scratch, 60, 7);
  }
}

}  // namespace
}  // namespace diffrecon
