#include "data/io/cranium.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "core/error.h"
#include "testing/scratch_directory.h"

namespace diffrecon {
namespace {

// main.plist as InVesalius 3 writes it, with a given matrix entry and spacing.
std::string main_plist(const std::string& shape, const std::string& dtype = "int16",
                       const std::string& spacing = "<real>0.5</real><real>0.75</real><real>1.5</real>") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
         "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>\n"
         "<key>matrix</key><dict><key>dtype</key><string>" + dtype +
         "</string><key>filename</key><string>matrix.dat</string><key>shape</key><array>" + shape +
         "</array></dict>\n<key>modality</key><string>CT</string>\n<key>spacing</key><array>" + spacing +
         "</array>\n</dict>\n</plist>\n";
}

// A gzipped tar of `members` (name → bytes) under a temporary folder name, as InVesalius saves.
void write_project(const std::string& path, const std::map<std::string, std::string>& members) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
  archive_write_add_filter_gzip(a.get());
  archive_write_set_format_pax_restricted(a.get());
  ASSERT_EQ(archive_write_open_filename(a.get(), path.c_str()), ARCHIVE_OK);
  for (const auto& [name, bytes] : members) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(entry.get(), ("tmpx1y2z3/" + name).c_str());
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    ASSERT_EQ(archive_write_header(a.get(), entry.get()), ARCHIVE_OK);
    ASSERT_EQ(archive_write_data(a.get(), bytes.data(), bytes.size()), static_cast<la_ssize_t>(bytes.size()));
  }
  ASSERT_EQ(archive_write_close(a.get()), ARCHIVE_OK);
}

// int16 voxels 0, 1, 2, … − 1000 (little endian), `count` of them.
std::string ramp_voxels(int64_t count) {
  std::string bytes;
  for (int64_t i = 0; i < count; ++i) {
    const auto v = static_cast<int16_t>(i * 50 - 1000);
    bytes.push_back(static_cast<char>(v & 0xff));
    bytes.push_back(static_cast<char>((v >> 8) & 0xff));
  }
  return bytes;
}

const std::string kShape = "<integer>3</integer><integer>4</integer><integer>5</integer>";

class InvesaliusProject : public testing::ScratchDirectoryTest {
 protected:
  // Expects an IoError whose message contains `words`.
  void expect_refused(const std::map<std::string, std::string>& members, const std::string& words) {
    const auto file = path("p.inv3");
    write_project(file, members);
    try {
      read_invesalius_project(file);
      ADD_FAILURE() << "read a damaged project; expected: " << words;
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  }
};

TEST_F(InvesaliusProject, ReadsVoxelsAndSpacingSlowestAxisFirst) {
  const auto file = path("p.inv3");
  write_project(file, {{"main.plist", main_plist(kShape)}, {"matrix.dat", ramp_voxels(60)}, {"mask_0.dat", "xx"}});
  const Volume v = read_invesalius_project(file);
  ASSERT_EQ(v.data().sizes(), c10::IntArrayRef({3, 4, 5}));
  EXPECT_EQ(v.data()[0][0][0].item<float>(), -1000.0f);
  EXPECT_EQ(v.data()[0][0][1].item<float>(), -950.0f);     // x is the fastest axis
  EXPECT_EQ(v.data()[2][3][4].item<float>(), 59 * 50 - 1000.0f);
  EXPECT_EQ(v.geometry().spacing, (std::array<double, 3>{0.5, 0.75, 1.5}));
}

TEST_F(InvesaliusProject, RefusesDamagedProjectsWithAClearError) {
  expect_refused({{"matrix.dat", ramp_voxels(60)}}, "no main.plist");
  expect_refused({{"main.plist", main_plist(kShape)}}, "'matrix.dat' is missing");
  expect_refused({{"main.plist", main_plist(kShape)}, {"matrix.dat", ramp_voxels(59)}}, "needs 120");
  expect_refused({{"main.plist", main_plist("<integer>3</integer><integer>4</integer><integer>6</integer>")},
                  {"matrix.dat", ramp_voxels(60)}},
                 "needs 144");
  expect_refused({{"main.plist", main_plist(kShape, "float64")}, {"matrix.dat", ramp_voxels(60)}}, "not supported");
  expect_refused({{"main.plist", main_plist("<integer>3</integer><integer>4</integer>")}, {"matrix.dat", ramp_voxels(60)}},
                 "three numbers");
  expect_refused({{"main.plist", main_plist(kShape, "int16", "<real>0.5</real><real>0</real><real>1</real>")},
                  {"matrix.dat", ramp_voxels(60)}},
                 "spacing");
  expect_refused({{"main.plist", "<plist><dict><key>matrix</key>"}, {"matrix.dat", ramp_voxels(60)}}, "main.plist");
}

TEST_F(InvesaliusProject, RefusesTruncatedArchivesAndOtherFiles) {
  const auto file = path("p.inv3");
  write_project(file, {{"main.plist", main_plist(kShape)}, {"matrix.dat", ramp_voxels(60)}});
  const auto size = std::filesystem::file_size(file);
  for (const auto keep : {size / 2, size - 8, std::uintmax_t{10}}) {
    std::filesystem::copy_file(file, path("cut.inv3"), std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(path("cut.inv3"), keep);
    EXPECT_THROW(read_invesalius_project(path("cut.inv3")), IoError) << keep << " of " << size << " bytes";
  }
  std::ofstream(path("text.inv3")) << "not an archive at all";
  EXPECT_THROW(read_invesalius_project(path("text.inv3")), IoError);
  EXPECT_THROW(read_invesalius_project(path("absent.inv3")), IoError);
}

TEST(Cranium, HounsfieldUnitsBecomeLinearAttenuation) {
  const auto mu = hounsfield_to_attenuation(torch::tensor({-2000.0f, -1000.0f, 0.0f, 1000.0f}));
  EXPECT_TRUE(torch::allclose(mu, torch::tensor({0.0f, 0.0f, 0.019f, 0.038f})));
}

TEST(Cranium, PartsSplitTheSlicesSixtyTenThirty) {
  Geometry g;
  g.spacing = {1.0, 1.0, 1.5};
  const Volume v(torch::arange(108, torch::kFloat).reshape({108, 1, 1}).expand({108, 2, 2}).contiguous(), g);
  const Volume training = dataset_part(v, DatasetPart::kTraining, kCraniumTrainingFraction, kCraniumTestStart);
  const Volume test = dataset_part(v, DatasetPart::kTest, kCraniumTrainingFraction, kCraniumTestStart);
  EXPECT_EQ(training.nz(), 64);  // slices 0 … 63
  EXPECT_EQ(training.data()[63][0][0].item<float>(), 63.0f);
  EXPECT_EQ(test.nz(), 32);      // slices 76 … 107; 64 … 75 unused
  EXPECT_EQ(test.data()[0][0][0].item<float>(), 76.0f);
  EXPECT_DOUBLE_EQ(test.geometry().origin[2], 76 * 1.5);
  EXPECT_EQ(dataset_part(v, DatasetPart::kWhole, 0.6, 0.7).nz(), 108);
  EXPECT_EQ(parse_dataset_part("training"), DatasetPart::kTraining);
  EXPECT_THROW(parse_dataset_part("validation"), InvalidArgument);
}

TEST(Cranium, DebiansHeadCtIsAHead) {
  if (!std::filesystem::exists(kCraniumPath)) GTEST_SKIP() << kCraniumPath << " is missing (Debian: invesalius-examples)";
  const Volume whole = cranium(DatasetPart::kWhole);
  ASSERT_EQ(whole.data().sizes(), c10::IntArrayRef({108, 256, 256}));
  EXPECT_NEAR(whole.geometry().spacing[0], 0.957, 1e-3);
  EXPECT_DOUBLE_EQ(whole.geometry().spacing[2], 1.5);
  EXPECT_EQ(whole.data().min().item<float>(), 0.0f);                // air
  EXPECT_GT(whole.data().max().item<float>(), 2 * kWaterAttenuationPerMm);  // bone
  // The head narrows towards superior: the top slice holds less tissue than the middle one.
  const auto tissue = (whole.data() > 0.5 * kWaterAttenuationPerMm).sum({1, 2});
  EXPECT_LT(tissue[107].item<int64_t>(), tissue[54].item<int64_t>() / 2);
  EXPECT_EQ(cranium(DatasetPart::kTest).nz(), 32);
}

}  // namespace
}  // namespace diffrecon
