#include "data/io/volume_io.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace diffrecon {
namespace {

namespace fs = std::filesystem;

class VolumeIo : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("diffrecon_volume_io_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static Volume oblique_volume() {
    Geometry g;
    g.spacing = {0.7, 1.3, 2.5};
    g.origin = {-12.5, 30.25, 7.0};
    const double c = std::cos(0.4), s = std::sin(0.4);
    g.direction = {c, -s, 0, s, c, 0, 0, 0, 1};
    return Volume(torch::arange(4 * 5 * 6, torch::kFloat).view({4, 5, 6}) / 7.0, g);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
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
  EXPECT_THROW(write_volume(oblique_volume(), path("in.nii.gz"), path("in.nii.gz")), IoError);
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

}  // namespace
}  // namespace diffrecon
